"""kotapintar audit-rekey: after changing AUDIT_HMAC_KEY, re-key the audit chain from the previous key
(verified under it first) and anchor the new head with the city TSA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core import audit
from kotapintar.esign.errors import PkiNotReady


class Command(BaseCommand):
    help = (
        "Re-key the audit log's hash chain from the previous AUDIT_HMAC_KEY (read from a file) to the "
        "current one; refuses unless the whole chain verifies under the previous key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--previous-key-file", required=True, help="a file holding the previous key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            previous = Path(options["previous_key_file"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"cannot read the previous key: {exc}", returncode=2) from exc
        if not previous:
            raise CommandError("the previous key file is empty", returncode=2)
        count = audit.rekey(previous_key=previous.encode("utf-8"))
        if count == 0:
            raise CommandError(
                "nothing re-keyed: the chain is empty or does not verify under the previous key", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"re-keyed {count} entries under the current AUDIT_HMAC_KEY"))
        try:
            anchor = audit.anchor_create(force=True)
        except PkiNotReady:
            self.stderr.write("not anchored: the city PKI is not set up (run `kotapintar pki-init`)")
            return
        if anchor is not None:
            self.stdout.write(f"anchored #{anchor.seq} with the city TSA")
