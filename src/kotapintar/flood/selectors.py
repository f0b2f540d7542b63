"""Reads of the flood app: stations with their latest values, alerts, reports, kelurahan states, CAP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kotapintar.core.errors import NotFound
from kotapintar.core.models import Kelurahan
from kotapintar.core.selectors import kelurahan_list
from kotapintar.flood.errors import REJECT_REASONS
from kotapintar.flood.models import (
    LEVEL_NAMES,
    Alert,
    AlertKind,
    AlertState,
    Channel,
    CitizenReport,
    DailyRollup,
    Datastream,
    DatumOffset,
    Delivery,
    HourlyRollup,
    Incident,
    IncidentStep,
    Latest,
    MaintenanceLog,
    Observation,
    PumpEvent,
    Quarantine,
    ReportStatus,
    RobForecast,
    Shelter,
    Station,
    StationKind,
    ThresholdSet,
)
from kotapintar.lib import geo, tide

REPORT_WINDOW = timedelta(hours=3)


def station_list(*, kind: str | None = None) -> QuerySet[Station]:
    qs = Station.objects.select_related("kelurahan").order_by("code")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def station_get(*, code: str) -> Station:
    station = Station.objects.select_related("kelurahan").filter(code=code).first()
    if station is None:
        raise NotFound()
    return station


def datastream_list(*, station: Station) -> list[Datastream]:
    return list(Datastream.objects.filter(station=station).select_related("latest").order_by("parameter"))


def threshold_set_list(*, station: Station) -> list[ThresholdSet]:
    return list(ThresholdSet.objects.filter(station=station).order_by("parameter", "-valid_from"))


def threshold_set_current(
    *, station: Station, parameter: str, at: datetime | None = None
) -> ThresholdSet | None:
    at = at or timezone.now()
    return (
        ThresholdSet.objects.filter(station=station, parameter=parameter, valid_from__lte=at)
        .order_by("-valid_from")
        .first()
    )


def threshold_sets_current(*, at: datetime | None = None) -> dict[tuple[int, str], ThresholdSet]:
    """The threshold set in force for every (station id, parameter), in one query."""
    at = at or timezone.now()
    current: dict[tuple[int, str], ThresholdSet] = {}
    in_force = ThresholdSet.objects.filter(valid_from__lte=at)
    newest_first = in_force.order_by("station_id", "parameter", "-valid_from")
    for ts in newest_first:
        current.setdefault((ts.station_id, ts.parameter), ts)
    return current


def datum_offset_list(*, station: Station) -> list[DatumOffset]:
    return list(DatumOffset.objects.filter(station=station).order_by("-valid_from"))


def observation_list(
    *, station: Station, parameter: str, since: datetime, until: datetime | None = None, limit: int = 5000
) -> list[Observation]:
    qs = Observation.objects.filter(
        datastream__station=station, datastream__parameter=parameter, phenomenon_time__gte=since
    )
    if until is not None:
        qs = qs.filter(phenomenon_time__lte=until)
    return list(qs.order_by("phenomenon_time")[:limit])


def reading_newest() -> Latest | None:
    """The reading received last, of any station (the console's system status)."""
    return Latest.objects.select_related("datastream__station").order_by("-received_at").first()


def datastream_ids(*, station_codes: Sequence[str]) -> list[int]:
    return list(Datastream.objects.filter(station__code__in=station_codes).values_list("id", flat=True))


class Resolution:
    RAW = "raw"
    HOURLY = "hourly"
    DAILY = "daily"


#: The station chart reads raw readings up to RAW_MAX (≤ 4,320 points at one a minute), hourly
#: rollups up to HOURLY_MAX (≤ 2,880 points), daily rollups beyond (3,653 points for a decade).
RAW_MAX = timedelta(days=3)
HOURLY_MAX = timedelta(days=120)
SERIES_MAX_POINTS = 5000


@dataclass
class SeriesPoint:
    time: datetime
    value: float  # the reading, or the bucket's average
    min: float
    max: float
    count: int


@dataclass
class Series:
    resolution: str
    points: list[SeriesPoint]


def series_resolution(since: datetime, until: datetime) -> str:
    span = until - since
    if span <= RAW_MAX:
        return Resolution.RAW
    return Resolution.HOURLY if span <= HOURLY_MAX else Resolution.DAILY


def observation_series(
    *,
    station: Station,
    parameter: str,
    since: datetime,
    until: datetime | None = None,
    resolution: str | None = None,
) -> Series:
    """One parameter of a station for a chart: raw readings for short ranges, rollups for long ones.

    `resolution` forces raw/hourly/daily; by default it follows the length of the range. Rollup
    points carry the bucket's average as value, with its min, max and count. Oldest first.
    """
    until = until or timezone.now()
    resolution = resolution or series_resolution(since, until)
    ds_id = (
        Datastream.objects.filter(station=station, parameter=parameter).values_list("id", flat=True).first()
    )
    if ds_id is None:
        return Series(resolution, [])
    if resolution == Resolution.RAW:
        rows = (
            Observation.objects.filter(
                datastream_id=ds_id, phenomenon_time__gte=since, phenomenon_time__lte=until
            )
            .order_by("phenomenon_time")
            .values_list("phenomenon_time", "value")[:SERIES_MAX_POINTS]
        )
        return Series(resolution, [SeriesPoint(t, v, v, v, 1) for t, v in rows])
    model = HourlyRollup if resolution == Resolution.HOURLY else DailyRollup
    # A bucket is shown when it starts inside the range (a daily bucket starts at local midnight).
    buckets = (
        model.objects.filter(datastream_id=ds_id, bucket__gte=since, bucket__lte=until)
        .order_by("bucket")
        .values_list("bucket", "min", "max", "sum", "count")[:SERIES_MAX_POINTS]
    )
    return Series(
        resolution,
        [SeriesPoint(t, total / count, low, high, count) for t, low, high, total, count in buckets if count],
    )


def latest_readings() -> list[Latest]:
    """The newest reading of every datastream of every station (one query on the latest-value table)."""
    return list(Latest.objects.select_related("datastream__station").order_by("datastream__station__code"))


def trend(latest: Latest | None) -> str:
    if latest is None or latest.previous_value is None:
        return "steady"
    delta = latest.value - latest.previous_value
    if abs(delta) < 0.5:
        return "steady"
    return "rising" if delta > 0 else "falling"


@dataclass
class StationSummary:
    station: Station
    parameter: str
    unit: str
    value: float | None
    time: datetime | None
    trend: str
    level: int
    level_name: str
    silent: bool


def _levels() -> dict[tuple[int, str], int]:
    levels: dict[tuple[int, str], int] = {}
    for sid, kind, level in AlertState.objects.filter(level__gt=0).values_list("station_id", "kind", "level"):
        key = (sid, kind)
        levels[key] = max(levels.get(key, 0), level)
    return levels


def station_summaries() -> list[StationSummary]:
    """Every station with its main datastream's latest value, trend and current alarm level."""
    levels = _levels()
    main_param = {
        StationKind.RIVER: "water_level",
        StationKind.TIDE: "tide_level",
        StationKind.RAIN: "rainfall",
        StationKind.PUMP: "pump_flow",
        StationKind.GATE: "gate_opening",
    }
    thresholds = threshold_sets_current()
    streams: dict[int, list[Datastream]] = {}
    for stream in Datastream.objects.select_related("latest").order_by("parameter"):
        streams.setdefault(stream.station_id, []).append(stream)
    out = []
    for station in station_list():
        dss = streams.get(station.pk, [])
        want = main_param.get(StationKind(station.kind), "")
        ds: Datastream | None = next((d for d in dss if d.parameter == want), dss[0] if dss else None)
        latest = getattr(ds, "latest", None) if ds is not None else None
        level = max(levels.get((station.pk, AlertKind.LEVEL), 0), levels.get((station.pk, AlertKind.RAIN), 0))
        silent = levels.get((station.pk, AlertKind.SILENT), 0) > 0
        ts = thresholds.get((station.pk, ds.parameter)) if ds is not None else None
        name = ts.level_name(level) if ts is not None else str(LEVEL_NAMES[level])
        out.append(
            StationSummary(
                station=station,
                parameter=ds.parameter if ds else "",
                unit=ds.unit if ds else "",
                value=latest.value if latest else None,
                time=latest.phenomenon_time if latest else None,
                trend=trend(latest),
                level=level,
                level_name=name,
                silent=silent,
            )
        )
    return out


def station_summary(*, station: Station) -> StationSummary:
    """One station's summary (as in `station_summaries`)."""
    return next(s for s in station_summaries() if s.station.pk == station.pk)


def channel_list() -> list[Channel]:
    return list(Channel.objects.order_by("name"))


def alert_list(*, active_only: bool = False, station: Station | None = None, limit: int = 200) -> list[Alert]:
    qs = Alert.objects.select_related("station", "station__kelurahan", "acknowledged_by")
    if active_only:
        qs = qs.filter(superseded_at__isnull=True, level__gt=0)
    if station is not None:
        qs = qs.filter(station=station)
    return list(qs.order_by("-created_at", "-id")[: max(1, min(limit, 1000))])


def alert_get(*, public_id: Any) -> Alert:
    alert = Alert.objects.select_related("station").filter(public_id=public_id).first()
    if alert is None:
        raise NotFound()
    return alert


def alerts_for_cap(*, now: datetime | None = None) -> list[Alert]:
    now = now or timezone.now()
    return [a for a in alert_list(active_only=True, limit=1000) if a.expires_at > now]


def quarantine_list(*, limit: int = 200, unresolved_only: bool = True) -> list[Quarantine]:
    qs = Quarantine.objects.all()
    if unresolved_only:
        qs = qs.filter(resolved_at__isnull=True)
    return list(qs.order_by("-received_at")[: max(1, min(limit, 1000))])


@dataclass(frozen=True)
class QuarantineCount:
    code: str
    reason: str
    count: int


@dataclass(frozen=True)
class QuarantineSummary:
    """Unresolved quarantined readings and messages of the last `hours`, by reason (most first)."""

    hours: int
    total: int
    by_reason: list[QuarantineCount]


def quarantine_summary(*, hours: int = 24, now: datetime | None = None) -> QuarantineSummary:
    since = (now or timezone.now()) - timedelta(hours=hours)
    rows = (
        Quarantine.objects.filter(received_at__gte=since, resolved_at__isnull=True)
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .order_by("-n", "reason_code")
    )
    counts = [QuarantineCount(code, str(REJECT_REASONS.get(code, code)), n) for code, n in rows]
    return QuarantineSummary(hours=hours, total=sum(c.count for c in counts), by_reason=counts)


def delivery_list(*, limit: int = 200) -> list[Delivery]:
    return list(Delivery.objects.select_related("alert", "channel").order_by("-created_at")[:limit])


def report_list(
    *, status: str | None = None, since: datetime | None = None, limit: int = 500
) -> list[CitizenReport]:
    qs = CitizenReport.objects.select_related("kelurahan")
    if status:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return list(qs.order_by("-created_at")[: max(1, min(limit, 1000))])


def report_get(*, public_id: Any) -> CitizenReport:
    report = CitizenReport.objects.filter(public_id=public_id).first()
    if report is None:
        raise NotFound()
    return report


def depth_state(depth_cm: int) -> int:
    """PetaBencana area states: 2 = 10–70 cm, 3 = 71–150 cm, 4 = >150 cm (1 = take care, unknown)."""
    if depth_cm > 150:
        return 4
    if depth_cm > 70:
        return 3
    if depth_cm >= 10:
        return 2
    return 1


STATE_LABELS = {
    0: "normal",
    1: "hati-hati",
    2: "10–70 cm",
    3: "71–150 cm",
    4: "> 150 cm",
}


@dataclass
class KelurahanState:
    kelurahan: Kelurahan
    state: int
    reports: int
    max_depth_cm: int | None
    stations_alert: list[str]
    in_rob_forecast: bool


def kelurahan_states(
    *, now: datetime | None = None, window: timedelta = timedelta(hours=6)
) -> list[KelurahanState]:
    """The state of every kelurahan from verified reports (depth classes) and stations in alert.

    A station in alert (Siaga or worse, or its warned kelurahan) makes a kelurahan at least 1
    (take care, depth unknown); verified reports of the last hours set the depth class.
    """
    now = now or timezone.now()
    reports = CitizenReport.objects.filter(
        status=ReportStatus.VERIFIED, created_at__gte=now - window, kelurahan__isnull=False
    ).values_list("kelurahan_id", "depth_cm")
    by_kel: dict[int, list[int]] = {}
    for kid, depth in reports:
        by_kel.setdefault(kid, []).append(depth)
    alerted: dict[str, list[str]] = {}
    active = AlertState.objects.filter(
        level__gte=2, kind__in=[AlertKind.LEVEL, AlertKind.RAIN]
    ).select_related("station", "station__kelurahan")
    for alert_state in active:
        station = alert_state.station
        codes = list(station.warns_kelurahan or []) + ([station.kelurahan.code] if station.kelurahan else [])
        for code in codes:
            alerted.setdefault(code, []).append(station.name)
    rob_codes: set[str] = set()
    for fc in RobForecast.objects.filter(
        ends_at__gte=now, starts_at__lte=now + timedelta(hours=24)
    ).select_related("station"):
        rob_codes.update(fc.station.warns_kelurahan or [])
    out = []
    for kel in kelurahan_list():
        depths = by_kel.get(kel.pk, [])
        state = max((depth_state(d) for d in depths), default=0)
        if state == 0 and kel.code in alerted:
            state = 1
        out.append(
            KelurahanState(
                kelurahan=kel,
                state=state,
                reports=len(depths),
                max_depth_cm=max(depths) if depths else None,
                stations_alert=sorted(set(alerted.get(kel.code, []))),
                in_rob_forecast=kel.code in rob_codes,
            )
        )
    return out


def kelurahan_names(codes: Sequence[str]) -> list[str]:
    names = dict(Kelurahan.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return [names[c] for c in codes if c in names]


def kelurahan_state_feature_collection(*, now: datetime | None = None) -> dict[str, Any]:
    return geo.feature_collection(
        [
            geo.feature(
                s.kelurahan.geometry,
                {
                    "code": s.kelurahan.code,
                    "name": s.kelurahan.name,
                    "population": s.kelurahan.population,
                    "state": s.state,
                    "state_label": STATE_LABELS[s.state],
                    "reports": s.reports,
                    "max_depth_cm": s.max_depth_cm,
                    "stations_alert": s.stations_alert,
                    "rob_forecast": s.in_rob_forecast,
                },
                s.kelurahan.code,
            )
            for s in kelurahan_states(now=now)
        ]
    )


def pump_list() -> list[Station]:
    return list(Station.objects.filter(kind=StationKind.PUMP).select_related("kelurahan").order_by("name"))


def pump_event_list(*, station: Station, limit: int = 50) -> list[PumpEvent]:
    return list(PumpEvent.objects.filter(station=station).select_related("operator").order_by("-at")[:limit])


def shelter_list() -> list[Shelter]:
    return list(Shelter.objects.select_related("kelurahan").order_by("name"))


def shelter_get(*, code: str) -> Shelter:
    shelter = Shelter.objects.filter(code=code).first()
    if shelter is None:
        raise NotFound()
    return shelter


def maintenance_list(*, station: Station, limit: int = 50) -> list[MaintenanceLog]:
    return list(MaintenanceLog.objects.filter(station=station).select_related("performed_by")[:limit])


def rob_forecast_list(*, now: datetime | None = None, station: Station | None = None) -> list[RobForecast]:
    now = now or timezone.now()
    qs = RobForecast.objects.filter(ends_at__gte=now).select_related("station")
    if station is not None:
        qs = qs.filter(station=station)
    return list(qs.order_by("starts_at"))


def _tide_model(station: Station) -> tide.TideModel:
    """The station's fitted constituents; a model fitted without a latitude takes the gauge's own."""
    model = tide.TideModel.from_json(station.tide_constituents)
    if model.latitude is None:
        model.latitude = station.lat
    return model


def rob_predicted_cm(station: Station, times: Sequence[datetime]) -> list[float]:
    """Predicted sea level on the station's gauge (cm): harmonic tide plus subsidence since the fit."""
    if not station.tide_constituents:
        return []
    heights = tide.predict(_tide_model(station), list(times))
    epoch = station.tide_epoch or station.created_at.date()
    out = []
    for t, h in zip(times, heights, strict=True):
        years = (t.date() - epoch).days / 365.25
        out.append(float(h) * 100.0 + station.subsidence_cm_per_year * max(0.0, years))
    return out


def next_high_tide(*, station: Station, now: datetime | None = None) -> tuple[datetime, float] | None:
    """The next high water (time, cm on the gauge incl. subsidence) from the station's constituents."""
    if not station.tide_constituents:
        return None
    now = now or timezone.now()
    for ext in tide.extremes(_tide_model(station), now, now + timedelta(hours=36)):
        if ext.kind == "high":
            cm = rob_predicted_cm(station, [ext.time])[0]
            return ext.time, round(cm, 1)
    return None


def tide_stations() -> list[Station]:
    return list(
        Station.objects.filter(kind=StationKind.TIDE).exclude(tide_constituents=None).order_by("code")
    )


@dataclass(frozen=True)
class IncidentFilter:
    """History filters of the incident list (all optional)."""

    station: str = ""
    kelurahan: str = ""  # Kemendagri code: the station's own kelurahan or one it warns for
    level: int | None = None  # the highest level reached, at least
    since: datetime | None = None  # opened (or still open) on or after
    until: datetime | None = None  # opened before
    state: str = ""  # "open", "closed" or "" (both)


def _incidents(flt: IncidentFilter) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("station", "station__kelurahan", "acknowledged_by")
    if flt.station:
        qs = qs.filter(station__code=flt.station)
    if flt.kelurahan:
        # JSON containment is PostgreSQL-only; a city has tens of stations, so read their lists here
        warning = [
            pk
            for pk, codes in Station.objects.values_list("pk", "warns_kelurahan")
            if flt.kelurahan in (codes or [])
        ]
        qs = qs.filter(Q(station__kelurahan__code=flt.kelurahan) | Q(station_id__in=warning))
    if flt.level is not None:
        qs = qs.filter(max_level__gte=flt.level)
    if flt.since is not None:
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=flt.since))
    if flt.until is not None:
        qs = qs.filter(opened_at__lt=flt.until)
    if flt.state == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif flt.state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    return qs


