"""`kotapintar qris-decode PAYLOAD [--json] [--strict]`: every tag and sub-tag of a QRIS payload.

Payloads as found in the wild: a format deviation (an amount with more decimals than the currency has,
a merchant city over 15 characters, a missing merchant name, …) is printed as a warning with its tag
and the rest is decoded. `--strict` refuses them and applies the QRIS rules, as a payment the city
accepts is always checked. A broken structure (TLV) or a wrong CRC is refused in both modes.

Exits 0 for a decoded payload; 1 with the reason (code, tag, message) on stderr for a refused one."""

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
        parser.add_argument(
            "--strict",
            action="store_true",
            help="refuse format deviations and apply the QRIS rules (IDR, ID, NMID), as payments do",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        payload = sys.stdin.read().strip() if options["payload"] == "-" else options["payload"]
        try:
            decoded = qris.decode(payload, strict_qris=options["strict"], lenient=not options["strict"])
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
        if decoded.warnings:
            self.stdout.write(self.style.WARNING(f"decoded with {len(decoded.warnings)} warning(s)"))
        else:
            self.stdout.write(self.style.SUCCESS("valid"))
