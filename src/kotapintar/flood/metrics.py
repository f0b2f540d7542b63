"""Banjir & rob's live figures (kotapintar.core.metrics): stations reporting, active alerts, how fast
citizen reports are verified, pump availability. The sensor figures are stale when no reading has
arrived for an hour (the stations report every 10 minutes): a silent network or a stopped consumer."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from django.db.models import Max
from django.utils import timezone

from kotapintar.core.metrics import Metric, last_days, register
from kotapintar.flood import selectors
from kotapintar.flood.models import CitizenReport, Latest, Station, StationKind, StationStatus

HOUR = 3600
DAY = 86_400


def _last_reading() -> datetime | None:
    last: datetime | None = Latest.objects.aggregate(t=Max("received_at"))["t"]
    return last


def _stations_reporting() -> float:
    """Active stations with a reading within three of their expected intervals."""
    now = timezone.now()
    reporting = set()
    for latest in Latest.objects.select_related("datastream__station"):
        ds = latest.datastream
        window = timedelta(seconds=ds.expected_interval_s * max(1, ds.silent_after_intervals))
        if ds.station.status == StationStatus.ACTIVE and now - latest.received_at <= window:
            reporting.add(ds.station_id)
    return float(len(reporting))


def _verify_minutes(start: datetime, end: datetime) -> float | None:
    rows = CitizenReport.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end).values_list(
        "created_at", "reviewed_at"
    )
    spans = [(reviewed - created).total_seconds() / 60 for created, reviewed in rows if reviewed and created]
    return round(median(spans), 1) if spans else None


def _pump_availability() -> float | None:
    pumps = Station.objects.filter(kind=StationKind.PUMP)
    total = pumps.count()
    if not total:
        return None
    return round(100 * pumps.filter(status=StationStatus.ACTIVE).count() / total, 1)


register(
    Metric(
        code="flood.stations_reporting",
        module="/banjir/",
        name_id="Stasiun yang melapor",
        name_en="Stations reporting",
        unit="stasiun",
        update_every_s=600,
        stale_after_s=HOUR,
        current=_stations_reporting,
        as_of=_last_reading,
    )
)
register(
    Metric(
        code="flood.active_alerts",
        module="/banjir/",
        name_id="Peringatan banjir aktif",
        name_en="Active flood alerts",
        unit="peringatan",
        update_every_s=600,
        stale_after_s=HOUR,
        current=lambda: float(len(selectors.alert_list(active_only=True, limit=1000))),
        as_of=_last_reading,  # alerts are evaluated as readings arrive
    )
)
register(
    Metric(
        code="flood.report_verify_median",
        module="/banjir/",
        name_id="Median waktu verifikasi laporan warga (30 hari)",
        name_en="Median time to verify a citizen report (30 days)",
        unit="menit",
        update_every_s=600,
        stale_after_s=30 * DAY,
        current=last_days(30, _verify_minutes),
        in_period=_verify_minutes,
        as_of=lambda: CitizenReport.objects.aggregate(t=Max("reviewed_at"))["t"],
    )
)
register(
    Metric(
        code="flood.pump_availability",
        module="/banjir/",
        name_id="Ketersediaan pompa",
        name_en="Pump availability",
        unit="%",
        update_every_s=600,
        stale_after_s=HOUR,
        current=_pump_availability,
        as_of=timezone.now,  # from the pump houses' status, kept live by the operators
    )
)
