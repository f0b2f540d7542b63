"""`kotapintar esign-sign IN.pdf --signer USERNAME --out OUT.pdf`: one official signs one file through the
same service as the web flow (stamp, verification code, audit entries)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError
from kotapintar.esign import selectors, services
from kotapintar.esign.backends import LEVELS


class Command(BaseCommand):
    help = "Sign one PDF with an official's key (city PKI or BSrE, as configured) and write the signed file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the PDF to sign")
        parser.add_argument("--signer", required=True, help="username of the signing official")
        parser.add_argument("--out", required=True, help="where to write the signed PDF")
        parser.add_argument("--level", choices=LEVELS, default=None, help="default ESIGN_LEVEL or B-LT")
        parser.add_argument("--reason", default="", help="reason written into the signature")
        parser.add_argument("--title", default="", help="document title (default: the file name)")
        parser.add_argument(
            "--passphrase-env",
            default="",
            help="read the passphrase from this environment variable instead of prompting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        user = get_user_model().objects.filter(username=options["signer"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['signer']}")
        if options["passphrase_env"]:
            if options["passphrase_env"] not in os.environ:
                raise CommandError(f"environment variable {options['passphrase_env']} is not set")
            passphrase = os.environ[options["passphrase_env"]]
        else:
            passphrase = getpass.getpass(f"Passphrase for {user.get_username()}: ")
        try:
            record = services.document_sign_file(
                actor=user,
                title=options["title"] or source.stem,
                data=source.read_bytes(),
                passphrase=passphrase,
                level=options["level"],
                reason=options["reason"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        out = Path(options["out"])
        out.write_bytes(bytes(selectors.revision_latest(record.document).pdf))
        self.stdout.write(
            f"{out}: signed by {record.signer_name} ({record.level}), "
            f"verification {services.verify_url(record.document.code)}"
        )
