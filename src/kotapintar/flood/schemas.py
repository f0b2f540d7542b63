"""Request and response schemas of the flood API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, NotRequired

from ninja import Schema
from pydantic import Field, StringConstraints
from typing_extensions import TypedDict

#: PostgreSQL text cannot hold NUL characters: refuse them at the edge (422, not a 500).
NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ParameterName = Literal["water_level", "tide_level", "rainfall", "pump_flow", "gate_opening"]
StationKindName = Literal["river_level", "tide_gauge", "rain_gauge", "pump_house", "floodgate"]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class ReadingIn(TypedDict):
    """One reading. A TypedDict: pydantic builds plain dicts straight from the JSON body, which
    matters at thousands of readings per request (no model instances, half the allocations).

    NUL characters are refused for the whole request body before this runs (api.readings_post).
    """

    station: Annotated[str, StringConstraints(max_length=60)]
    parameter: Annotated[str, StringConstraints(max_length=40)]
    time: Annotated[str, StringConstraints(max_length=40)]  # ISO 8601 with a time zone
    value: float | Annotated[str, StringConstraints(max_length=40)]
    quality: NotRequired[Literal["good", "suspect", "estimated"]]


class RejectionOut(Schema):
    index: int
    code: str
    message: str


class IngestOut(Schema):
    received: int
    stored: int
    duplicates: int
    rejected: list[RejectionOut]
    alerts: int


class DatastreamIn(Schema):
    parameter: ParameterName
    expected_interval_s: int = Field(600, ge=10, le=7 * 86400)
    sensor: Annotated[str, StringConstraints(max_length=80, pattern=NO_NUL)] = ""


class StationIn(Schema):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=160, pattern=NO_NUL)]
    kind: StationKindName
    lon: Finite = Field(ge=-180, le=180)
    lat: Finite = Field(ge=-90, le=90)
    river: Annotated[str, StringConstraints(max_length=120, pattern=NO_NUL)] = ""
    subsystem: Annotated[str, StringConstraints(max_length=120, pattern=NO_NUL)] = ""
    description: Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)] = ""
    warns_kelurahan: list[Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=27
    )
    pump_units: int = Field(0, ge=0, le=100)
    capacity_lps: int = Field(0, ge=0, le=1_000_000)
    subsidence_cm_per_year: Finite = Field(0.0, ge=-100, le=100)
    datastreams: list[DatastreamIn] = Field(default_factory=list, max_length=10)


class LatestOut(Schema):
    value: float
    time: datetime
    previous_value: float | None
    trend: str


class DatastreamOut(Schema):
    parameter: str
    unit: str
    expected_interval_s: int
    latest: LatestOut | None


class StationOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    kind: str
    status: str
    lon: float
    lat: float
    kelurahan: str | None
    kelurahan_code: str | None
    river: str
    level: int
    level_name: str
    silent: bool
    value: float | None
    unit: str
    time: datetime | None
    trend: str
    datastreams: list[DatastreamOut] = Field(default_factory=list)
    pump_state: str = ""
    capacity_lps: int = 0


class ThresholdIn(Schema):
    parameter: Literal["water_level", "tide_level"]
    valid_from: datetime
    waspada: Finite
    siaga: Finite
    awas: Finite
    deadband: Finite = Field(5.0, ge=0, le=1000)
    off_delay_s: int = Field(1800, ge=0, le=7 * 86400)
    on_readings: int = Field(2, ge=1, le=100)
    on_delay_s: int = Field(0, ge=0, le=7 * 86400)
    aliases: list[Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=4
    )
    reason: Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)] = ""


class ThresholdOut(Schema):
    parameter: str
    valid_from: datetime
    waspada: float
    siaga: float
    awas: float
    deadband: float
    off_delay_s: int
    on_readings: int
    on_delay_s: int
    aliases: list[str]
    reason: str


class DatumIn(Schema):
    valid_from: datetime
    offset_cm: Finite = Field(ge=-10000, le=10000)
    reference: Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=NO_NUL)] = "LAT"
    survey: Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)] = ""


class DatumOut(Schema):
    valid_from: datetime
    offset_cm: float
    reference: str
    survey: str


class ObservationOut(Schema):
    time: datetime
    value: float
    quality: str


class SeriesPointOut(Schema):
    time: datetime
    value: float = Field(description="the reading, or the average of the hour/day")
    min: float
    max: float
    count: int = Field(description="readings in the hour/day (1 for a raw reading)")


class SeriesOut(Schema):
    resolution: str = Field(description="raw, hourly or daily")
    points: list[SeriesPointOut]


class AlertOut(Schema):
    id: uuid.UUID
    station: str
    station_name: str
    kind: str
    parameter: str
    level: int
    previous_level: int
    level_name: str
    value: float | None
    time: datetime
    created_at: datetime
    expires_at: datetime
    message: str
    active: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    detail: dict[str, Any]


class IncidentStepOut(Schema):
    seq: int
    kind: str
    time: datetime
    from_level: int
    to_level: int
    level_name: str
    value: float | None


class IncidentOut(Schema):
    id: uuid.UUID
    station: str
    station_name: str
    kelurahan: str | None
    hazard: str
    parameter: str
    opened_at: datetime
    closed_at: datetime | None
    open: bool
    level: int
    level_name: str
    max_level: int
    max_level_name: str
    max_value: float | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_note: str
    steps: list[IncidentStepOut]


class IncidentAckIn(Schema):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    note: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] = ""


class SituationOut(Schema):
    time: datetime
    incidents: int
    incidents_unacknowledged: int
    affected_kelurahan: int
    exposed_population: int
    reports_verified: int
    reports_pending: int
    pumps_on: int
    pumps_fault: int
    shelters_open: int
    shelter_occupancy: int
    shelter_capacity: int
    affected: list[str]
    rob_expected: list[str]
    next_high_tides: list[dict[str, Any]]
    open_incidents: list[uuid.UUID]


class QuarantineOut(Schema):
    id: uuid.UUID
    received_at: datetime
    source: str
    topic: str
    payload: str
    payload_size: int | None = Field(None, description="bytes of the MQTT message as it arrived")
    reason_code: str
    reason: str


class ReportOut(Schema):
    id: uuid.UUID
    created_at: datetime
    lon: float
    lat: float
    kelurahan: str | None
    depth_cm: int
    depth_state: int
    text: str
    photo_url: str | None
    status: str


class ReviewIn(Schema):
    verified: bool
    note: Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)] = ""


class PumpOut(Schema):
    code: str
    name: str
    state: str
    state_at: datetime | None
    pump_units: int
    capacity_lps: int
    operating_hours: float
    subsystem: str
    lon: float
    lat: float


class PumpStateIn(Schema):
    state: Literal["on", "off", "fault"]
    note: Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)] = ""


class ShelterOut(Schema):
    code: str
    name: str
    address: str
    kelurahan: str | None
    lon: float
    lat: float
    capacity: int
    occupancy: int
    status: str
    updated_at: datetime | None


class ShelterIn(Schema):
    occupancy: int | None = Field(None, ge=0, le=1_000_000)
    status: Literal["open", "closed", "full"] | None = None


class MaintenanceIn(Schema):
    action: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=NO_NUL)]
    notes: Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)] = ""
    next_due: date | None = None
    status_after: Literal["", "active", "maintenance", "broken"] = ""


class MaintenanceOut(Schema):
    id: uuid.UUID
    performed_at: datetime
    performed_by: str | None
    action: str
    notes: str
    next_due: date | None
    status_after: str


class RobForecastOut(Schema):
    station: str
    level: int
    level_name: str
    starts_at: datetime
    ends_at: datetime
    peak_at: datetime
    peak_cm: float
    kelurahan: list[str]
    message: str


class ChannelIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=NO_NUL)]
    kind: Literal["webhook", "email", "telegram"]
    target: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=NO_NUL)]
    secret: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] = ""
    base_url: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] = ""
    min_level: int = Field(1, ge=0, le=3)


class ChannelOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    target: str
    min_level: int
    active: bool


class DeliveryOut(Schema):
    id: uuid.UUID
    alert: uuid.UUID
    channel: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class CsvImportOut(Schema):
    rows: int
    stored: int
    duplicates: int
    rejected: list[RejectionOut]
