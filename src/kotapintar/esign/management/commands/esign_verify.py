"""`kotapintar esign-verify FILE [--trust-root PEM ...] [--json]`: exit 0 only if every signature is valid
and trusted, 1 when one is not, 2 when the file (or a trust root) cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509
from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError
from kotapintar.esign import verification


class Command(BaseCommand):
    help = "Verify the signatures of a PDF (integrity, trust, timestamp, revocation, modifications)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--trust-root",
            action="append",
            default=[],
            metavar="PEM",
            help="a further trusted root certificate (PEM or DER file; repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        roots = tuple(der for name in options["trust_root"] for der in self._roots(Path(name)))
        try:
            report = verification.verify_pdf(path.read_bytes(), extra_roots=roots)
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
                for name, check in sig.get("checks", {}).items():
                    self.stdout.write(f"      {name:13} {check['code']}")
                for reason in sig["reasons"]:
                    self.stdout.write(f"      - {reason}")
        sys.exit(0 if report["valid"] else 1)

    def _roots(self, path: Path) -> list[bytes]:
        """The DER of each certificate in a PEM bundle or DER file."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.stderr.write(f"{path}: cannot read the trust root ({exc.strerror})")
            sys.exit(2)
        if pem.detect(data):
            ders = [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]
        else:
            ders = [data]
        try:
            for der in ders:
                x509.Certificate.load(der).native  # noqa: B018 - a full parse refuses a broken file here
        except (ValueError, TypeError) as exc:
            self.stderr.write(f"{path}: not a certificate ({exc})")
            sys.exit(2)
        return ders
