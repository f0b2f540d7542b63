"""kotapintar audit-anchor: have the city TSA timestamp the audit chain head now, queue the worker's
periodic anchor, and (with --export DIR) write every anchor's RFC 3161 token to files."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core import audit
from kotapintar.core.tasks import audit_anchor_schedule
from kotapintar.esign.errors import PkiNotReady


class Command(BaseCommand):
    help = (
        "Timestamp the audit chain head with the city TSA (RFC 3161) and queue the periodic anchor in "
        "the task worker; --export DIR writes every anchor token (.tst, DER) for safekeeping."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", metavar="DIR", help="write every anchor's token into DIR")
        parser.add_argument("--no-new", action="store_true", help="do not anchor now (only export)")
        parser.add_argument("--force", action="store_true", help="anchor even if the head has not moved")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_new"]:
            try:
                anchor = audit.anchor_create(force=options["force"])
            except PkiNotReady as exc:
                raise CommandError(f"{exc.message} (run `kotapintar pki-init` first)", returncode=1) from exc
            if anchor is None:
                self.stdout.write("nothing new to anchor")
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"anchored #{anchor.seq} {anchor.head_hash[:16]}… at "
                        f"{anchor.anchored_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
                    )
                )
            if audit_anchor_schedule():
                self.stdout.write("queued the periodic anchor in the task worker")
        if options["export"]:
            written = audit.anchors_export(directory=Path(options["export"]))
            self.stdout.write(f"exported {len(written)} anchor token(s) to {options['export']}")
