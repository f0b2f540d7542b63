"""Indicators bound to live figures: each bound indicator's value now, the year's target, its RAG
status and its trend by month, read from the metric the indicator is bound to (kotapintar.core.metrics).

RAG uses the same thresholds as yearly monitoring (`selectors.rag`): green when the value is at least
90 % of the target, amber at least 70 %, red below; for a lower-is-better indicator the ratio is
target / value. No value, or no target for the year, gives "none" with the reason, never a zero.

A page reads many indicators bound to few metrics: `LiveReader` reads each metric (and each of its
months) once per page, so the work grows with the number of metrics, not of indicators; a month that
is over is kept in the cache for PAST_PERIOD_CACHE_S (10 minutes), the running month is always read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from kotapintar.core import metrics
from kotapintar.masterplan.models import Indicator, IndicatorTarget, Plan
from kotapintar.masterplan.selectors import EVERYTHING, Reader, lang_en, rag, visible_to

TREND_MONTHS = 12
PAST_PERIOD_CACHE_S = 600


def month_bounds(now: datetime, months: int) -> list[tuple[str, datetime, datetime]]:
    """The last `months` calendar months up to and including the one of `now` (city time), oldest
    first, as ("YYYY-MM", start, end)."""
    local = timezone.localtime(now)
    y, m = local.year, local.month
    out = []
    for _i in range(months):
        start = local.replace(year=y, month=m, day=1, hour=0, minute=0, second=0, microsecond=0)
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        end = start.replace(year=ny, month=nm)
        out.append((f"{y:04d}-{m:02d}", start, end))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


@dataclass
class LiveReader:
    """Reads each metric once, and each (metric, period) once, for one page at one instant."""

    now: datetime = field(default_factory=timezone.now)
    _readings: dict[str, metrics.Reading] = field(default_factory=dict)
    _periods: dict[tuple[str, datetime, datetime], float | None] = field(default_factory=dict)

    def read(self, m: metrics.Metric) -> metrics.Reading:
        if m.code not in self._readings:
            self._readings[m.code] = metrics.read(m, now=self.now)
        return self._readings[m.code]

    def period(self, m: metrics.Metric, start: datetime, end: datetime) -> float | None:
        key = (m.code, start, end)
        if key not in self._periods:
            self._periods[key] = (
                self._closed_period(m, start, end) if end <= self.now else metrics.read_period(m, start, end)
            )
        return self._periods[key]

    @staticmethod
    def _closed_period(m: metrics.Metric, start: datetime, end: datetime) -> float | None:
        """A month that is over is read at most every PAST_PERIOD_CACHE_S per process (late data
        still shows within that time); the running month is read on every page."""
        key = f"kp:live:{m.code}:{start.isoformat()}:{end.isoformat()}"
        hit = cache.get(key)
        if hit is not None:
            return hit[0]  # type: ignore[no-any-return]
        value = metrics.read_period(m, start, end)
        cache.set(key, (value,), PAST_PERIOD_CACHE_S)
        return value


def number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def trend(m: metrics.Metric, reader: LiveReader, months: int = TREND_MONTHS) -> list[dict[str, Any]]:
    """The metric month by month; a month without data says why instead of showing zero."""
    rows = []
    for key, start, end in month_bounds(reader.now, months):
        if m.in_period is None:
            value, reason = None, _("this live figure has no values per period")
        else:
            value = reader.period(m, start, end)
            reason = "" if value is not None else _("no data in this month")
        rows.append({"period": key, "value": number(value), "reason": reason})
    return rows


@dataclass(frozen=True)
class Bound:
    """A bound indicator as plain values (a plan may bind thousands: no model instances)."""

    public_id: Any
    code: str
    name: str
    unit: str
    direction: str
    metric_code: str
    programme: str
    target: Decimal | None  # the year's target


def bound_indicators(*, plan: Plan, reader: Reader, year: int) -> list[Bound]:
    """The plan's indicators bound to a live figure that `reader` may read, with the year's target
    (two queries)."""
    qs = visible_to(
        reader,
        Indicator.objects.filter(programme__plan=plan, metric_code__isnull=False),
        "programme__worksheet__",
    )
    targets = dict(
        IndicatorTarget.objects.filter(indicator__in=qs.values("pk"), year=year).values_list(
            "indicator_id", "target"
        )
    )
    rows = qs.order_by("programme__code", "code").values_list(
        "pk", "public_id", "code", "name", "unit", "direction", "metric_code", "programme__code"
    )
    return [
        Bound(pid, code, name, unit, direction, metric or "", prog, targets.get(pk))
        for pk, pid, code, name, unit, direction, metric, prog in rows
    ]


def bound_row(ind: Bound, year: int, reader: LiveReader, *, months: int = TREND_MONTHS) -> dict[str, Any]:
    """One bound indicator as the pages and the API show it."""
    m = metrics.metric(ind.metric_code)
    target = ind.target
    row: dict[str, Any] = {
        "id": ind.public_id,
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "programme": ind.programme,
        "metric_code": ind.metric_code,
        "metric_name": m.name(lang_en()) if m else "",
        "target": number(float(target)) if target is not None else None,
        "value": None,
        "as_of": None,
        "age_s": None,
        "stale": True,
        "status": "none",
        "reason": "",
        "trend": [],
    }
    if m is None:
        row["reason"] = _("the live figure %(code)s is no longer published") % {"code": ind.metric_code}
        return row
    reading = reader.read(m)
    row.update(
        value=number(reading.value),
        as_of=reading.as_of,
        age_s=None if reading.age_s is None else int(reading.age_s),
        stale=reading.stale,
    )
    if months:
        row["trend"] = trend(m, reader, months)
    if reading.error:
        row["reason"] = _("the database did not answer")
    elif reading.value is None:
        row["reason"] = _("the live figure has no data yet")
    elif target is None:
        row["reason"] = _("no target for %(year)s") % {"year": year}
    else:
        row["status"] = rag(target=target, realisation=Decimal(str(reading.value)), direction=ind.direction)
    return row


def bound_rows(
    *, plan: Plan, reader: Reader, year: int, live: LiveReader | None = None, months: int = TREND_MONTHS
) -> list[dict[str, Any]]:
    live = live or LiveReader()
    return [
        bound_row(i, year, live, months=months) for i in bound_indicators(plan=plan, reader=reader, year=year)
    ]


def mp_everything() -> Reader:
    """The reader of a command or a test: everything."""
    return EVERYTHING


def metric_choices() -> list[dict[str, str]]:
    """Every published metric, for the binding form: code, name and unit."""
    return [{"code": m.code, "name": m.name(lang_en()), "unit": m.unit} for m in metrics.metrics()]
