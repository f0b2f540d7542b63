"""Writes of the flood app: stations, thresholds, ingestion, alerts, reports, pumps, shelters.

Ingestion (`readings_ingest`) is the one path every reading takes (HTTP batch, MQTT, CSV back-fill,
the simulator): validate, store once (INSERT … ON CONFLICT DO NOTHING on the unique datastream and
phenomenon time), update the latest-value table, then evaluate the alarms of the readings that were new.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import logging
import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import Conflict, NotFound, ValidationFailed
from kotapintar.core.models import Heartbeat, Kelurahan, Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.selectors import city_get, kelurahan_at
from kotapintar.flood.errors import REJECT_REASONS
from kotapintar.flood.models import (
    LEVEL_NAMES,
    LEVEL_PARAMETERS,
    PARAMETER_SPECS,
    Alert,
    AlertKind,
    AlertState,
    Channel,
    ChannelKind,
    CitizenReport,
    Datastream,
    DatumOffset,
    Delivery,
    MaintenanceLog,
    Parameter,
    PumpEvent,
    Quarantine,
    ReportStatus,
    RobForecast,
    Shelter,
    Station,
    StationKind,
    StationStatus,
    ThresholdSet,
)
from kotapintar.lib import hysteresis

log = logging.getLogger(__name__)

OPERATOR_ROLES = (Role.OPERATOR_BPBD,)
#: An alert is published with this lifetime and re-issued while its condition lasts.
ALERT_TTL = timedelta(hours=6)
#: Readings further in the future than this are refused (clock skew allowance).
FUTURE_TOLERANCE = timedelta(minutes=10)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
QUALITIES = ("good", "suspect", "estimated")
MAX_BATCH = 5000
DELIVERY_MAX_ATTEMPTS = 5
INSERT_CHUNK = 500


# --- Stations, datastreams, thresholds, datum offsets --------------------------------------------


@dataclass(frozen=True)
class DatastreamSpec:
    parameter: str
    expected_interval_s: int = 600
    sensor: str = ""


def _check_point(lon: float, lat: float) -> Kelurahan | None:
    if not (math.isfinite(lon) and math.isfinite(lat)) or (lon == 0 and lat == 0):
        raise ValidationFailed(_("The location is not valid."), code="bad_location")
    city = city_get()
    if not city.contains_point(lon, lat):
        raise ValidationFailed(_("The location is outside the city."), code="outside_city")
    return kelurahan_at(lon=lon, lat=lat)


def station_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    lon: float,
    lat: float,
    datastreams: Sequence[DatastreamSpec] = (),
    river: str = "",
    subsystem: str = "",
    description: str = "",
    warns_kelurahan: Sequence[str] = (),
    pump_units: int = 0,
    capacity_lps: int = 0,
    subsidence_cm_per_year: float = 0.0,
) -> Station:
    if actor is not None:
        require_role(actor, *OPERATOR_ROLES)
    if kind not in StationKind.values:
        raise ValidationFailed(_("Unknown station kind."), code="bad_kind")
    with transaction.atomic():
        if Station.objects.filter(code=code).exists():
            raise Conflict(_("A station with this code exists already."), code="station_exists")
        kel = _check_point(lon, lat)
        station = Station.objects.create(
            code=code,
            name=name,
            kind=kind,
            lon=lon,
            lat=lat,
            kelurahan=kel,
            river=river,
            subsystem=subsystem,
            description=description,
            warns_kelurahan=list(warns_kelurahan),
            pump_units=pump_units,
            capacity_lps=capacity_lps,
            subsidence_cm_per_year=subsidence_cm_per_year,
        )
        for spec in datastreams:
            datastream_add(station=station, spec=spec)
        audit.record(
            action="flood.station_create", actor=actor, obj=station, data={"code": code, "kind": kind}
        )
    return station


def datastream_add(*, station: Station, spec: DatastreamSpec) -> Datastream:
    if spec.parameter not in PARAMETER_SPECS:
        raise ValidationFailed(_("Unknown parameter."), code="bad_parameter")
    if spec.expected_interval_s < 10:
        raise ValidationFailed(_("The expected interval must be at least 10 seconds."), code="bad_interval")
    unit = PARAMETER_SPECS[spec.parameter][0]
    ds, _created = Datastream.objects.get_or_create(
        station=station,
        parameter=spec.parameter,
        defaults={"unit": unit, "expected_interval_s": spec.expected_interval_s, "sensor": spec.sensor},
    )
    return ds


def _check_valid_from(valid_from: datetime) -> None:
    if valid_from.tzinfo is None:
        raise ValidationFailed(_("The time needs a time zone."), code="bad_time")
    if not EARLIEST <= valid_from <= timezone.now() + timedelta(days=3660):
        raise ValidationFailed(_("The date must lie between 1990 and ten years from now."), code="bad_time")


def check_threshold_edit(*, actor: Any, station: Station) -> Station:
    if actor is not None:
        require_role(actor, *OPERATOR_ROLES)
    locked = Station.objects.select_for_update().filter(pk=station.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def do_threshold_set_create(
    *,
    actor: Any,
    station: Station,
    parameter: str,
    valid_from: datetime,
    waspada: float,
    siaga: float,
    awas: float,
    deadband: float,
    off_delay_s: int,
    aliases: Sequence[str],
    reason: str,
) -> ThresholdSet:
    ts = ThresholdSet.objects.create(
        station=station,
        parameter=parameter,
        valid_from=valid_from,
        waspada=waspada,
        siaga=siaga,
        awas=awas,
        deadband=deadband,
        off_delay_s=off_delay_s,
        aliases=list(aliases),
        reason=reason,
        created_by=actor if is_signed_in(actor) else None,
    )
    audit.record(
        action="flood.threshold_set_create",
        actor=actor,
        obj=station,
        data={
            "parameter": parameter,
            "valid_from": valid_from,
            "limits": [waspada, siaga, awas],
            "deadband": deadband,
            "off_delay_s": off_delay_s,
            "aliases": list(aliases),
            "reason": reason,
        },
    )
    return ts


def threshold_set_create(
    *,
    actor: Any,
    station: Station,
    parameter: str,
    valid_from: datetime,
    waspada: float,
    siaga: float,
    awas: float,
    deadband: float = 5.0,
    off_delay_s: int = 1800,
    aliases: Sequence[str] = (),
    reason: str = "",
) -> ThresholdSet:
    """A new version of a station's limits, valid from `valid_from` (readings are judged by their time)."""
    values = [waspada, siaga, awas, deadband]
    if not all(math.isfinite(v) for v in values) or not waspada < siaga < awas:
        raise ValidationFailed(_("Limits must be finite and Waspada < Siaga < Awas."), code="bad_limits")
    if deadband < 0 or deadband >= awas - waspada + 1e9 or off_delay_s < 0 or off_delay_s > 7 * 86400:
        raise ValidationFailed(_("Deadband and off-delay must be positive."), code="bad_limits")
    if parameter not in LEVEL_PARAMETERS:
        raise ValidationFailed(_("Thresholds apply to water and sea levels."), code="bad_parameter")
    if aliases and (len(aliases) != 4 or any(len(a) > 40 for a in aliases)):
        raise ValidationFailed(_("Give four level names (Normal to Awas)."), code="bad_aliases")
    _check_valid_from(valid_from)
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        if ThresholdSet.objects.filter(station=locked, parameter=parameter, valid_from=valid_from).exists():
            raise Conflict(_("A threshold set with this start exists already."), code="threshold_exists")
        return do_threshold_set_create(
            actor=actor,
            station=locked,
            parameter=parameter,
            valid_from=valid_from,
            waspada=waspada,
            siaga=siaga,
            awas=awas,
            deadband=deadband,
            off_delay_s=off_delay_s,
            aliases=aliases,
            reason=reason,
        )


