"""The evaluation pack: the city's self-assessment for the ministry's smart-city evaluation, for one
half-year period, organised by the five dimensions of the ministry's scoring (baseline, output,
outcome, impact, quick win) with the weights of a versioned weight set (models.WeightSet).

Each dimension is scored 0–5 from the plan's indicators, with the formula written out:

- baseline: every indicator with a value for the period; 5 × the share that improved on the previous
  year's realisation (or on the baseline when there is none), in the indicator's direction;
- output: output indicators of the programmes that are not quick wins; 5 × the mean achievement against
  the period year's target (capped at 100 %);
- outcome: outcome indicators of those programmes; the same formula;
- impact: outcome indicators of every programme; 5 × the mean distance covered from the baseline to the
  target of the programme's last year (0–100 %);
- quick win: every indicator of the quick-win programmes; the mean achievement against the year's target.

Indicators are yearly: the value for a half-year is the realisation recorded for its year. A dimension
without any value is "missing" with the reason, never a zero, and then so is the total. Evidence links
are absolute (SITE_URL): the worksheet, the year's realisations, the Dewan's endorsement minutes, the
live metrics of the modules over the period (core.metrics `in_period`) and the documents signed in TTE.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kotapintar.core import localtime, metrics
from kotapintar.core.siteurl import absolute_url
from kotapintar.esign.selectors import documents_signed_in_period
from kotapintar.masterplan import reference, selectors
from kotapintar.masterplan.errors import (
    EvaluationPeriodInvalid,
    WeightSetNotFound,
    WeightsInvalid,
    WeightsTotal,
)
from kotapintar.masterplan.models import (
    CouncilMeeting,
    Direction,
    Indicator,
    IndicatorKind,
    MeetingStatus,
    Plan,
    WeightSet,
)
from kotapintar.masterplan.selectors import Reader

PERIOD = re.compile(r"^(\d{4})-S([12])$")
SCALE = 5


@dataclass(frozen=True)
class Period:
    year: int
    half: int  # 1: January–June, 2: July–December

    @property
    def code(self) -> str:
        return f"{self.year}-S{self.half}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, 1 if self.half == 1 else 7, 1, tzinfo=localtime.zone())

    @property
    def last_day(self) -> date:
        """The period's last day (`end` is the first moment after it)."""
        return (self.end - timedelta(days=1)).date()

    @property
    def end(self) -> datetime:
        if self.half == 1:
            return datetime(self.year, 7, 1, tzinfo=localtime.zone())
        return datetime(self.year + 1, 1, 1, tzinfo=localtime.zone())