def incident_list(*, flt: IncidentFilter | None = None, limit: int = 100) -> list[Incident]:
    """Open incidents first (highest level first), then the closed ones, newest first."""
    qs = _incidents(flt or IncidentFilter())
    open_first = list(qs.filter(closed_at__isnull=True).order_by("-level", "-opened_at")[:limit])
    rest = max(0, limit - len(open_first))
    closed = list(qs.filter(closed_at__isnull=False).order_by("-opened_at")[:rest]) if rest else []
    return open_first + closed


def incident_get(*, public_id: Any) -> Incident:
    incident = (
        Incident.objects.select_related("station", "station__kelurahan", "acknowledged_by")
        .filter(public_id=public_id)
        .first()
    )
    if incident is None:
        raise NotFound()
    return incident


def incidents_by_ids(*, public_ids: Sequence[Any]) -> list[Incident]:
    return list(Incident.objects.filter(public_id__in=list(public_ids)))


def incident_steps(*, incident: Incident) -> list[IncidentStep]:
    return list(incident.steps.order_by("seq"))


def incidents_open_count() -> int:
    return Incident.objects.filter(closed_at__isnull=True).count()


def incidents_unacknowledged_count() -> int:
    """The header badge: open incidents no operator has acknowledged."""
    return Incident.objects.filter(closed_at__isnull=True, acknowledged_at__isnull=True).count()