def datum_offset_create(
    *, actor: Any, station: Station, valid_from: datetime, offset_cm: float, reference: str, survey: str = ""
) -> DatumOffset:
    if not math.isfinite(offset_cm) or abs(offset_cm) > 10000:
        raise ValidationFailed(_("The offset is not valid."), code="bad_offset")
    _check_valid_from(valid_from)
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        if DatumOffset.objects.filter(station=locked, valid_from=valid_from).exists():
            raise Conflict(_("A datum offset with this start exists already."), code="datum_exists")
        offset = DatumOffset.objects.create(
            station=locked, valid_from=valid_from, offset_cm=offset_cm, reference=reference, survey=survey
        )
        audit.record(
            action="flood.datum_offset_create",
            actor=actor,
            obj=locked,
            data={"valid_from": valid_from, "offset_cm": offset_cm, "reference": reference, "survey": survey},
        )
    return offset


def station_tide_set(*, actor: Any, station: Station, model_json: dict[str, Any], epoch: date) -> Station:
    """Keep a gauge's fitted constituents (the TideModel JSON of lib.tide)."""
    from kotapintar.lib import tide

    try:
        model = tide.TideModel.from_json(model_json)
    except tide.TideError as exc:
        raise ValidationFailed(
            _("The constituents are not valid."), code="bad_constituents", detail=str(exc)
        ) from exc
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        locked.tide_constituents = model.to_json()
        locked.tide_epoch = epoch
        locked.save(update_fields=["tide_constituents", "tide_epoch"])
        audit.record(
            action="flood.station_tide_set",
            actor=actor,
            obj=locked,
            data={"constituents": len(model.constituents), "epoch": epoch},
        )
    return locked


# --- Ingestion ------------------------------------------------------------------------------------


@dataclass
class Rejection:
    index: int
    code: str
    message: str
    detail: str = ""


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class _DS:
    id: int
    station_id: int
    parameter: str


class _Row(NamedTuple):
    ds: _DS
    time: datetime
    value: float
    quality: str
    epoch: float  # the time as POSIX seconds: a cheap, exact key (aware datetimes hash slowly)


