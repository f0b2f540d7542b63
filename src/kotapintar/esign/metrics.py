"""TTE's live figures (kotapintar.core.metrics): documents signed, how long signing takes, the backlog."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from django.db.models import Max
from django.utils import timezone

from kotapintar.core.metrics import Metric, last_days, register
from kotapintar.esign.models import Document, DocumentStatus, SignatureRecord

DAY = 86_400


def _signed(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """(created, last signature) of the documents whose last signature falls in [start, end)."""
    rows = (
        Document.objects.filter(status=DocumentStatus.SIGNED)
        .annotate(last=Max("signatures__signed_at"))
        .filter(last__gte=start, last__lt=end)
        .values_list("created_at", "last")
    )
    return list(rows)


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _signed_count(start: datetime, end: datetime) -> float:
    return float(len(_signed(start, end)))


def _turnaround_h(start: datetime, end: datetime) -> float | None:
    spans = [(last - created).total_seconds() / 3600 for created, last in _signed(start, end)]
    return round(median(spans), 1) if spans else None


def _last_signature() -> datetime | None:
    last: datetime | None = SignatureRecord.objects.aggregate(t=Max("signed_at"))["t"]
    return last


register(
    Metric(
        code="esign.documents_signed",
        module="/tte/",
        name_id="Dokumen ditandatangani bulan ini",
        name_en="Documents signed this month",
        unit="dokumen",
        update_every_s=60,
        stale_after_s=30 * DAY,  # a month without any signature means the service is not used
        current=lambda: _signed_count(_month_start(timezone.now()), timezone.now() + timedelta(seconds=1)),
        in_period=_signed_count,
        as_of=_last_signature,
    )
)
register(
    Metric(
        code="esign.turnaround_median",
        module="/tte/",
        name_id="Median waktu penandatanganan (30 hari)",
        name_en="Median signing time (30 days)",
        unit="jam",
        update_every_s=60,
        stale_after_s=30 * DAY,
        current=last_days(30, _turnaround_h),
        in_period=_turnaround_h,
        as_of=_last_signature,
    )
)
register(
    Metric(
        code="esign.backlog",
        module="/tte/",
        name_id="Dokumen menunggu tanda tangan",
        name_en="Documents waiting for signature",
        unit="dokumen",
        update_every_s=60,
        stale_after_s=3600,
        current=lambda: float(Document.objects.filter(status=DocumentStatus.IN_PROGRESS).count()),
        as_of=timezone.now,  # counted live from the documents themselves
        public=False,
    )
)