def incident_series(
    *, incident: Incident, now: datetime | None = None, points: int = 48
) -> list[tuple[datetime, float]]:
    """The incident's readings (an hour before it opened to its close or now), thinned to `points`."""
    now = now or timezone.now()
    rows = observation_list(
        station=incident.station,
        parameter=incident.parameter,
        since=incident.opened_at - timedelta(hours=1),
        until=incident.closed_at or now,
    )
    if len(rows) > points:
        stride = len(rows) / points
        rows = [rows[int(i * stride)] for i in range(points)] + [rows[-1]]
    return [(o.phenomenon_time, o.value) for o in rows]


@dataclass
class TideNext:
    station: Station
    time: datetime
    cm: float


@dataclass
class Situation:
    """The situation at one moment; the page, the PDF report and the API all show this one."""

    now: datetime
    incidents: list[Incident]  # open, highest level first
    incidents_unacknowledged: int
    affected: list[KelurahanState]  # state > 0: reports of water, or a station at Siaga or worse
    exposed: int  # residents of the affected kelurahan
    rob_expected: list[KelurahanState]  # in a rob window of the next 24 h
    silent: list[Alert]  # stations without data
    reports: list[CitizenReport]  # last 24 h
    reports_verified: int
    reports_pending: int
    reports_max_depth: int | None
    pumps: list[Station]
    pumps_on: int
    pumps_fault: int
    shelters: list[Shelter]
    shelters_open: int
    shelter_capacity: int
    shelter_occupancy: int
    tides: list[TideNext]
    forecasts: list[RobForecast]

    def figures(self) -> dict[str, Any]:
        """The headline numbers (what page, PDF and API must agree on)."""
        return {
            "incidents": len(self.incidents),
            "incidents_unacknowledged": self.incidents_unacknowledged,
            "affected_kelurahan": len(self.affected),
            "exposed_population": self.exposed,
            "reports_verified": self.reports_verified,
            "reports_pending": self.reports_pending,
            "pumps_on": self.pumps_on,
            "pumps_fault": self.pumps_fault,
            "shelters_open": self.shelters_open,
            "shelter_occupancy": self.shelter_occupancy,
            "shelter_capacity": self.shelter_capacity,
        }