def _parse_time(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo is not None else None
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)  # fast path for the usual ISO 8601 form
    except ValueError:
        try:
            parsed = parse_datetime(text)
        except ValueError:
            return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _parse_value(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and len(raw) <= 40:
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _datastream_index(station_codes: Iterable[str]) -> tuple[dict[tuple[str, str], _DS], set[str]]:
    codes = {code for code in station_codes if "\x00" not in code}
    # One query: every station asked for, with its datastreams (none: a row of NULLs, still known).
    rows = Station.objects.filter(code__in=codes).values_list(
        "id", "code", "datastreams__id", "datastreams__parameter"
    )
    index: dict[tuple[str, str], _DS] = {}
    known: set[str] = set()
    for sid, code, pk, param in rows:
        known.add(code)
        if pk is not None:
            index[(code, param)] = _DS(pk, sid, param)
    return index, known


def _validate(
    raw: Any, index: dict[tuple[str, str], _DS], known: set[str], latest_allowed: datetime
) -> _Row | tuple[str, str]:
    if not isinstance(raw, dict):
        return "malformed", ""
    station, parameter = raw.get("station"), raw.get("parameter")
    if (
        not isinstance(station, str)
        or not isinstance(parameter, str)
        or "time" not in raw
        or "value" not in raw
    ):
        return "malformed", ""
    if station not in known:
        return "unknown_station", station[:60]
    ds = index.get((station, parameter))
    if ds is None:
        return "unknown_parameter", parameter[:60]
    at = _parse_time(raw.get("time"))
    if at is None:
        return "bad_time", str(raw.get("time"))[:60]
    if at > latest_allowed:
        return "future_time", at.isoformat()
    if at < EARLIEST:
        return "too_old", at.isoformat()
    value = _parse_value(raw.get("value"))
    if value is None:
        return "not_numeric", str(raw.get("value"))[:60]
    _unit, low, high = PARAMETER_SPECS[parameter]
    if not low <= value <= high:
        return "impossible_value", f"{value} ∉ [{low}, {high}]"
    quality = raw.get("quality", "good")
    if quality not in QUALITIES:
        return "bad_quality", str(quality)[:20]
    return _Row(ds, at, value, str(quality), at.timestamp())


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is parsed and stored.

    A 5,000-reading batch allocates tens of thousands of short-lived dicts and tuples (freed by
    reference counting; they form no cycles), which trigger repeated collections that each walk
    the whole long-lived heap of the process (Django, models, templates): about a quarter of the
    request's time. Nothing else changes; the collector is switched back on when the outermost
    pause ends (and runs as usual then), even if the batch fails.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _validate_all(
    readings: Sequence[Any], index: dict[tuple[str, str], _DS], known: set[str], latest_allowed: datetime
) -> tuple[list[_Row], list[tuple[int, tuple[str, str]]]]:
    """`_validate` over a batch, with a fast path for the usual reading that gives the same result.

    The fast path handles a dict whose station/parameter pair is known, whose time string was seen
    (and accepted) before in the batch or parses to an accepted time, whose value is an in-range
    float and whose quality is one of QUALITIES; anything else goes through `_validate` unchanged,
    so the reasons and their order of precedence stay the same. Gateways send many readings of
    several stations at one time stamp: each distinct time string is parsed once per batch.
    """
    valid: list[_Row] = []
    refused: list[tuple[int, tuple[str, str]]] = []
    times: dict[str, tuple[datetime, float] | None] = {}
    # station → parameter → (datastream, lowest, highest possible value)
    streams: dict[str, dict[str, tuple[_DS, float, float]]] = defaultdict(dict)
    for (code, param), known_ds in index.items():
        _unit, lowest, highest = PARAMETER_SPECS[param]
        streams[code][param] = (known_ds, lowest, highest)
    append = valid.append
    for i, raw in enumerate(readings):
        if type(raw) is dict:
            station, parameter, text, value = (
                raw.get("station"),
                raw.get("parameter"),
                raw.get("time"),
                raw.get("value"),
            )
            quality = raw.get("quality", "good")
            if (
                type(station) is str
                and type(parameter) is str
                and type(text) is str
                and type(value) is float
                and type(quality) is str
                and quality in QUALITIES
            ):
                stream = streams[station].get(parameter) if station in streams else None
                if stream is not None:
                    if text in times:
                        parsed = times[text]
                    else:
                        at = _parse_time(text)
                        ok = at is not None and EARLIEST <= at <= latest_allowed
                        parsed = times[text] = (at, at.timestamp()) if ok and at is not None else None
                    if parsed is not None and stream[1] <= value <= stream[2]:
                        append(_Row(stream[0], parsed[0], value, quality, parsed[1]))
                        continue
        checked = _validate(raw, index, known, latest_allowed)
        if isinstance(checked, _Row):
            append(checked)
        else:
            refused.append((i, checked))
    return valid, refused


def _db_time(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _from_db_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    assert parsed is not None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


COPY_FROM_ROWS = 200


def _insert(rows: list[_Row], received_at: datetime) -> list[_Row]:
    """Store rows that are new; return them. Existing (datastream, time) rows are left unchanged."""
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM_ROWS:
        direct = _insert_copy_direct(rows, received_at)
        return direct if direct is not None else _insert_copy(rows, received_at)
    return _insert_values(rows, received_at)


def _insert_copy_direct(rows: list[_Row], received_at: datetime) -> list[_Row] | None:
    """PostgreSQL, the common case of a batch of new readings: COPY straight into the table.

    COPY is all or nothing: if it succeeds every row was new. If any (datastream, time) exists
    already, the unique index stops it, the savepoint is rolled back and the caller takes the
    staging-table path, which skips the duplicates. None means "not stored, use the other path".
    """
    from psycopg import errors as pg_errors

    by_key = {(r.ds.id, r.epoch): r for r in rows}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(
                    "COPY flood_observation (datastream_id, phenomenon_time, value, quality, received_at) "
                    "FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(["int8", "timestamptz", "float8", "varchar", "timestamptz"])
                    for row in by_key.values():
                        copy.write_row((row.ds.id, row.time, row.value, row.quality, received_at))
    except pg_errors.UniqueViolation:
        return None
    return list(by_key.values())


def _insert_copy(rows: list[_Row], received_at: datetime) -> list[_Row]:
    """PostgreSQL: COPY into a temporary staging table, then INSERT … SELECT … ON CONFLICT DO NOTHING."""
    by_key = {(r.ds.id, r.epoch): r for r in rows}
    inserted: list[_Row] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS flood_staging (datastream_id bigint, "
            "phenomenon_time timestamptz, value double precision, quality varchar(16)) ON COMMIT DELETE ROWS"
        )
        cursor.execute("DELETE FROM flood_staging")
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(
            "COPY flood_staging (datastream_id, phenomenon_time, value, quality) FROM STDIN"
        ) as copy:
            for row in by_key.values():
                copy.write_row((row.ds.id, row.time, row.value, row.quality))
        cursor.execute(
            "INSERT INTO flood_observation (datastream_id, phenomenon_time, value, quality, received_at) "
            "SELECT datastream_id, phenomenon_time, value, quality, %s FROM flood_staging "
            "ON CONFLICT (datastream_id, phenomenon_time) DO NOTHING "
            "RETURNING datastream_id, extract(epoch from phenomenon_time)::float8",
            [received_at],
        )
        for ds_id, epoch in cursor.fetchall():
            inserted.append(by_key[(ds_id, epoch)])
        cursor.execute("DELETE FROM flood_staging")
    return inserted


def _insert_values(rows: list[_Row], received_at: datetime) -> list[_Row]:
    """INSERT … VALUES … ON CONFLICT DO NOTHING RETURNING: the rows that were new."""
    by_key = {(r.ds.id, r.epoch): r for r in rows}
    inserted: list[_Row] = []
    recv = _db_time(received_at)
    keys = list(by_key)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), INSERT_CHUNK):
            chunk = keys[start : start + INSERT_CHUNK]
            params: list[Any] = []
            for key in chunk:
                row = by_key[key]
                params += [row.ds.id, _db_time(row.time), row.value, row.quality, recv]
            values = ",".join(["(%s,%s,%s,%s,%s)"] * len(chunk))
            cursor.execute(
                "INSERT INTO flood_observation (datastream_id, phenomenon_time, value, quality, received_at) "  # noqa: S608 - placeholders only
                f"VALUES {values} ON CONFLICT (datastream_id, phenomenon_time) DO NOTHING "
                "RETURNING datastream_id, phenomenon_time",
                params,
            )
            for ds_id, ptime in cursor.fetchall():
                inserted.append(by_key[(ds_id, _from_db_time(ptime).timestamp())])
    return inserted


def _by_datastream(rows: list[_Row]) -> dict[int, list[_Row]]:
    """The rows of each datastream, oldest first (times are unique per datastream after dedup)."""
    by_ds: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_ds[row.ds.id].append(row)
    for ds_rows in by_ds.values():
        ds_rows.sort(key=_EPOCH)
    return by_ds


_EPOCH = operator.attrgetter("epoch")


def _latest_upsert(
    rows: list[_Row], received_at: datetime, by_ds: dict[int, list[_Row]] | None = None
) -> None:
    """Move each datastream's latest value forward (never back: late readings leave it alone).

    Two multi-row upserts: first every datastream's second-newest new reading, then its newest, so
    that `previous_value` (the trend) is right even when one batch brings several readings.
    `by_ds` is `_by_datastream(rows)` when the caller has it already.
    """
    if by_ds is None:
        by_ds = _by_datastream(rows)
    second: list[_Row] = []
    newest: list[_Row] = []
    for ds_rows in by_ds.values():
        newest.append(ds_rows[-1])
        if len(ds_rows) > 1:
            second.append(ds_rows[-2])
    recv = _db_time(received_at)
    with connection.cursor() as cursor:
        for group in (second, newest):
            if not group:
                continue
            values = ",".join(["(%s, %s, %s, NULL, NULL, %s)"] * len(group))
            params: list[Any] = []
            for row in group:
                params += [row.ds.id, _db_time(row.time), row.value, recv]
            cursor.execute(
                "INSERT INTO flood_latest (datastream_id, phenomenon_time, value, previous_value, "  # noqa: S608
                f"previous_time, received_at) VALUES {values} "
                "ON CONFLICT (datastream_id) DO UPDATE SET previous_value = flood_latest.value, "
                "previous_time = flood_latest.phenomenon_time, value = excluded.value, "
                "phenomenon_time = excluded.phenomenon_time, received_at = excluded.received_at "
                "WHERE flood_latest.phenomenon_time < excluded.phenomenon_time",
                params,
            )


def quarantine_add(*, source: str, payload: str, code: str, detail: str = "", topic: str = "") -> Quarantine:
    message = str(REJECT_REASONS.get(code, code))
    if detail:
        message = f"{message} ({detail})"

    def clean(text: str) -> str:  # PostgreSQL text cannot hold NUL characters
        return text.replace("\x00", "\\x00")

    return Quarantine.objects.create(
        source=source[:10],
        topic=clean(topic)[:255],
        payload=clean(payload)[:4000],
        reason_code=code[:40],
        reason=clean(message)[:255],
    )


def readings_ingest(
    *,
    readings: Sequence[Any],
    source: str,
    topic: str = "",
    quarantine: bool = False,
    raw_payloads: Sequence[str] | None = None,
    topics: Sequence[str] | None = None,
    evaluate: bool = True,
) -> IngestResult:
    """Validate and store readings; each is stored once (unique datastream + time); alarms follow.

    A refused reading is reported with its index and reason (and quarantined when `quarantine`);
    it never stops the others. Nothing stored is changed: a second copy of a reading is a duplicate.
    """
    with gc_paused():
        return _readings_ingest(
            readings=readings,
            source=source,
            topic=topic,
            quarantine=quarantine,
            raw_payloads=raw_payloads,
            topics=topics,
            evaluate=evaluate,
        )


def _readings_ingest(
    *,
    readings: Sequence[Any],
    source: str,
    topic: str,
    quarantine: bool,
    raw_payloads: Sequence[str] | None,
    topics: Sequence[str] | None,
    evaluate: bool,
) -> IngestResult:
    now = timezone.now()
    result = IngestResult(received=len(readings))
    codes = {r.get("station") for r in readings if isinstance(r, dict)}
    index, known = _datastream_index(c for c in codes if isinstance(c, str))
    latest_allowed = now + FUTURE_TOLERANCE
    valid, refused = _validate_all(readings, index, known, latest_allowed)
    for i, (code, detail) in refused:
        message = str(REJECT_REASONS[code]) + (f" ({detail})" if detail else "")
        result.rejected.append(Rejection(i, code, message, detail))
    with transaction.atomic():
        for rej in result.rejected if quarantine else []:
            payload = raw_payloads[rej.index] if raw_payloads is not None else repr(readings[rej.index])
            where = topics[rej.index] if topics is not None else topic
            quarantine_add(source=source, payload=payload, code=rej.code, detail=rej.detail, topic=where)
        inserted = _insert(valid, now) if valid else []
        result.stored = len(inserted)
        result.duplicates = len(valid) - len(inserted)
        if inserted:
            by_ds = _by_datastream(inserted)
            _latest_upsert(inserted, now, by_ds)
            if evaluate:
                result.alerts = _evaluate(inserted, by_ds)
    return result


CSV_MAX_BYTES = 20 * 1024 * 1024
CSV_MAX_ROWS = 500_000
CSV_COLUMNS = ("station", "parameter", "time", "value")


def readings_csv_import(*, actor: Any, data: bytes) -> IngestResult:
    """Back-fill history from CSV (columns station, parameter, time, value[, quality]).

    Rows are validated one by one (a bad row is reported with its line number and skipped); the good
    ones are stored with COPY on PostgreSQL (staging table + INSERT … ON CONFLICT DO NOTHING), a
    multi-row INSERT elsewhere. History does not raise alarms: the alarm state only moves forward.
    """
    import csv

    if actor is not None:
        require_role(actor, *OPERATOR_ROLES)
    if len(data) > CSV_MAX_BYTES:
        from kotapintar.flood.errors import UploadTooLarge

        raise UploadTooLarge(detail={"max_bytes": CSV_MAX_BYTES})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("The file is not UTF-8 text."), code="bad_csv") from exc
    if "\x00" in text:
        raise ValidationFailed(_("The file is not UTF-8 text."), code="bad_csv")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not set(CSV_COLUMNS) <= set(header):
            raise ValidationFailed(
                _("The CSV needs the columns station, parameter, time and value."),
                code="bad_csv_header",
                detail={"columns": header[:20]},
            )
        reader.fieldnames = header
        rows: list[dict[str, Any]] = []
        for row in reader:
            if len(rows) >= CSV_MAX_ROWS:
                raise ValidationFailed(_("The CSV has too many rows."), code="too_many_rows")
            rows.append({k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k})
    except csv.Error as exc:
        raise ValidationFailed(_("The CSV could not be read."), code="bad_csv", detail=str(exc)) from exc
    for row in rows:
        if row.get("quality") in ("", None):
            row.pop("quality", None)
    result = readings_ingest(readings=rows, source="csv", evaluate=False)
    for rej in result.rejected:
        rej.index += 2  # the line number in the file (header is line 1)
    with transaction.atomic():
        audit.record(
            action="flood.readings_csv_import",
            actor=actor,
            object_type="flood.observation",
            data={"rows": len(rows), "stored": result.stored, "rejected": len(result.rejected)},
        )
    return result


