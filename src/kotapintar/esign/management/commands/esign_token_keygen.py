"""`kotapintar esign-token-keygen --signer USERNAME`: generate an official's key pair in the PKCS#11 token
and issue its certificate from the city's issuing CA (the key never leaves the token)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError
from kotapintar.esign import services


class Command(BaseCommand):
    help = (
        "Generate an official's signing key in the configured PKCS#11 token (ESIGN_PKCS11_MODULE, "
        "ESIGN_PKCS11_TOKEN, ESIGN_PKCS11_PIN) and issue its certificate. The official's passphrase "
        "is asked for every signature, as for a key kept in the database."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--signer", required=True, help="username of the official")
        parser.add_argument("--years", type=int, default=2, help="validity in years (1 to 5)")
        parser.add_argument(
            "--passphrase-env",
            default="",
            help="read the official's new passphrase from this environment variable instead of prompting",
        )

    def _passphrase(self, env_name: str, username: str) -> str:
        if env_name:
            if env_name not in os.environ:
                raise CommandError(f"environment variable {env_name} is not set")
            return os.environ[env_name]
        first = getpass.getpass(f"New signing passphrase for {username}: ")
        if getpass.getpass("Again: ") != first:
            raise CommandError("the passphrases differ")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["signer"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['signer']}")
        passphrase = self._passphrase(options["passphrase_env"], user.get_username())
        try:
            cert = services.certificate_issue(
                actor=None, user=user, passphrase=passphrase, in_token=True, years=options["years"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"Key generated in token {cert.token_label!r} (id {cert.token_key_id}); certificate "
            f"{cert.serial} issued to {cert.subject}, valid to {cert.not_after:%Y-%m-%d}."
        )
