"""The flood API at /api/v1/flood/: readings in, stations, alerts, reports, pumps, shelters out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.clientip import client_key
from kotapintar.core.errors import BatchTooLarge, NotFound, ValidationFailed
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in, require_role
from kotapintar.core.schemas import ErrorOut
from kotapintar.core.types import Actor
from kotapintar.flood import selectors, services
from kotapintar.flood.errors import BadTime, MalformedJson, PhotoTooLarge, UploadTooLarge
from kotapintar.flood.models import (
    Alert,
    Channel,
    CitizenReport,
    DatumOffset,
    Incident,
    MaintenanceLog,
    Shelter,
    Station,
    ThresholdSet,
)
from kotapintar.flood.schemas import (
    NO_NUL,
    AlertOut,
    ChannelIn,
    ChannelOut,
    CsvImportOut,
    DatastreamOut,
    DatumIn,
    DatumOut,
    DeliveryOut,
    IncidentAckIn,
    IncidentOut,
    IngestOut,
    LatestOut,
    MaintenanceIn,
    MaintenanceOut,
    ObservationOut,
    PumpOut,
    PumpStateIn,
    QuarantineOut,
    ReadingIn,
    RejectionOut,
    ReportOut,
    ReviewIn,
    RobForecastOut,
    SeriesOut,
    ShelterIn,
    ShelterOut,
    SituationOut,
    StationIn,
    StationOut,
    ThresholdIn,
    ThresholdOut,
)
from kotapintar.middleware import raw_body

router = Router(tags=["flood"])

E = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
OPS = (Role.OPERATOR_BPBD,)


def _user(request: HttpRequest) -> Actor:
    """Who calls: the token's user (the bearer authentication sets it) or the session's."""
    return request.user


def _is_operator(request: HttpRequest) -> bool:
    user = _user(request)
    return is_signed_in(user) and has_role(user, *OPS)


def _code(code: str) -> str:
    """A station or shelter code from the path: one that cannot exist is simply not found."""
    if len(code) > 40:
        raise NotFound()
    return code


def _station(code: str) -> Station:
    return selectors.station_get(code=_code(code))


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


def station_out(summary: selectors.StationSummary, *, with_streams: bool = False) -> dict[str, Any]:
    st = summary.station
    streams = []
    if with_streams:
        for ds in selectors.datastream_list(station=st):
            latest = getattr(ds, "latest", None)
            streams.append(
                DatastreamOut(
                    parameter=ds.parameter,
                    unit=ds.unit,
                    expected_interval_s=ds.expected_interval_s,
                    latest=LatestOut(
                        value=latest.value,
                        time=latest.phenomenon_time,
                        previous_value=latest.previous_value,
                        trend=selectors.trend(latest),
                    )
                    if latest
                    else None,
                )
            )
    return {
        "id": st.public_id,
        "code": st.code,
        "name": st.name,
        "kind": st.kind,
        "status": st.status,
        "lon": st.lon,
        "lat": st.lat,
        "kelurahan": st.kelurahan.name if st.kelurahan else None,
        "kelurahan_code": st.kelurahan.code if st.kelurahan else None,
        "river": st.river,
        "level": summary.level,
        "level_name": summary.level_name,
        "silent": summary.silent,
        "value": summary.value,
        "unit": summary.unit,
        "time": summary.time,
        "trend": summary.trend,
        "datastreams": streams,
        "pump_state": st.pump_state,
        "capacity_lps": st.capacity_lps,
    }


def alert_out(a: Alert) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "station": a.station.code,
        "station_name": a.station.name,
        "kind": a.kind,
        "parameter": a.parameter,
        "level": a.level,
        "previous_level": a.previous_level,
        "level_name": a.level_name,
        "value": a.value,
        "time": a.phenomenon_time,
        "created_at": a.created_at,
        "expires_at": a.expires_at,
        "message": a.text,
        "active": a.superseded_at is None and a.level > 0,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": a.acknowledged_by.get_username() if a.acknowledged_by else None,
        "detail": a.detail if isinstance(a.detail, dict) else {},
    }


def incident_out(i: Incident) -> dict[str, Any]:
    return {
        "id": i.public_id,
        "station": i.station.code,
        "station_name": i.station.name,
        "kelurahan": i.station.kelurahan.name if i.station.kelurahan else None,
        "hazard": i.hazard,
        "parameter": i.parameter,
        "opened_at": i.opened_at,
        "closed_at": i.closed_at,
        "open": i.is_open,
        "level": i.level,
        "level_name": i.level_name,
        "max_level": i.max_level,
        "max_level_name": i.max_level_name,
        "max_value": i.max_value,
        "acknowledged_at": i.acknowledged_at,
        "acknowledged_by": i.acknowledged_by.get_username() if i.acknowledged_by else None,
        "acknowledged_note": i.acknowledged_note,
        "steps": [
            {
                "seq": s.seq,
                "kind": s.kind,
                "time": s.at,
                "from_level": s.from_level,
                "to_level": s.to_level,
                "level_name": s.level_name,
                "value": s.value,
            }
            for s in selectors.incident_steps(incident=i)
        ],
    }


def report_out(r: CitizenReport) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "created_at": r.created_at,
        "lon": r.lon,
        "lat": r.lat,
        "kelurahan": r.kelurahan.name if r.kelurahan else None,
        "depth_cm": r.depth_cm,
        "depth_state": selectors.depth_state(r.depth_cm),
        "text": r.text,
        "photo_url": f"/banjir/laporan/{r.public_id}/foto.jpg" if r.photo else None,
        "status": r.status,
    }


def threshold_out(t: ThresholdSet) -> dict[str, Any]:
    return {
        "parameter": t.parameter,
        "valid_from": t.valid_from,
        "waspada": t.waspada,
        "siaga": t.siaga,
        "awas": t.awas,
        "deadband": t.deadband,
        "off_delay_s": t.off_delay_s,
        "on_readings": t.on_readings,
        "on_delay_s": t.on_delay_s,
        "aliases": [str(a) for a in t.aliases] if isinstance(t.aliases, list) else [],
        "reason": t.reason,
    }


def datum_out(d: DatumOffset) -> dict[str, Any]:
    return {
        "valid_from": d.valid_from,
        "offset_cm": d.offset_cm,
        "reference": d.reference,
        "survey": d.survey,
    }


def maintenance_out(m: MaintenanceLog) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "performed_at": m.performed_at,
        "performed_by": m.performed_by.get_username() if m.performed_by else None,
        "action": m.action,
        "notes": m.notes,
        "next_due": m.next_due,
        "status_after": m.status_after,
    }


def channel_out(c: Channel) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "name": c.name,
        "kind": c.kind,
        "target": c.target,
        "min_level": c.min_level,
        "active": c.active,
    }


def rejection_list(result: services.IngestResult, limit: int | None = None) -> list[RejectionOut]:
    return [RejectionOut(index=r.index, code=r.code, message=r.message) for r in result.rejected[:limit]]


# --- Readings -------------------------------------------------------------------------------------


READINGS = TypeAdapter(list[ReadingIn])
#: The request body, declared here because the endpoint validates it itself (pydantic, without the
#: per-item overhead of ninja's attribute-based body model: thousands of readings per request).
READINGS_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "maxItems": services.MAX_BATCH,
                "items": {
                    "type": "object",
                    "required": ["station", "parameter", "time", "value"],
                    "properties": {
                        "station": {"type": "string", "maxLength": 60, "pattern": NO_NUL},
                        "parameter": {"type": "string", "maxLength": 40, "pattern": NO_NUL},
                        "time": {
                            "type": "string",
                            "maxLength": 40,
                            "pattern": NO_NUL,
                            "description": "ISO 8601 with a time zone, e.g. 2026-01-15T10:00:00+07:00",
                        },
                        "value": {
                            "anyOf": [
                                {"type": "number"},
                                {"type": "string", "maxLength": 40, "pattern": NO_NUL},
                            ]
                        },
                        "quality": {
                            "type": "string",
                            "enum": ["good", "suspect", "estimated"],
                            "default": "good",
                        },
                    },
                },
            }
        }
    },
}


@router.post(
    "/readings",
    auth=AUTH,
    response={200: IngestOut, 413: ErrorOut, **E},
    summary="Store a batch of readings (JSON list); each is stored once",
    openapi_extra={"requestBody": READINGS_BODY},
)
def readings_post(request: HttpRequest) -> dict[str, Any]:
    require_role(_user(request), *OPS)
    body = raw_body(request)
    with services.gc_paused():  # thousands of small dicts per request: see services.gc_paused
        try:
            data = READINGS.validate_json(body)
        except PydanticValidationError as exc:
            errors = exc.errors()
            if any(err.get("type") == "json_invalid" for err in errors):
                raise MalformedJson(detail=str(errors[0].get("msg", ""))[:200]) from exc
            detail = [
                {
                    "loc": [str(p) for p in err.get("loc", [])],
                    "msg": str(err.get("msg", "")),
                    "type": err.get("type", ""),
                }
                for err in errors[:50]
            ]
            raise ValidationFailed(detail=detail) from exc
        if len(data) > services.MAX_BATCH:
            raise BatchTooLarge(detail={"max_readings": services.MAX_BATCH})
        result = services.readings_ingest(readings=data, source="http")
    return {
        "received": result.received,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "rejected": rejection_list(result),
        "alerts": len(result.alerts),
    }


@router.post(
    "/readings/csv",
    auth=AUTH,
    response={200: CsvImportOut, 413: ErrorOut, **E},
    summary="Back-fill readings from a CSV file (station, parameter, time, value[, quality])",
)
def readings_csv(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    user = _user(request)
    require_role(user, *OPS)
    if file.size is not None and file.size > services.CSV_MAX_BYTES:
        raise UploadTooLarge(detail={"max_bytes": services.CSV_MAX_BYTES})
    result = services.readings_csv_import(actor=user, data=file.read(services.CSV_MAX_BYTES + 1))
    return {
        "rows": result.received,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "rejected": rejection_list(result, 1000),
    }


@router.get("/quarantine", auth=AUTH, response={200: list[QuarantineOut], **E}, summary="Refused readings")
def quarantine(
    request: HttpRequest, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[dict[str, Any]]:
    require_role(_user(request), *OPS)
    return [
        {
            "id": q.public_id,
            "received_at": q.received_at,
            "source": q.source,
            "topic": q.topic,
            "payload": q.payload,
            "payload_size": q.payload_size,
            "reason_code": q.reason_code,
            "reason": q.reason,
        }
        for q in selectors.quarantine_list(limit=limit)
    ]


# --- Stations -------------------------------------------------------------------------------------


@router.get(
    "/stations", auth=PUBLIC, response={200: list[StationOut], **E}, summary="Stations with latest values"
)
def stations(request: HttpRequest) -> list[dict[str, Any]]:
    return [station_out(s) for s in selectors.station_summaries()]


@router.post("/stations", auth=AUTH, response={201: StationOut, **E}, summary="Register a station")
def station_create(request: HttpRequest, payload: StationIn) -> Status[dict[str, Any]]:
    st = services.station_create(
        actor=_user(request),
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        lon=payload.lon,
        lat=payload.lat,
        river=payload.river,
        subsystem=payload.subsystem,
        description=payload.description,
        warns_kelurahan=payload.warns_kelurahan,
        pump_units=payload.pump_units,
        capacity_lps=payload.capacity_lps,
        subsidence_cm_per_year=payload.subsidence_cm_per_year,
        datastreams=[
            services.DatastreamSpec(d.parameter, d.expected_interval_s, d.sensor) for d in payload.datastreams
        ],
    )
    return Status(201, station_out(selectors.station_summary(station=st), with_streams=True))


@router.get("/stations/{code}", auth=PUBLIC, response={200: StationOut, **E}, summary="One station")
def station_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return station_out(selectors.station_summary(station=_station(code)), with_streams=True)


@router.get(
    "/stations/{code}/observations",
    auth=PUBLIC,
    response={200: list[ObservationOut], **E},
    summary="Observations of a station's parameter over the last hours",
)
def observations(
    request: HttpRequest,
    code: str,
    parameter: Annotated[str, Query(max_length=40)] = "water_level",
    hours: Annotated[int, Query(ge=1, le=24 * 31)] = 72,
) -> list[dict[str, Any]]:
    st = _station(code)
    since = timezone.now() - timedelta(hours=hours)
    return [
        {"time": o.phenomenon_time, "value": o.value, "quality": o.quality}
        for o in selectors.observation_list(station=st, parameter=parameter, since=since)
    ]


@router.get(
    "/stations/{code}/series",
    auth=PUBLIC,
    response={200: SeriesOut, **E},
    summary="A station parameter for a chart: raw readings (short ranges) or hourly/daily rollups",
)
def series(
    request: HttpRequest,
    code: str,
    parameter: Annotated[str, Query(max_length=40)] = "water_level",
    days: Annotated[int, Query(ge=1, le=3660)] = 3,
    resolution: Literal["raw", "hourly", "daily"] | None = None,
) -> dict[str, Any]:
    st = _station(code)
    now = timezone.now()
    found = selectors.observation_series(
        station=st, parameter=parameter, since=now - timedelta(days=days), until=now, resolution=resolution
    )
    return {"resolution": found.resolution, "points": found.points}


@router.get("/stations/{code}/thresholds", auth=PUBLIC, response={200: list[ThresholdOut], **E})
def thresholds(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    st = _station(code)
    return [threshold_out(t) for t in selectors.threshold_set_list(station=st)]


@router.post(
    "/stations/{code}/thresholds",
    auth=AUTH,
    response={201: ThresholdOut, **E},
    summary="A new threshold version",
)
def threshold_create(request: HttpRequest, code: str, payload: ThresholdIn) -> Status[dict[str, Any]]:
    st = _station(code)
    if payload.valid_from.tzinfo is None:
        raise BadTime(_("The time needs a time zone."))
    t = services.threshold_set_create(actor=_user(request), station=st, **payload.model_dump())
    return Status(201, threshold_out(t))


@router.get(
    "/stations/{code}/datum", auth=PUBLIC, response={200: list[DatumOut], **E}, summary="Datum history"
)
def datum_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    st = _station(code)
    return [datum_out(d) for d in selectors.datum_offset_list(station=st)]


@router.post(
    "/stations/{code}/datum", auth=AUTH, response={201: DatumOut, **E}, summary="Record a re-levelling"
)
def datum_create(request: HttpRequest, code: str, payload: DatumIn) -> Status[dict[str, Any]]:
    st = _station(code)
    if payload.valid_from.tzinfo is None:
        raise BadTime(_("The time needs a time zone."))
    d = services.datum_offset_create(actor=_user(request), station=st, **payload.model_dump())
    return Status(201, datum_out(d))


@router.get("/stations/{code}/maintenance", auth=PUBLIC, response={200: list[MaintenanceOut], **E})
def maintenance_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    st = _station(code)
    return [maintenance_out(m) for m in selectors.maintenance_list(station=st)]


@router.post("/stations/{code}/maintenance", auth=AUTH, response={201: MaintenanceOut, **E})
def maintenance_add(request: HttpRequest, code: str, payload: MaintenanceIn) -> Status[dict[str, Any]]:
    st = _station(code)
    m = services.maintenance_log_add(actor=_user(request), station=st, **payload.model_dump())
    return Status(201, maintenance_out(m))


# --- Alerts and notification channels ------------------------------------------------------------


@router.get("/alerts", auth=PUBLIC, response={200: list[AlertOut], **E}, summary="Alerts (level changes)")
def alerts(
    request: HttpRequest, active: bool = False, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    return [alert_out(a) for a in selectors.alert_list(active_only=active, limit=limit)]


@router.post(
    "/alerts/{alert_id}/ack", auth=AUTH, response={200: AlertOut, **E}, summary="Acknowledge an alert"
)
def alert_ack(request: HttpRequest, alert_id: str) -> dict[str, Any]:
    alert = selectors.alert_get(public_id=_uuid(alert_id))
    return alert_out(services.alert_acknowledge(actor=_user(request), alert=alert))


def _utc(value: datetime | None) -> datetime | None:
    """A query's time in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows (+17:50);
    a time without an offset is the city's."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