# --- Alarms ---------------------------------------------------------------------------------------

SEVERITY_BY_LEVEL = {0: "Minor", 1: "Moderate", 2: "Severe", 3: "Extreme"}

#: BMKG rain categories (flood.md §4): hourly intensity bands (mm/h) judge the 1, 3 and 6 h windows
#: by their mean intensity; daily bands (mm/day) judge the 24 h sum. Sedang → Waspada,
#: Lebat → Siaga, Sangat lebat / Ekstrem → Awas.
RAIN_HOURLY_LIMITS = (5.0, 10.0, 20.0)
RAIN_DAILY_LIMITS = (20.0, 50.0, 100.0)
RAIN_WINDOWS_H = (1, 3, 6, 24)
RAIN_OFF_DELAY = timedelta(hours=1)


def rain_category(mm: float, hours: int) -> str:
    """The BMKG category name for a rain sum over a window."""
    if hours >= 24:
        bands = [
            (150.0, "ekstrem"),
            (100.0, "sangat_lebat"),
            (50.0, "lebat"),
            (20.0, "sedang"),
            (0.5, "ringan"),
        ]
        for limit, name in bands:
            if mm > limit or (name != "ekstrem" and mm >= limit):
                return name
        return "none"
    rate = mm / hours
    for limit, name in [(20.0, "sangat_lebat"), (10.0, "lebat"), (5.0, "sedang"), (1.0, "ringan")]:
        if rate > limit or (name != "sangat_lebat" and rate >= limit):
            return name
    return "none"


def rain_level(sums: dict[int, float]) -> int:
    level = 0
    for hours, mm in sums.items():
        limits = RAIN_DAILY_LIMITS if hours >= 24 else RAIN_HOURLY_LIMITS
        value = mm if hours >= 24 else mm / hours
        level = max(level, hysteresis.raw_level(value, limits))
    return level


def _state_lock(station_id: int, kind: str, parameter: str) -> AlertState:
    AlertState.objects.get_or_create(station_id=station_id, kind=kind, parameter=parameter)
    return AlertState.objects.select_for_update().get(station_id=station_id, kind=kind, parameter=parameter)


def _hstate(state: AlertState) -> hysteresis.State:
    return hysteresis.State(
        level=state.level,
        below_since=state.below_since,
        pending_level=state.pending_level,
        last_time=state.last_time,
    )


def _threshold_versions(station_id: int, parameter: str) -> list[ThresholdSet]:
    return list(
        ThresholdSet.objects.filter(station_id=station_id, parameter=parameter).order_by("valid_from")
    )


def _threshold_at(versions: list[ThresholdSet], at: datetime) -> ThresholdSet | None:
    current = None
    for ts in versions:
        if ts.valid_from <= at:
            current = ts
    return current


def _level_name(level: int, ts: ThresholdSet | None) -> str:
    return ts.level_name(level) if ts is not None else str(LEVEL_NAMES.get(level, level))


def _states_lock(keys: Sequence[tuple[int, str, str]]) -> dict[tuple[int, str, str], AlertState]:
    """Lock (creating if absent) the alarm states of several station alarms at once, in pk order."""
    if not keys:
        return {}
    wanted = set(keys)
    station_ids = sorted({k[0] for k in wanted})
    kinds = sorted({k[1] for k in wanted})

    def fetch() -> dict[tuple[int, str, str], AlertState]:
        rows = (
            AlertState.objects.select_for_update()
            .filter(station_id__in=station_ids, kind__in=kinds)
            .order_by("pk")
        )
        return {(st.station_id, st.kind, st.parameter): st for st in rows}

    found = fetch()
    missing = wanted - set(found)
    if missing:
        AlertState.objects.bulk_create(
            [AlertState(station_id=sid, kind=kind, parameter=param) for sid, kind, param in sorted(missing)],
            ignore_conflicts=True,
        )
        found = fetch()
    return {k: v for k, v in found.items() if k in wanted}


