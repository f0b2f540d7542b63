"""kotapintar masterplan-evaluation --period YYYY-S1|S2 --format xlsx|docx --out PATH

The evaluation pack: the city's self-assessment for the ministry's smart-city evaluation, by the five
dimensions of its scoring (masterplan.evaluation). Options: --weight-set CODE (default: the newest
version of MASTERPLAN_EVALUATION_WEIGHT_SET), --plan UUID, --lang id|en. A bad --period or --format
exits with code 2 and says what is expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kotapintar.core.errors import DomainError
from kotapintar.masterplan import evaluation, evaluation_export, selectors
from kotapintar.masterplan.errors import EvaluationPeriodInvalid
from kotapintar.masterplan.selectors import EVERYTHING

FORMATS = ["xlsx", "docx"]


class Command(BaseCommand):
    help = (
        "Write the master plan's evaluation pack for a half-year (YYYY-S1 or YYYY-S2) as XLSX or DOCX: "
        "the five dimensions with weights, scores and formulas, each indicator with its value, method "
        "and evidence links."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="the half-year, e.g. 2020-S2")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--weight-set", help="code of the weight set (default: the configured one)")
        parser.add_argument("--plan", help="public id of the plan (default: the current plan)")
        parser.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        with translation.override(options["lang"]):
            try:
                period = evaluation.period_parse(options["period"])
            except EvaluationPeriodInvalid as exc:
                raise CommandError(f"--period {options['period']!r}: {exc.message}", returncode=2) from exc
            try:
                plan = (
                    selectors.plan_get(public_id=options["plan"])
                    if options["plan"]
                    else selectors.plan_current()
                )
                pack = evaluation.evaluation_pack(
                    plan=plan,
                    period=period,
                    reader=EVERYTHING,
                    weight_set=evaluation.weight_set_for_pack(options.get("weight_set")),
                )
                body, _mime = evaluation_export.pack_file(pack, options["format"])
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(body)
        scores = " ".join(
            f"{d.code}={d.score if d.score is not None else 'missing'}" for d in pack.dimensions
        )
        self.stdout.write(
            f"{out} ({out.stat().st_size:,} bytes) period={period.code} {scores} index={pack.total}"
        )