@router.get("/incidents", auth=PUBLIC, response={200: list[IncidentOut], **E}, summary="Incidents")
def incidents(
    request: HttpRequest,
    station: Annotated[str, Query(max_length=40)] = "",
    kelurahan: Annotated[str, Query(max_length=20)] = "",
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    state: Annotated[str, Query(pattern="^(open|closed)?$")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Open incidents first (highest level first), then closed ones, newest first; filters combine."""
    flt = selectors.IncidentFilter(
        station=station, kelurahan=kelurahan, level=level, since=_utc(since), until=_utc(until), state=state
    )
    return [incident_out(i) for i in selectors.incident_list(flt=flt, limit=limit)]


@router.post(
    "/incidents/ack", auth=AUTH, response={200: list[IncidentOut], **E}, summary="Acknowledge incidents"
)
def incidents_ack(request: HttpRequest, payload: IncidentAckIn) -> list[dict[str, Any]]:
    """Acknowledge several incidents at once with one note (all or none)."""
    found = selectors.incidents_by_ids(public_ids=payload.ids)
    if len(found) != len(set(payload.ids)):
        raise NotFound()
    done = services.incidents_acknowledge(actor=_user(request), incidents=found, note=payload.note)
    return [incident_out(i) for i in done]


@router.get("/situation", auth=PUBLIC, response={200: SituationOut, **E}, summary="The situation now")
def situation(request: HttpRequest) -> dict[str, Any]:
    """The figures of the situation report and the live page (`selectors.situation`)."""
    sit = selectors.situation()
    return {
        "time": sit.now,
        **sit.figures(),
        "affected": [st.kelurahan.code for st in sit.affected],
        "rob_expected": [st.kelurahan.code for st in sit.rob_expected],
        "next_high_tides": [
            {"station": t.station.code, "time": t.time.isoformat(), "cm": t.cm} for t in sit.tides
        ],
        "open_incidents": [i.public_id for i in sit.incidents],
    }


@router.get("/channels", auth=AUTH, response={200: list[ChannelOut], **E}, summary="Notification channels")
def channels(request: HttpRequest) -> list[dict[str, Any]]:
    require_role(_user(request), *OPS)
    return [channel_out(c) for c in selectors.channel_list()]


@router.post("/channels", auth=AUTH, response={201: ChannelOut, **E}, summary="Add a notification channel")
def channel_create(request: HttpRequest, payload: ChannelIn) -> Status[dict[str, Any]]:
    c = services.channel_create(actor=_user(request), **payload.model_dump())
    return Status(201, channel_out(c))


@router.get(
    "/deliveries", auth=AUTH, response={200: list[DeliveryOut], **E}, summary="Notification delivery log"
)
def deliveries(
    request: HttpRequest, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[dict[str, Any]]:
    require_role(_user(request), *OPS)
    return [
        {
            "id": d.public_id,
            "alert": d.alert.public_id,
            "channel": d.channel.name,
            "status": d.status,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "created_at": d.created_at,
            "sent_at": d.sent_at,
        }
        for d in selectors.delivery_list(limit=limit)
    ]


@router.get(
    "/rob-forecast", auth=PUBLIC, response={200: list[RobForecastOut], **E}, summary="Rob windows ahead"
)
def rob_forecast(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "station": f.station.code,
            "level": f.level,
            "level_name": f.level_name,
            "starts_at": f.starts_at,
            "ends_at": f.ends_at,
            "peak_at": f.peak_at,
            "peak_cm": f.peak_cm,
            "kelurahan": [str(k) for k in f.kelurahan_names],
            "message": f.text,
        }
        for f in selectors.rob_forecast_list()
    ]


@router.get(
    "/kelurahan-states", auth=PUBLIC, response={200: dict[str, Any], **E}, summary="GeoJSON of states"
)
def kelurahan_states(request: HttpRequest) -> dict[str, Any]:
    return selectors.kelurahan_state_feature_collection()


# --- Citizen reports ------------------------------------------------------------------------------


@router.post("/reports", auth=PUBLIC, response={201: ReportOut, 413: ErrorOut, **E}, summary="Report a flood")
def report_create(
    request: HttpRequest,
    lon: Form[float],
    lat: Form[float],
    depth_cm: Form[int],
    text: Form[str] = "",
    photo: Annotated[UploadedFile | None, File()] = None,
) -> Status[dict[str, Any]]:
    data = None
    if photo is not None:
        if photo.size is not None and photo.size > services.PHOTO_MAX_BYTES:
            raise PhotoTooLarge()
        data = photo.read(services.PHOTO_MAX_BYTES + 1)
    report = services.citizen_report_create(
        lon=lon, lat=lat, depth_cm=depth_cm, text=text, photo=data, client_key=client_key(request)
    )
    return Status(201, report_out(report))


@router.get("/reports", auth=PUBLIC, response={200: list[ReportOut], **E}, summary="Citizen reports")
def reports(
    request: HttpRequest,
    hours: Annotated[int, Query(ge=1, le=24 * 7)] = 3,
    status: Annotated[str, Query(max_length=20)] = "",
) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(hours=hours)
    if _is_operator(request):
        items = selectors.report_list(status=status or None, since=since)
    else:  # the public sees what BPBD has not rejected
        items = [r for r in selectors.report_list(since=since) if r.status != "rejected"]
    return [report_out(r) for r in items]


@router.post(
    "/reports/{report_id}/review", auth=AUTH, response={200: ReportOut, **E}, summary="Verify or reject"
)
def report_review(request: HttpRequest, report_id: str, payload: ReviewIn) -> dict[str, Any]:
    report = selectors.report_get(public_id=_uuid(report_id))
    return report_out(
        services.citizen_report_review(
            actor=_user(request), report=report, verified=payload.verified, note=payload.note
        )
    )


# --- Pumps and shelters ---------------------------------------------------------------------------


def pump_out(p: Station) -> dict[str, Any]:
    running = p.pump_running_seconds
    if p.pump_state == "on" and p.pump_state_at is not None:
        running += int((timezone.now() - p.pump_state_at).total_seconds())
    return {
        "code": p.code,
        "name": p.name,
        "state": p.pump_state or "unknown",
        "state_at": p.pump_state_at,
        "pump_units": p.pump_units,
        "capacity_lps": p.capacity_lps,
        "operating_hours": round(running / 3600, 1),
        "subsystem": p.subsystem,
        "lon": p.lon,
        "lat": p.lat,
    }


@router.get("/pumps", auth=PUBLIC, response={200: list[PumpOut], **E}, summary="Pump houses and their state")
def pumps(request: HttpRequest) -> list[dict[str, Any]]:
    return [pump_out(p) for p in selectors.pump_list()]


@router.post("/pumps/{code}/state", auth=AUTH, response={200: PumpOut, **E}, summary="Switch a pump house")
def pump_state(request: HttpRequest, code: str, payload: PumpStateIn) -> dict[str, Any]:
    st = _station(code)
    services.pump_state_set(actor=_user(request), station=st, state=payload.state, note=payload.note)
    return pump_out(selectors.station_get(code=code))


def shelter_out(s: Shelter) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "address": s.address,
        "kelurahan": s.kelurahan.name if s.kelurahan else None,
        "lon": s.lon,
        "lat": s.lat,
        "capacity": s.capacity,
        "occupancy": s.occupancy,
        "status": s.status,
        "updated_at": s.updated_at,
    }


@router.get("/shelters", auth=PUBLIC, response={200: list[ShelterOut], **E}, summary="Shelters")
def shelters(request: HttpRequest) -> list[dict[str, Any]]:
    return [shelter_out(s) for s in selectors.shelter_list()]


@router.post("/shelters/{code}", auth=AUTH, response={200: ShelterOut, **E}, summary="Update a shelter")
def shelter_update(request: HttpRequest, code: str, payload: ShelterIn) -> dict[str, Any]:
    shelter = selectors.shelter_get(code=_code(code))
    return shelter_out(
        services.shelter_update(
            actor=_user(request), shelter=shelter, occupancy=payload.occupancy, status=payload.status
        )
    )