def _states_save(states: list[AlertState]) -> None:
    """Write back the hysteresis state of many alarms in one statement (PostgreSQL) or a few (SQLite)."""

    def t(value: datetime | None) -> Any:
        return _db_time(value) if value is not None else None

    rows = [
        (st.pk, st.level, t(st.below_since), st.pending_level, t(st.last_time), t(st.changed_at))
        for st in states
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            row_sql = (
                "(%s::bigint, %s::smallint, %s::timestamptz, %s::smallint, %s::timestamptz, %s::timestamptz)"
            )
            values = ",".join([row_sql] * len(rows))
            cursor.execute(
                "UPDATE flood_alertstate AS s SET level = v.level, below_since = v.below_since, "  # noqa: S608
                "pending_level = v.pending_level, last_time = v.last_time, changed_at = v.changed_at "
                f"FROM (VALUES {values}) AS v(id, level, below_since, pending_level, last_time, changed_at) "
                "WHERE s.id = v.id",
                [x for row in rows for x in row],
            )
        else:
            cursor.executemany(
                "UPDATE flood_alertstate SET level = %s, below_since = %s, pending_level = %s, "
                "last_time = %s, changed_at = %s WHERE id = %s",
                [(lv, bs, pl, lt, ca, pk) for pk, lv, bs, pl, lt, ca in rows],
            )


def _evaluate(rows: list[_Row], by_ds: dict[int, list[_Row]] | None = None) -> list[Alert]:
    """Evaluate the alarms of new readings; a constant number of queries per batch when nothing changes.

    `by_ds` is `_by_datastream(rows)` when the caller has it already.
    """
    if by_ds is None:
        by_ds = _by_datastream(rows)
    streams = {ds_rows[0].ds.id: ds_rows[0].ds for ds_rows in by_ds.values()}
    level_ds = [ds for ds in streams.values() if ds.parameter in LEVEL_PARAMETERS]
    versions: dict[tuple[int, str], list[ThresholdSet]] = defaultdict(list)
    if level_ds:
        for ts in ThresholdSet.objects.filter(
            station_id__in={ds.station_id for ds in level_ds}, parameter__in={ds.parameter for ds in level_ds}
        ).order_by("valid_from"):
            versions[(ts.station_id, ts.parameter)].append(ts)
    keys = [
        (ds.station_id, str(AlertKind.LEVEL), ds.parameter)
        for ds in level_ds
        if versions[(ds.station_id, ds.parameter)]
    ]
    keys += [
        (ds.station_id, str(AlertKind.RAIN), ds.parameter)
        for ds in streams.values()
        if ds.parameter == Parameter.RAINFALL
    ]
    states = _states_lock(keys)
    alerts: list[Alert] = []
    dirty: list[AlertState] = []
    for ds_id, ds in streams.items():
        if ds.parameter in LEVEL_PARAMETERS:
            state = states.get((ds.station_id, str(AlertKind.LEVEL), ds.parameter))
            if state is not None:
                alerts += _evaluate_level(ds, by_ds[ds_id], state, versions[(ds.station_id, ds.parameter)])
                dirty.append(state)
        elif ds.parameter == Parameter.RAINFALL:
            state = states.get((ds.station_id, str(AlertKind.RAIN), ds.parameter))
            if state is not None:
                alerts += _evaluate_rain(ds, by_ds[ds_id], state)
                dirty.append(state)
    if dirty:
        _states_save(dirty)
    silent = set(
        AlertState.objects.filter(
            kind=AlertKind.SILENT, level__gt=0, station_id__in={ds.station_id for ds in streams.values()}
        ).values_list("station_id", "parameter")
    )
    for ds_id, ds in streams.items():
        if (ds.station_id, ds.parameter) in silent:
            alerts += _silent_clear(ds, by_ds[ds_id][-1])
    return alerts


def _apply(state: AlertState, new: hysteresis.State, changed: bool, now: datetime) -> None:
    state.level = new.level
    state.below_since = new.below_since
    state.pending_level = new.pending_level
    state.last_time = new.last_time
    if changed:
        state.changed_at = now


def _evaluate_level(
    ds: _DS, rows: list[_Row], state: AlertState, versions: list[ThresholdSet]
) -> list[Alert]:
    current = _hstate(state)
    alerts: list[Alert] = []
    changed_any = False
    limits_of: dict[int, hysteresis.Limits] = {}
    # Fast path, same result as step(): while the level is steady and a reading stays inside the
    # band that neither escalates nor starts the countdown, only `last_time` moves (kept in `last`
    # and written into `current` before the next real step and at the end).
    band: tuple[float, float] | None = None
    band_of: ThresholdSet | None = None
    deadband = 0.0
    last = current.last_time
    # The version in force walks forward with the (time-ordered) rows: same as _threshold_at().
    ts: ThresholdSet | None = None
    upcoming = iter(versions)
    following = next(upcoming, None)
    for row in rows:
        while following is not None and following.valid_from <= row.time:
            ts, following = following, next(upcoming, None)
        if ts is None:
            continue
        limits = limits_of.get(id(ts))  # the versions live as long as this call: id() is stable
        if limits is None:
            limits = limits_of[id(ts)] = hysteresis.Limits(
                (ts.waspada, ts.siaga, ts.awas),
                deadband=ts.deadband,
                off_delay=timedelta(seconds=ts.off_delay_s),
            )
        if band_of is not ts:
            if last is not current.last_time:
                current = hysteresis.State(level=current.level, last_time=last)
            band, band_of, deadband = hysteresis.steady_band(current, limits), ts, limits.deadband
        if (
            band is not None
            and (last is None or row.time > last)
            and row.value < band[1]
            and row.value + deadband >= band[0]
        ):
            last = row.time
            continue
        if last is not current.last_time:
            current = hysteresis.State(level=current.level, last_time=last)
        previous = current.level
        current, changed = hysteresis.step(current, row.value, row.time, limits)
        last = current.last_time
        band = hysteresis.steady_band(current, limits)
        if changed:
            changed_any = True
            alerts.append(
                _alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.LEVEL,
                    parameter=ds.parameter,
                    level=current.level,
                    previous=previous,
                    value=row.value,
                    at=row.time,
                    level_name=_level_name(current.level, ts),
                    detail={"limits": [ts.waspada, ts.siaga, ts.awas], "threshold_set": ts.pk},
                )
            )
    if last is not current.last_time:
        current = hysteresis.State(level=current.level, last_time=last)
    _apply(state, current, changed_any, timezone.now())
    return alerts


def _evaluate_rain(ds: _DS, rows: list[_Row], state: AlertState) -> list[Alert]:
    from kotapintar.flood.models import Observation

    start = rows[0].time - timedelta(hours=24)
    series = list(
        Observation.objects.filter(
            datastream_id=ds.id, phenomenon_time__gt=start, phenomenon_time__lte=rows[-1].time
        ).values_list("phenomenon_time", "value")
    )
    current = _hstate(state)
    limits = hysteresis.Limits((1.0, 2.0, 3.0), deadband=0.0, off_delay=RAIN_OFF_DELAY)
    alerts: list[Alert] = []
    changed_any = False
    for row in rows:
        sums = {
            h: round(sum(v for t, v in series if row.time - timedelta(hours=h) < t <= row.time), 2)
            for h in RAIN_WINDOWS_H
        }
        raw = rain_level(sums)
        previous = current.level
        current, changed = hysteresis.step(current, float(raw), row.time, limits)
        if changed:
            changed_any = True
            categories = {str(h): rain_category(mm, h) for h, mm in sums.items()}
            alerts.append(
                _alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.RAIN,
                    parameter=ds.parameter,
                    level=current.level,
                    previous=previous,
                    value=sums[1],
                    at=row.time,
                    level_name=str(LEVEL_NAMES[current.level]),
                    detail={"sums_mm": {str(h): mm for h, mm in sums.items()}, "categories": categories},
                )
            )
    _apply(state, current, changed_any, timezone.now())
    return alerts


