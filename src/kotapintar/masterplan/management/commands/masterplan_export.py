"""kotapintar masterplan-export --format docx|pdf|xlsx|csv --out PATH

Options: --plan UUID, --opd CODE (XLSX of one OPD), --lang id|en.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from rich.console import Console

from kotapintar.core.errors import DomainError
from kotapintar.masterplan import exports, selectors, xlsx
from kotapintar.masterplan.selectors import EVERYTHING


class Command(BaseCommand):
    help = (
        "Export the master plan: the whole plan as DOCX or PDF, the worksheets as XLSX (one OPD with --opd), "
        "programmes as CSV (and the indicators next to it as <name>-indikator.csv)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", required=True, choices=["docx", "pdf", "xlsx", "csv"])
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--plan", help="public id of the plan (default: the current plan)")
        parser.add_argument("--opd", help="XLSX only: the worksheets of this OPD, in the upload format")
        parser.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        fmt, out = options["format"], Path(options["out"])
        started = time.perf_counter()
        with translation.override(options["lang"]):
            try:
                plan = (
                    selectors.plan_get(public_id=options["plan"])
                    if options["plan"]
                    else selectors.plan_current()
                )
                with console.status(f"[bold green]{fmt.upper()}: {plan.title}"):
                    written = self._export(fmt, plan, out, options.get("opd"))
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
        console.print(f"done in {time.perf_counter() - started:.2f} s")

    def _export(self, fmt: str, plan: Any, out: Path, opd_code: str | None) -> list[Path]:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "docx":
            out.write_bytes(exports.plan_docx(plan=plan, reader=EVERYTHING))
        elif fmt == "pdf":
            out.write_bytes(exports.plan_pdf(plan=plan, reader=EVERYTHING))
        elif fmt == "xlsx":
            if opd_code:
                from kotapintar.core.selectors import opd_get

                out.write_bytes(
                    xlsx.worksheet_export(plan=plan, opd=opd_get(code=opd_code), reader=EVERYTHING)
                )
            else:
                out.write_bytes(exports.plan_xlsx(plan=plan, reader=EVERYTHING))
        else:
            out.write_text(exports.programmes_csv(plan=plan, reader=EVERYTHING), encoding="utf-8")
            other = out.with_name(f"{out.stem}-indikator{out.suffix or '.csv'}")
            other.write_text(exports.indicators_csv(plan=plan, reader=EVERYTHING), encoding="utf-8")
            return [out, other]
        return [out]
