"""The live figures the modules publish, each declared once by the module that owns it.

An app declares its metrics in its own `metrics.py` with `register(Metric(...))`; the core app finds
those modules at start-up (apps.py). The master plan binds programme indicators to them and the
control room shows them, without knowing the modules: a new module adds metrics without touching
either. A metric says what it measures (name, unit), how often its data updates and after how long
without new data it is stale (a silent sensor, a stopped worker), its value now, its value over a
period where that makes sense (for trends and bound indicators), and when its data last changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone


@dataclass(frozen=True)
class Metric:
    code: str  # "<app>.<name>", stable: indicators are bound to it
    module: str  # the module's URL prefix, e.g. "/tte/": which quick win it belongs to
    name_id: str
    name_en: str
    unit: str  # as an indicator writes it: "dokumen", "Rp", "kartu", "menit", "%", …
    update_every_s: int
    stale_after_s: int
    current: Callable[[], float | None]
    as_of: Callable[[], datetime | None]
    in_period: Callable[[datetime, datetime], float | None] | None = None
    public: bool = True

    def name(self, english: bool) -> str:
        return self.name_en if english else self.name_id


@dataclass(frozen=True)
class Reading:
    metric: Metric
    value: float | None
    as_of: datetime | None
    age_s: float | None
    stale: bool
    error: bool = False  # the database did not answer


def last_days(
    days: int, in_period: Callable[[datetime, datetime], float | None]
) -> Callable[[], float | None]:
    """A metric's `current`: `in_period` over the last `days` days, up to and including now."""

    def current() -> float | None:
        now = timezone.now()
        return in_period(now - timedelta(days=days), now + timedelta(seconds=1))

    return current


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    known = _REGISTRY.get(metric.code)
    if known is not None and known is not metric:
        raise ValueError(f"metric {metric.code} is declared twice")
    if metric.stale_after_s < metric.update_every_s:
        raise ValueError(f"metric {metric.code}: stale_after_s is shorter than its update interval")
    _REGISTRY[metric.code] = metric
    return metric


def metrics(*, module: str | None = None, public_only: bool = False) -> list[Metric]:
    found = [
        m
        for m in _REGISTRY.values()
        if (module is None or m.module == module or module.startswith(m.module))
        and (m.public or not public_only)
    ]
    return sorted(found, key=lambda m: m.code)


def metric(code: str) -> Metric | None:
    return _REGISTRY.get(code)


def read(m: Metric, *, now: datetime | None = None) -> Reading:
    """The metric now, with the age of its data; a database outage gives an empty, stale reading
    instead of breaking the page that shows it (inside a savepoint, so an outer transaction survives)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            value, as_of = m.current(), m.as_of()
    except DatabaseError:
        return Reading(m, None, None, None, stale=True, error=True)
    age = (now - as_of).total_seconds() if as_of is not None else None
    stale = age is None or age > m.stale_after_s
    return Reading(m, value, as_of, age, stale)


def read_period(m: Metric, start: datetime, end: datetime) -> float | None:
    """The metric over [start, end); None when it has no period values or the database did not answer."""
    if m.in_period is None:
        return None
    try:
        with transaction.atomic():
            return m.in_period(start, end)
    except DatabaseError:
        return None