def _silent_clear(ds: _DS, newest: _Row) -> list[Alert]:
    state = _state_lock(ds.station_id, AlertKind.SILENT, ds.parameter)
    if state.level == 0:
        return []
    previous = state.level
    state.level = 0
    state.changed_at = timezone.now()
    state.last_time = newest.time
    state.save(update_fields=["level", "changed_at", "last_time"])
    return [
        _alert_record(
            station_id=ds.station_id,
            kind=AlertKind.SILENT,
            parameter=ds.parameter,
            level=0,
            previous=previous,
            value=newest.value,
            at=newest.time,
            level_name=str(LEVEL_NAMES[0]),
            detail={},
        )
    ]


def alert_message(
    *,
    station: Station,
    kind: str,
    parameter: str,
    level: int,
    previous: int,
    level_name: str,
    value: float | None,
    sums: dict[str, float] | None = None,
) -> str:
    where = station.name + (f" ({station.kelurahan.name})" if station.kelurahan else "")
    if kind == AlertKind.SILENT:
        if level > 0:
            return gettext("Sensor silent: %(station)s sends no %(parameter)s data.") % {
                "station": where,
                "parameter": str(Parameter(parameter).label) if parameter in Parameter.values else parameter,
            }
        return gettext("Sensor back: %(station)s sends data again.") % {"station": where}
    what = str(Parameter(parameter).label) if parameter in Parameter.values else parameter
    unit = PARAMETER_SPECS.get(parameter, ("",))[0]
    shown = f"{value:.0f} {unit}" if value is not None else ""
    if kind == AlertKind.RAIN and sums:
        shown = gettext("%(h1)s mm in 1 h, %(h24)s mm in 24 h") % {
            "h1": sums.get("1", 0),
            "h24": sums.get("24", 0),
        }
    if level > previous:
        return gettext("%(level)s at %(station)s: %(what)s %(value)s.") % {
            "level": level_name,
            "station": where,
            "what": what.lower(),
            "value": shown,
        }
    return gettext("Down to %(level)s at %(station)s: %(what)s %(value)s.") % {
        "level": level_name,
        "station": where,
        "what": what.lower(),
        "value": shown,
    }


def _alert_record(
    *,
    station_id: int,
    kind: str,
    parameter: str,
    level: int,
    previous: int,
    value: float | None,
    at: datetime,
    level_name: str,
    detail: dict[str, Any],
    reissue_of: Alert | None = None,
) -> Alert:
    now = timezone.now()
    station = Station.objects.select_related("kelurahan").get(pk=station_id)
    Alert.objects.filter(
        station_id=station_id, kind=kind, parameter=parameter, superseded_at__isnull=True
    ).update(superseded_at=now)
    message = (detail.get("message") if kind == AlertKind.ROB else None) or alert_message(
        station=station,
        kind=kind,
        parameter=parameter,
        level=level,
        previous=previous,
        level_name=level_name,
        value=value,
        sums=detail.get("sums_mm"),
    )
    alert = Alert.objects.create(
        station_id=station_id,
        kind=kind,
        parameter=parameter,
        level=level,
        previous_level=previous,
        level_name=level_name[:40],
        value=value,
        phenomenon_time=at,
        created_at=now,
        expires_at=now + (ALERT_TTL if level > 0 else timedelta(hours=1)),
        message=message,
        detail=detail,
        reissue_of=reissue_of,
    )
    audit.record(
        action="flood.alert_raise" if level > previous else "flood.alert_lower",
        actor=None,
        obj=alert,
        data={"station": station.code, "kind": kind, "parameter": parameter, "from": previous, "to": level},
    )
    _deliveries_plan(alert, station)
    return alert


def _deliveries_plan(alert: Alert, station: Station) -> None:
    top = max(alert.level, alert.previous_level)
    if alert.reissue_of_id is None:
        notify(
            recipients=users_with_role(Role.OPERATOR_BPBD),
            message=alert.message,
            url=f"/banjir/stasiun/{station.code}/",
            kind="flood.alert",
        )
    ids = []
    for channel in Channel.objects.filter(active=True, min_level__lte=top):
        ids.append(Delivery.objects.create(alert=alert, channel=channel).pk)
    if ids:
        from kotapintar.flood import tasks

        for pk in ids:
            transaction.on_commit(functools.partial(tasks.delivery_send.enqueue, pk))


def check_alert_ack(*, actor: Any, alert: Alert) -> Alert:
    require_role(actor, *OPERATOR_ROLES)
    locked = Alert.objects.select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        raise NotFound()
    if locked.acknowledged_at is not None:
        raise Conflict(_("This alert has been acknowledged already."), code="already_acknowledged")
    return locked


def alert_acknowledge(*, actor: Any, alert: Alert) -> Alert:
    with transaction.atomic():
        locked = check_alert_ack(actor=actor, alert=alert)
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(action="flood.alert_acknowledge", actor=actor, obj=locked, data={"level": locked.level})
    return locked


def silent_check(*, now: datetime | None = None) -> list[Alert]:
    """Raise "sensor silent" for every datastream without data for k × its expected interval."""
    now = now or timezone.now()
    alerts: list[Alert] = []
    streams = Datastream.objects.select_related("station", "latest").filter(
        station__status=StationStatus.ACTIVE
    )
    for ds in streams:
        latest = getattr(ds, "latest", None)
        last = latest.phenomenon_time if latest is not None else ds.station.created_at
        silent = now - last > timedelta(seconds=ds.expected_interval_s * ds.silent_after_intervals)
        if not silent:
            continue
        with transaction.atomic():
            state = _state_lock(ds.station_id, AlertKind.SILENT, ds.parameter)
            if state.level > 0:
                continue
            state.level = 1
            state.changed_at = now
            state.save(update_fields=["level", "changed_at"])
            alerts.append(
                _alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.SILENT,
                    parameter=ds.parameter,
                    level=1,
                    previous=0,
                    value=None,
                    at=last,
                    level_name=gettext("No data"),
                    detail={"last_data": last.isoformat(), "expected_interval_s": ds.expected_interval_s},
                )
            )
    return alerts


def alerts_reissue(*, now: datetime | None = None) -> list[Alert]:
    """Re-issue active alerts that expire within the hour, so a published alert never goes stale."""
    now = now or timezone.now()
    out = []
    due = Alert.objects.filter(
        superseded_at__isnull=True, level__gt=0, expires_at__lte=now + timedelta(hours=1)
    )
    for old in due:
        with transaction.atomic():
            locked = Alert.objects.select_for_update().filter(pk=old.pk, superseded_at__isnull=True).first()
            if locked is None:
                continue
            locked.superseded_at = now
            locked.save(update_fields=["superseded_at"])
            new = Alert.objects.create(
                station_id=locked.station_id,
                kind=locked.kind,
                parameter=locked.parameter,
                level=locked.level,
                previous_level=locked.previous_level,
                level_name=locked.level_name,
                value=locked.value,
                phenomenon_time=locked.phenomenon_time,
                created_at=now,
                expires_at=now + ALERT_TTL,
                message=locked.message,
                detail=locked.detail,
                reissue_of=locked,
                acknowledged_at=locked.acknowledged_at,
                acknowledged_by=locked.acknowledged_by,
            )
            out.append(new)
    return out


