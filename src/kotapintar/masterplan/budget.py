"""Reads of the budget's realisation: planned against realised per year and per OPD (integer rupiah),
for the monitoring page, the control room and its public twin. A line without a recorded realisation
counts as planned only; the percentage is realised / planned of the lines recorded so far, so a year
half recorded is not shown as half spent; above 100% is an overrun and is shown as such."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kotapintar.masterplan.models import BudgetLine, Plan
from kotapintar.masterplan.selectors import Reader, visible_to


def lines(*, plan: Plan, reader: Reader, year: int | None = None) -> QuerySet[BudgetLine]:
    qs = visible_to(reader, BudgetLine.objects.filter(programme__plan=plan), "programme__worksheet__")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("programme__worksheet__opd").order_by("programme__code", "year", "source")


def line_out(line: BudgetLine) -> dict[str, Any]:
    realised, planned = line.realised_idr, line.amount_idr
    return {
        "programme": line.programme.code,
        "year": line.year,
        "source": line.source,
        "amount_idr": planned,
        "realised_idr": realised,
        "percent": round(100 * realised / planned, 1) if realised is not None and planned else None,
    }


def _row(planned: int, recorded_planned: int, realised: int, recorded: int, total: int) -> dict[str, Any]:
    pct = round(100 * realised / recorded_planned, 1) if recorded and recorded_planned else None
    return {
        "planned": planned,
        "realised": realised if recorded else None,
        "percent": pct,
        "recorded": recorded,
        "lines": total,
        "over": pct is not None and pct > 100,
    }


def _grouped(qs: QuerySet[BudgetLine], key: str) -> list[tuple[Any, dict[str, Any]]]:
    rec = Q(realised_idr__isnull=False)
    rows = (
        qs.order_by()
        .values(key)
        .annotate(
            planned=Sum("amount_idr"),
            recorded_planned=Sum("amount_idr", filter=rec),
            realised=Sum("realised_idr"),
            recorded=Count("pk", filter=rec),
            total=Count("pk"),
        )
        .order_by(key)
    )
    return [
        (
            r[key],
            _row(
                int(r["planned"] or 0),
                int(r["recorded_planned"] or 0),
                int(r["realised"] or 0),
                r["recorded"],
                r["total"],
            ),
        )
        for r in rows
    ]


def realisation(*, plan: Plan, reader: Reader) -> dict[str, Any]:
    """Per year of the plan, and per OPD for the latest year with any realisation recorded."""
    qs = lines(plan=plan, reader=reader)
    years = [{"year": y, **row} for y, row in _grouped(qs, "year")]
    recorded_years = [y["year"] for y in years if y["recorded"]]
    opd_year = max(recorded_years) if recorded_years else None
    opds: list[dict[str, Any]] = []
    if opd_year is not None:
        opds = [
            {"opd": name or "–", **row}
            for name, row in _grouped(qs.filter(year=opd_year), "programme__worksheet__opd__short_name")
        ]
        opds.sort(key=lambda o: -o["planned"])
    return {"years": years, "opd_year": opd_year, "opds": opds}
