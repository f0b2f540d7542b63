"""`kotapintar esign-verify FILE [--json]`: exit 0 only if every signature is valid and trusted."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError
from kotapintar.esign import verification


class Command(BaseCommand):
    help = "Verify the signatures of a PDF (integrity, trust, timestamp, revocation, modifications)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            report = verification.verify_pdf(path.read_bytes())
        except DomainError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"conclusion": "ERROR", "valid": False, **exc.as_dict()}))
            else:
                self.stderr.write(f"{path}: {exc.message}")
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{path}: {report['conclusion']} ({report['signature_count']} signature(s))")
            for sig in report["signatures"]:
                state = "VALID" if sig["valid"] else "INVALID"
                signer = sig.get("signer", {}).get("name", "?")
                self.stdout.write(f"  [{state}] {sig['field']}: {signer} at {sig.get('signing_time')}")
                for reason in sig["reasons"]:
                    self.stdout.write(f"      - {reason}")
        sys.exit(0 if report["valid"] else 1)