# --- Notification channels and deliveries ---------------------------------------------------------


def channel_create(
    *, actor: Any, name: str, kind: str, target: str, secret: str = "", base_url: str = "", min_level: int = 1
) -> Channel:
    if actor is not None:
        require_role(actor, *OPERATOR_ROLES)
    if kind not in ChannelKind.values:
        raise ValidationFailed(_("Unknown channel kind."), code="bad_channel")
    if kind == ChannelKind.WEBHOOK and not target.startswith(("http://", "https://")):
        raise ValidationFailed(_("A webhook needs an http(s) URL."), code="bad_channel")
    if not 0 <= min_level <= 3:
        raise ValidationFailed(_("The minimum level is 0 to 3."), code="bad_channel")
    with transaction.atomic():
        channel = Channel.objects.create(
            name=name, kind=kind, target=target, secret=secret, base_url=base_url, min_level=min_level
        )
        audit.record(
            action="flood.channel_create", actor=actor, obj=channel, data={"kind": kind, "name": name}
        )
    return channel


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send one delivery through its channel; on failure schedule a retry with back-off."""
    from kotapintar.flood import transports

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("alert__station", "channel")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    try:
        transports.send(delivery.channel, delivery.alert)
    except Exception as exc:  # noqa: BLE001 - any transport failure is logged and retried
        error = f"{type(exc).__name__}: {exc}"[:500]
        now = timezone.now()
        if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=error)
        else:
            delay = timedelta(seconds=30 * 2 ** (delivery.attempts - 1))
            Delivery.objects.filter(pk=delivery.pk).update(last_error=error, next_attempt_at=now + delay)
            from kotapintar.flood import tasks

            tasks.delivery_retry_later(delivery.pk, now + delay)
        delivery.refresh_from_db()
        return delivery
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    delivery.refresh_from_db()
    return delivery


def deliveries_retry_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        delivery_attempt(delivery_id=pk)
    return len(due)


# --- Heartbeat ------------------------------------------------------------------------------------


def heartbeat(*, name: str, info: dict[str, Any]) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now(), "info": info})


# --- Rob forecast ---------------------------------------------------------------------------------


def rob_predicted_cm(station: Station, times: Sequence[datetime]) -> list[float]:
    """Predicted sea level on the station's gauge (cm): harmonic tide plus subsidence since the fit."""
    from kotapintar.lib import tide

    if not station.tide_constituents:
        return []
    model = tide.TideModel.from_json(station.tide_constituents)
    heights = tide.predict(model, list(times))
    epoch = station.tide_epoch or station.created_at.date()
    out = []
    for t, h in zip(times, heights, strict=True):
        years = (t.date() - epoch).days / 365.25
        out.append(float(h) * 100.0 + station.subsidence_cm_per_year * max(0.0, years))
    return out


def rob_forecast_refresh(
    *, station: Station, start: datetime | None = None, days: int = 3
) -> list[RobForecast]:
    """Replace the station's future rob windows: where tide + subsidence reaches Waspada or more."""
    from kotapintar.flood import selectors

    start = (start or timezone.now()).replace(second=0, microsecond=0)
    step = timedelta(minutes=10)
    times = [start + i * step for i in range(int(days * 86400 / step.total_seconds()) + 1)]
    heights = rob_predicted_cm(station, times)
    versions = _threshold_versions(station.pk, Parameter.TIDE_LEVEL)
    windows: list[tuple[int, datetime, datetime, datetime, float, ThresholdSet]] = []
    run: list[Any] | None = None
    for t, h in zip(times, heights, strict=False):
        ts = _threshold_at(versions, t)
        level = hysteresis.raw_level(h, (ts.waspada, ts.siaga, ts.awas)) if ts else 0
        if run is not None and (level != run[0]):
            windows.append((run[0], run[1], run[2], run[3], run[4], run[5]))
            run = None
        if level > 0:
            if run is None:
                run = [level, t, t, t, h, ts]
            run[2] = t
            if h > run[4]:
                run[3], run[4] = t, h
    if run is not None:
        windows.append((run[0], run[1], run[2], run[3], run[4], run[5]))
    # Merge adjacent windows into one event per crossing of Waspada, carrying its highest level.
    events: list[dict[str, Any]] = []
    for level, w_start, w_end, peak_at, peak, ts in windows:
        if events and w_start - events[-1]["end"] <= step:
            ev = events[-1]
            ev["end"] = w_end
            if level > ev["level"]:
                ev.update(level=level, level_start=w_start, level_end=w_end, ts=ts)
            elif level == ev["level"]:
                ev["level_end"] = w_end
            if peak > ev["peak"]:
                ev.update(peak=peak, peak_at=peak_at)
        else:
            events.append(
                {
                    "level": level,
                    "start": w_start,
                    "end": w_end,
                    "level_start": w_start,
                    "level_end": w_end,
                    "peak": peak,
                    "peak_at": peak_at,
                    "ts": ts,
                }
            )
    names = selectors.kelurahan_names(
        station.warns_kelurahan or ([station.kelurahan.code] if station.kelurahan else [])
    )
    now = timezone.now()
    with transaction.atomic():
        RobForecast.objects.filter(station=station, ends_at__gte=start).delete()
        out = []
        for ev in events:
            level_name = _level_name(ev["level"], ev["ts"])
            out.append(
                RobForecast.objects.create(
                    station=station,
                    level=ev["level"],
                    level_name=level_name,
                    starts_at=ev["level_start"],
                    ends_at=ev["level_end"] + step,
                    peak_at=ev["peak_at"],
                    peak_cm=round(ev["peak"], 1),
                    kelurahan_names=names,
                    message=rob_message(level_name, ev["level_start"], ev["level_end"] + step, names),
                    computed_at=now,
                )
            )
        _rob_alarm(station, out, start, now)
    return out


#: A rob window starting within this horizon raises the station's rob alarm (the early warning).
ROB_WARNING_HORIZON = timedelta(hours=24)


def _rob_alarm(station: Station, windows: list[RobForecast], start: datetime, now: datetime) -> None:
    """Warn ahead of time: the highest level forecast within the horizon is the rob alarm's level."""
    upcoming = [w for w in windows if w.starts_at <= start + ROB_WARNING_HORIZON]
    top = max(upcoming, key=lambda w: (w.level, -w.starts_at.timestamp()), default=None)
    level = top.level if top is not None else 0
    state = _state_lock(station.pk, AlertKind.ROB, Parameter.TIDE_LEVEL)
    if state.level == level:
        return
    previous = state.level
    state.level = level
    state.changed_at = now
    state.save(update_fields=["level", "changed_at"])
    _alert_record(
        station_id=station.pk,
        kind=AlertKind.ROB,
        parameter=Parameter.TIDE_LEVEL,
        level=level,
        previous=previous,
        value=top.peak_cm if top is not None else None,
        at=top.peak_at if top is not None else now,
        level_name=top.level_name if top is not None else str(LEVEL_NAMES[0]),
        detail={
            "message": top.message,
            "starts_at": top.starts_at.isoformat(),
            "ends_at": top.ends_at.isoformat(),
        }
        if top is not None
        else {},
    )


DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def rob_message(level_name: str, start: datetime, end: datetime, kelurahan: Sequence[str]) -> str:
    local_start = timezone.localtime(start)
    local_end = timezone.localtime(end)
    days = [
        gettext("Monday"),
        gettext("Tuesday"),
        gettext("Wednesday"),
        gettext("Thursday"),
        gettext("Friday"),
        gettext("Saturday"),
        gettext("Sunday"),
    ]
    where = ", ".join(kelurahan[:4]) + ("…" if len(kelurahan) > 4 else "")
    return gettext("rob %(level)s expected %(day)s %(start)s–%(end)s in %(where)s") % {
        "level": level_name,
        "day": days[local_start.weekday()],
        "start": local_start.strftime("%H.%M"),
        "end": local_end.strftime("%H.%M"),
        "where": where or "-",
    }


# --- Citizen reports ------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG", "PNG", "WEBP"}
REPORT_RATE = (5, 3600)  # reports per IP per hour


def photo_clean(data: bytes) -> bytes:
    """Check a photo's type and size; return a JPEG re-encoded without EXIF (location, camera)."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationFailed(_("The photo is larger than 5 MB."), code="photo_too_large")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in PHOTO_TYPES:
                raise ValidationFailed(_("The photo must be a JPEG, PNG or WebP image."), code="photo_type")
            if img.width * img.height > 40_000_000:
                raise ValidationFailed(_("The photo is too large."), code="photo_too_large")
            img.load()
            from PIL import ImageOps

            clean = ImageOps.exif_transpose(img).convert("RGB")
            clean.thumbnail((2048, 2048))
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=85)  # no exif= argument: no metadata is written
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationFailed(_("The photo could not be read as an image."), code="photo_type") from exc
    return out.getvalue()


def citizen_report_create(
    *,
    lon: float,
    lat: float,
    depth_cm: int,
    text: str = "",
    photo: bytes | None = None,
    client_key: str,
    source: str = "web",
) -> CitizenReport:
    from django.core.files.base import ContentFile

    from kotapintar.core import ratelimit

    if not 0 <= depth_cm <= 500:
        raise ValidationFailed(_("The water depth must be between 0 and 500 cm."), code="bad_depth")
    if len(text) > 500:
        raise ValidationFailed(_("The description is too long."), code="text_too_long")
    kel = _check_point(lon, lat)
    limit, window = getattr(settings, "FLOOD_REPORT_RATE", REPORT_RATE)
    ratelimit.check(f"flood-report:{client_key}", limit=limit, window_s=window)
    clean = photo_clean(photo) if photo else None
    with transaction.atomic():
        report = CitizenReport(
            created_at=timezone.now(),
            lon=lon,
            lat=lat,
            kelurahan=kel,
            depth_cm=depth_cm,
            text=text.strip(),
            source=source,
        )
        if clean is not None:
            report.photo.save(f"{report.public_id}.jpg", ContentFile(clean), save=False)
        report.save()
        audit.record(
            action="flood.report_create",
            obj=report,
            data={"depth_cm": depth_cm, "kelurahan": kel.code if kel else None, "photo": clean is not None},
        )
        notify(
            recipients=users_with_role(Role.OPERATOR_BPBD),
            message=gettext("New citizen report: %(depth)s cm in %(where)s.")
            % {"depth": depth_cm, "where": kel.name if kel else "-"},
            url="/banjir/laporan/",
            kind="flood.report",
        )
    return report


def citizen_report_review(
    *, actor: Any, report: CitizenReport, verified: bool, note: str = ""
) -> CitizenReport:
    require_role(actor, *OPERATOR_ROLES)
    with transaction.atomic():
        locked = CitizenReport.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status != ReportStatus.PENDING:
            raise Conflict(_("This report has been reviewed already."), code="already_reviewed")
        locked.status = ReportStatus.VERIFIED if verified else ReportStatus.REJECTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_note = note[:255]
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note"])
        audit.record(
            action="flood.report_review",
            actor=actor,
            obj=locked,
            data={"status": locked.status, "note": note},
        )
    return locked


# --- Pumps, shelters, maintenance -----------------------------------------------------------------


def pump_state_set(
    *, actor: Any, station: Station, state: str, note: str = "", at: datetime | None = None
) -> PumpEvent:
    require_role(actor, *OPERATOR_ROLES)
    if state not in PumpEvent.State.values:
        raise ValidationFailed(_("The pump state must be on, off or fault."), code="bad_state")
    at = at or timezone.now()
    with transaction.atomic():
        locked = Station.objects.select_for_update().filter(pk=station.pk, kind=StationKind.PUMP).first()
        if locked is None:
            raise NotFound()
        if locked.pump_state_at is not None and at < locked.pump_state_at:
            raise Conflict(_("A newer pump state is recorded already."), code="stale_state")
        if locked.pump_state == PumpEvent.State.ON and locked.pump_state_at is not None:
            locked.pump_running_seconds += int((at - locked.pump_state_at).total_seconds())
        locked.pump_state = state
        locked.pump_state_at = at
        locked.save(update_fields=["pump_state", "pump_state_at", "pump_running_seconds"])
        event = PumpEvent.objects.create(station=locked, state=state, at=at, operator=actor, note=note[:255])
        audit.record(
            action="flood.pump_state_set", actor=actor, obj=locked, data={"state": state, "note": note}
        )
    return event


def shelter_update(
    *, actor: Any, shelter: Shelter, occupancy: int | None = None, status: str | None = None
) -> Shelter:
    require_role(actor, *OPERATOR_ROLES)
    with transaction.atomic():
        locked = Shelter.objects.select_for_update().filter(pk=shelter.pk).first()
        if locked is None:
            raise NotFound()
        if occupancy is not None:
            if occupancy < 0 or occupancy > locked.capacity * 2:
                raise ValidationFailed(
                    _("The occupancy is not plausible for this shelter."), code="bad_occupancy"
                )
            locked.occupancy = occupancy
        if status is not None:
            if status not in Shelter.Status.values:
                raise ValidationFailed(_("Unknown shelter status."), code="bad_status")
            locked.status = status
        locked.updated_at = timezone.now()
        locked.updated_by = actor
        locked.save(update_fields=["occupancy", "status", "updated_at", "updated_by"])
        audit.record(
            action="flood.shelter_update",
            actor=actor,
            obj=locked,
            data={"occupancy": locked.occupancy, "status": locked.status},
        )
    return locked


def maintenance_log_add(
    *,
    actor: Any,
    station: Station,
    action: str,
    notes: str = "",
    next_due: date | None = None,
    status_after: str = "",
    performed_at: datetime | None = None,
) -> MaintenanceLog:
    require_role(actor, *OPERATOR_ROLES)
    if not action.strip():
        raise ValidationFailed(_("Describe the work done."), code="bad_action")
    if status_after and status_after not in StationStatus.values:
        raise ValidationFailed(_("Unknown station status."), code="bad_status")
    with transaction.atomic():
        locked = Station.objects.select_for_update().filter(pk=station.pk).first()
        if locked is None:
            raise NotFound()
        entry = MaintenanceLog.objects.create(
            station=locked,
            performed_at=performed_at or timezone.now(),
            performed_by=actor,
            action=action.strip()[:255],
            notes=notes,
            next_due=next_due,
            status_after=status_after,
        )
        if status_after:
            locked.status = status_after
            locked.save(update_fields=["status"])
        audit.record(
            action="flood.maintenance_add",
            actor=actor,
            obj=locked,
            data={"action": action, "status": status_after},
        )
    return entry
