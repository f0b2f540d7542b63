"""`kotapintar flood-sitrep --out FILE.pdf`: write the flood situation report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotapintar.flood import sitrep


class Command(BaseCommand):
    help = "Write the flood and rob situation report as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        pdf = sitrep.render_pdf()
        out = Path(options["out"])
        out.write_bytes(pdf)
        self.stdout.write(f"{out} ({len(pdf):,} bytes)")