def situation(*, now: datetime | None = None) -> Situation:
    now = now or timezone.now()
    states = kelurahan_states(now=now)
    affected = [st for st in states if st.state > 0]
    reports = report_list(since=now - timedelta(hours=24), limit=1000)
    verified = [r for r in reports if r.status == ReportStatus.VERIFIED]
    pumps = pump_list()
    shelters = shelter_list()
    tides = []
    for station in tide_stations():
        nxt = next_high_tide(station=station, now=now)
        if nxt is not None:
            tides.append(TideNext(station=station, time=nxt[0], cm=nxt[1]))
    open_incidents = incident_list(flt=IncidentFilter(state="open"), limit=500)
    return Situation(
        now=now,
        incidents=open_incidents,
        incidents_unacknowledged=sum(1 for i in open_incidents if i.acknowledged_at is None),
        affected=affected,
        exposed=sum(st.kelurahan.population or 0 for st in affected),
        rob_expected=[st for st in states if st.in_rob_forecast],
        silent=[
            a
            for a in alert_list(active_only=True, limit=500)
            if a.kind == AlertKind.SILENT and a.expires_at > now
        ],
        reports=reports,
        reports_verified=len(verified),
        reports_pending=sum(1 for r in reports if r.status == ReportStatus.PENDING),
        reports_max_depth=max((r.depth_cm for r in verified), default=None),
        pumps=pumps,
        pumps_on=sum(1 for p in pumps if p.pump_state == "on"),
        pumps_fault=sum(1 for p in pumps if p.pump_state == "fault"),
        shelters=shelters,
        shelters_open=sum(1 for sh in shelters if sh.status != Shelter.Status.CLOSED),
        shelter_capacity=sum(sh.capacity for sh in shelters if sh.status != Shelter.Status.CLOSED),
        shelter_occupancy=sum(sh.occupancy for sh in shelters),
        tides=tides,
        forecasts=rob_forecast_list(now=now)[:10],
    )
