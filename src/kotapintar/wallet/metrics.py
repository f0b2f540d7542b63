"""The city card wallet's live figures (kotapintar.core.metrics), shown with Batik Fusion."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Max, Sum
from django.utils import timezone

from kotapintar.core.metrics import Metric, last_days, register
from kotapintar.wallet.models import Payment
from kotapintar.wallet.selectors import cards_active_count

DAY = 86_400


def _turnover(start: datetime, end: datetime) -> float:
    total = Payment.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        t=Sum(F("amount_idr") - F("refunded_idr"))
    )["t"]
    return float(total or 0)


def _last_payment() -> datetime | None:
    last: datetime | None = Payment.objects.aggregate(t=Max("created_at"))["t"]
    return last


register(
    Metric(
        code="wallet.active_cards",
        module="/batik/",
        name_id="Kartu kota aktif",
        name_en="Active city cards",
        unit="kartu",
        update_every_s=60,
        stale_after_s=3600,
        current=lambda: float(cards_active_count()),
        as_of=timezone.now,  # counted live
    )
)
register(
    Metric(
        code="wallet.turnover_30d",
        module="/batik/",
        name_id="Omzet dompet 30 hari",
        name_en="Wallet turnover, 30 days",
        unit="Rp",
        update_every_s=60,
        stale_after_s=30 * DAY,
        current=last_days(30, _turnover),
        in_period=_turnover,
        as_of=_last_payment,
    )
)
