"""`kotapintar esign-batch --user NAME`: sign every waiting document with one passphrase entry."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kotapintar.core.errors import DomainError
from kotapintar.esign import selectors, services
from kotapintar.esign.models import Document, StepKind


class Command(BaseCommand):
    help = "Sign all documents waiting for an official (or the given codes) with one passphrase entry."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="username of the signing official")
        parser.add_argument("--code", action="append", default=[], help="verification code (repeatable)")
        parser.add_argument("--level", default=None, help="B-B, B-T or B-LT (default ESIGN_LEVEL or B-LT)")
        parser.add_argument(
            "--fast",
            action="store_true",
            help="use the fast batch signer (B-B/B-T, no visible stamp) when available",
        )
        parser.add_argument(
            "--passphrase-env",
            default="",
            help="read the passphrase from this environment variable instead of prompting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['user']}")
        waiting = [d for d in selectors.documents_awaiting(user) if self._sign_step(d)]
        if options["code"]:
            wanted = set(options["code"])
            waiting = [d for d in waiting if d.code in wanted]
        if not waiting:
            self.stdout.write("No documents are waiting for this official's signature.")
            return
        if options["passphrase_env"]:
            passphrase = os.environ.get(options["passphrase_env"], "")
        else:
            passphrase = getpass.getpass(f"Passphrase for {user.get_username()}: ")
        with Progress(
            TextColumn("[bold]Menandatangani"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not self.stdout.isatty(),
        ) as progress:
            task = progress.add_task("sign", total=len(waiting))
            try:
                results = services.document_sign_batch(
                    actor=user,
                    documents_=waiting,
                    passphrase=passphrase,
                    level=options["level"],
                    fast=options["fast"],
                    progress=lambda _doc: progress.advance(task),
                )
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        ok = 0
        for item in results:
            ok += item.ok
            mark = "OK " if item.ok else "ERR"
            self.stdout.write(
                f"{mark} {item.document.code}  {item.document.title}  {'' if item.ok else item.message}"
            )
        self.stdout.write(f"{ok}/{len(results)} signed")
        if ok != len(results):
            raise CommandError("some documents were not signed")

    @staticmethod
    def _sign_step(doc: Document) -> bool:
        step = selectors.step_current(doc)
        return step is not None and step.kind == StepKind.SIGN
