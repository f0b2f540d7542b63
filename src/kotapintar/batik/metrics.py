"""Batik Fusion's live figures (kotapintar.core.metrics): visits and the events running today."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from kotapintar.batik.models import CheckIn, Event
from kotapintar.core.metrics import Metric, last_days, register

DAY = 86_400


def _visits(start: datetime, end: datetime) -> float:
    return float(
        CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY, scanned_at__gte=start, scanned_at__lt=end).count()
    )


def _today() -> tuple[datetime, datetime]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _events_today() -> float:
    start, end = _today()
    return float(Event.objects.filter(is_published=True, starts_at__lt=end, ends_at__gte=start).count())


register(
    Metric(
        code="batik.visits_30d",
        module="/batik/",
        name_id="Kunjungan acara 30 hari",
        name_en="Event visits, 30 days",
        unit="kunjungan",
        update_every_s=60,
        stale_after_s=30 * DAY,
        current=last_days(30, _visits),
        in_period=_visits,
        as_of=lambda: CheckIn.objects.aggregate(t=Max("scanned_at"))["t"],
    )
)
register(
    Metric(
        code="batik.events_today",
        module="/batik/",
        name_id="Acara hari ini",
        name_en="Events today",
        unit="acara",
        update_every_s=60,
        stale_after_s=3600,
        current=_events_today,
        as_of=timezone.now,  # counted live
    )
)
