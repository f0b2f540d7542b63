"""`kotapintar qris-decode PAYLOAD [--json] [--strict]`: every tag and sub-tag of a QRIS payload.

Exits 0 for a valid payload; 1 with the reason (code, tag, message) on stderr for an invalid one."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.lib import qris


class Command(BaseCommand):
    help = "Decode and validate a QRIS (EMVCo MPM) payload."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("payload", help="the payload text, or - to read it from standard input")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--strict", action="store_true", help="also apply the QRIS rules (IDR, ID, NMID)")

    def handle(self, *args: Any, **options: Any) -> None:
        payload = sys.stdin.read().strip() if options["payload"] == "-" else options["payload"]
        try:
            decoded = qris.decode(payload, strict_qris=options["strict"])
        except qris.QrisError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps({"valid": False, "code": exc.code, "tag": exc.tag, "message": exc.message})
                )
            raise CommandError(f"invalid QRIS payload: {exc}", returncode=1) from None
        if options["json"]:
            self.stdout.write(json.dumps(decoded.as_dict(), ensure_ascii=False, indent=2))
            return
        for obj in decoded.objects:
            self.stdout.write(f"{obj.tag} {obj.length:>2} {obj.name}: {obj.value}")
            for child in obj.children:
                self.stdout.write(f"   {obj.tag}.{child.tag} {child.length:>2} {child.name}: {child.value}")
        for warning in decoded.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(self.style.SUCCESS("valid"))