def period_parse(text: str) -> Period:
    """`2020-S2` → Period(2020, 2); `evaluation_period_invalid` for anything else."""
    m = PERIOD.match((text or "").strip())
    if m is None or not 2000 <= int(m.group(1)) <= 2100:
        raise EvaluationPeriodInvalid()
    return Period(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: Decimal | None
    compared_to: Decimal | None  # the target, the previous value or the final target, by dimension
    part: float | None  # the indicator's share of the dimension's score, 0–1
    method: str
    missing: str = ""
    evidence: list[Link] = field(default_factory=list)


@dataclass
class DimensionScore:
    code: str
    label: str
    weight: int
    formula: str
    rows: list[IndicatorRow]
    score: float | None
    missing: str = ""

    @property
    def counted(self) -> int:
        return sum(1 for r in self.rows if r.part is not None)


@dataclass(frozen=True)
class MetricRow:
    code: str
    name: str
    unit: str
    value: float | None
    module_url: str
    missing: str = ""


@dataclass
class Pack:
    plan: Plan
    period: Period
    weight_set: WeightSet
    dimensions: list[DimensionScore]
    total: float | None
    total_formula: str
    total_missing: str
    metrics: list[MetricRow]
    evidence: list[Link]  # pack-wide: minutes, signed documents, the public plan and its method
    generated_at: datetime

    def links(self) -> list[str]:
        """Every evidence URL in the pack, once each."""
        urls = [link.url for d in self.dimensions for r in d.rows for link in r.evidence]
        urls += [absolute_url(m.module_url) for m in self.metrics]
        urls += [link.url for link in self.evidence]
        return list(dict.fromkeys(urls))


# --- Weights -----


def weight_set_for_pack(code: str | None = None) -> WeightSet:
    """The weight set `code`, or the newest version of the set named by the setting
    MASTERPLAN_EVALUATION_WEIGHT_SET; refused when its weights do not sum to 100."""
    if code:
        ws = WeightSet.objects.filter(code=code).first()
    else:
        base = getattr(settings, "MASTERPLAN_EVALUATION_WEIGHT_SET", "kominfo-sleman")
        ws = WeightSet.objects.filter(code__startswith=base).order_by("-version").first()
    if ws is None:
        raise WeightSetNotFound()
    weights_check(ws)
    return ws


def weight_set_default_or_none() -> WeightSet | None:
    """The weight set the pack uses by default, or None when it is missing or its weights are wrong."""
    try:
        return weight_set_for_pack()
    except (WeightSetNotFound, WeightsInvalid, WeightsTotal):
        return None


def period_choices(*, start_year: int, end_year: int, today: date) -> list[str]:
    """The half-years of the plan up to the current one, newest first (the page's period picker)."""
    out = []
    for year in range(start_year, min(end_year, today.year) + 1):
        for half in (1, 2):
            if (year, half) <= (today.year, 1 if today.month <= 6 else 2):
                out.append(f"{year}-S{half}")
    return out[::-1]


def weights_check(ws: WeightSet) -> None:
    cats = reference.EVALUATION_CATEGORIES
    values = ws.weights or {}
    if set(values) != set(cats) or any(not isinstance(values[c], int) or values[c] < 0 for c in cats):
        raise WeightsInvalid()
    if ws.aggregation == "weighted" and sum(values.values()) != 100:
        raise WeightsTotal(
            _("The weights of %(set)s total %(sum)s, not 100.")
            % {"set": ws.name, "sum": sum(values.values())}
        )


# --- Scoring -----


def achievement(*, value: Decimal, target: Decimal, direction: str) -> float:
    """Realisation against target, 0–1 (as selectors.rag reads it)."""
    if direction == Direction.LOWER:
        ratio = Decimal(1) if value <= target else (target / value if value else Decimal(0))
    else:
        ratio = Decimal(1) if target == 0 else value / target
    return float(max(Decimal(0), min(ratio, Decimal(1))))


def _better(value: Decimal, than: Decimal, direction: str) -> bool:
    return value < than if direction == Direction.LOWER else value > than


def _formulas() -> dict[str, str]:
    return {
        "baseline": _(
            "Score = 5 × (indicators improved on the previous year's realisation, or on the baseline) "
            "÷ (indicators with a value)"
        ),
        "output": _(
            "Score = 5 × mean of min(realisation ÷ target, 1) over the output indicators (lower-is-better: "
            "target ÷ realisation)"
        ),
        "outcome": _(
            "Score = 5 × mean of min(realisation ÷ target, 1) over the outcome indicators (lower-is-better: "
            "target ÷ realisation)"
        ),
        "impact": _(
            "Score = 5 × mean of (realisation − baseline) ÷ (final target − baseline), between 0 and 1, over "
            "the outcome indicators of every programme"
        ),
        "quick_win": _("Score = 5 × mean of min(realisation ÷ target, 1) over the quick-win indicators"),
    }


def _in_dimension(code: str, ind: Indicator) -> bool:
    qw = ind.programme.is_quick_win
    if code == "baseline":
        return True
    if code == "output":
        return ind.kind == IndicatorKind.OUTPUT and not qw
    if code == "outcome":
        return ind.kind == IndicatorKind.OUTCOME and not qw
    if code == "impact":
        return ind.kind == IndicatorKind.OUTCOME
    return qw


def _evidence(ind: Indicator, year: int) -> list[Link]:
    ws = ind.programme.worksheet
    links = [
        Link(_("Worksheet"), absolute_url(reverse("masterplan:worksheet", args=[ws.public_id]))),
        Link(
            _("Realisations %(year)s") % {"year": year},
            absolute_url(reverse("masterplan:monitoring")) + f"?tahun={year}",
        ),
    ]
    if ws.endorsed_meeting is not None:
        links.append(
            Link(
                _("Endorsement minutes"),
                absolute_url(reverse("masterplan:meeting", args=[ws.endorsed_meeting.public_id])),
            )
        )
    return links


def _row(code: str, ind: Indicator, year: int) -> IndicatorRow:
    targets = {t.year: t for t in ind.targets.all()}
    t = targets.get(year)
    evidence = _evidence(ind, year)
    if t is None:
        return IndicatorRow(
            ind,
            None,
            None,
            None,
            "",
            missing=_("No target for %(year)s (the programme runs %(start)s–%(end)s).")
            % {"year": year, "start": ind.programme.start_year, "end": ind.programme.end_year},
            evidence=evidence,
        )
    if t.realisation is None:
        return IndicatorRow(
            ind,
            None,
            t.target,
            None,
            "",
            missing=_("No realisation recorded for %(year)s.") % {"year": year},
            evidence=evidence,
        )
    value = t.realisation
    if code == "baseline":
        prev = targets.get(year - 1)
        ref, what = (
            (prev.realisation, _("the realisation of %(year)s") % {"year": year - 1})
            if prev is not None and prev.realisation is not None
            else (ind.baseline, _("the baseline (%(year)s)") % {"year": ind.baseline_year})
        )
        better = _better(value, ref, ind.direction)
        method = _("Improved on %(what)s: %(answer)s") % {
            "what": what,
            "answer": _("yes") if better else _("no"),
        }
        return IndicatorRow(ind, value, ref, 1.0 if better else 0.0, method, evidence=evidence)
    if code == "impact":
        final = targets[max(targets)].target
        if final == ind.baseline:
            return IndicatorRow(
                ind,
                value,
                final,
                None,
                "",
                missing=_("The final target equals the baseline; there is no distance to cover."),
                evidence=evidence,
            )
        share = float((value - ind.baseline) / (final - ind.baseline))
        share = max(0.0, min(share, 1.0))
        method = _("Distance covered from the baseline %(b)s to the final target %(t)s (%(y)s)") % {
            "b": ind.baseline.normalize(),
            "t": final.normalize(),
            "y": max(targets),
        }
        return IndicatorRow(ind, value, final, share, method, evidence=evidence)
    part = achievement(value=value, target=t.target, direction=ind.direction)
    method = _("Realisation %(year)s against the target %(target)s (%(direction)s)") % {
        "year": year,
        "target": t.target.normalize(),
        "direction": ind.get_direction_display(),
    }
    return IndicatorRow(ind, value, t.target, part, method, evidence=evidence)


def _dimension(code: str, weight: int, indicators: list[Indicator], period: Period) -> DimensionScore:
    rows = [_row(code, ind, period.year) for ind in indicators if _in_dimension(code, ind)]
    parts = [r.part for r in rows if r.part is not None]
    label = str(reference.EVALUATION_CATEGORY_LABELS[code])
    missing = ""
    score = None
    if parts:
        score = round(SCALE * sum(parts) / len(parts), 2)
    elif rows:
        missing = _("None of its %(n)s indicators has a value for %(year)s.") % {
            "n": len(rows),
            "year": period.year,
        }
    else:
        missing = _("The plan has no indicator in this dimension.")
    return DimensionScore(code, label, weight, _formulas()[code], rows, score, missing)


def _metrics(period: Period) -> list[MetricRow]:
    rows = []
    for m in metrics.metrics():
        if m.in_period is None:
            continue
        value = metrics.read_period(m, period.start, period.end)
        rows.append(
            MetricRow(
                m.code,
                m.name(selectors.lang_en()),
                m.unit,
                value,
                m.module,
                missing="" if value is not None else _("No data in the period."),
            )
        )
    return rows


def _pack_evidence(plan: Plan, period: Period) -> list[Link]:
    links = [
        Link(
            _("The master plan and how its progress is computed"), absolute_url(reverse("masterplan:public"))
        ),
    ]
    for m in CouncilMeeting.objects.filter(plan=plan, status=MeetingStatus.HELD).order_by("held_at"):
        links.append(
            Link(
                _("Minutes: %(title)s") % {"title": m.title},
                absolute_url(reverse("masterplan:meeting", args=[m.public_id])),
            )
        )
    for doc in documents_signed_in_period(start=period.start, end=period.end, limit=50):
        links.append(
            Link(
                _("Signed in TTE: %(title)s") % {"title": doc.title},
                absolute_url(reverse("esign:verify_code", args=[doc.code])),
            )
        )
    return links


def evaluation_pack(
    *, plan: Plan, period: Period, reader: Reader, weight_set: WeightSet | None = None
) -> Pack:
    ws = weight_set or weight_set_for_pack()
    weights_check(ws)
    indicators = list(
        selectors.indicator_list(plan=plan, reader=reader).select_related(
            "programme__worksheet", "programme__worksheet__endorsed_meeting"
        )
    )
    dims = [
        _dimension(code, int(ws.weights[code]), indicators, period)
        for code in reference.EVALUATION_CATEGORIES
    ]
    missing = [d.label for d in dims if d.score is None]
    total: float | None = None
    total_missing = ""
    if missing:
        total_missing = _("No index: no score for %(dims)s.") % {"dims": ", ".join(missing)}
    elif ws.aggregation == "mean":
        total = round(sum(d.score or 0.0 for d in dims) / len(dims), 2)
    else:
        total = round(sum((d.score or 0.0) * d.weight for d in dims) / 100, 2)
    formula = (
        _("Index = (sum of the five scores) ÷ 5")
        if ws.aggregation == "mean"
        else _("Index = Σ (weight × score) ÷ 100")
    )
    return Pack(
        plan=plan,
        period=period,
        weight_set=ws,
        dimensions=dims,
        total=total,
        total_formula=formula,
        total_missing=total_missing,
        metrics=_metrics(period),
        evidence=_pack_evidence(plan, period),
        generated_at=timezone.now(),
    )


def pack_summary(pack: Pack) -> dict[str, Any]:
    """The figures a page or a test reads without opening a file."""
    by_code: dict[str, Any] = defaultdict(dict)
    for d in pack.dimensions:
        by_code[d.code] = {"weight": d.weight, "score": d.score, "missing": d.missing, "counted": d.counted}
    return {"period": pack.period.code, "total": pack.total, "dimensions": dict(by_code)}
