"""Ingestion: the one path every reading takes (HTTP batch, MQTT, CSV back-fill, the simulator).

Validate, store once (INSERT … ON CONFLICT DO NOTHING on the unique datastream and phenomenon time;
COPY on PostgreSQL, into the month's partition, created if missing: `services.history`), count the
new readings into the hourly and daily rollups, move the latest-value table forward, then evaluate
the alarms of the readings that were new (`services.alarms`). A refused reading is reported with its
reason (`REJECT_REASONS`) and, from MQTT, quarantined.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from psycopg import errors as pg_errors

from kotapintar.core import audit
from kotapintar.core.heartbeats import heartbeat_beat
from kotapintar.core.models import Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.flood.errors import REJECT_REASONS, BadCsv, BadCsvHeader, TooManyRows, UploadTooLarge
from kotapintar.flood.models import PARAMETER_SPECS, Alert, Quarantine, Station
from kotapintar.flood.readings import Row, Stream, by_datastream, db_time, from_db_time
from kotapintar.flood.services.alarms import alarms_evaluate
from kotapintar.flood.services.history import (
    partition_missing,
    partitions_ensure,
    partitions_forget,
    rollups_add,
)
from kotapintar.flood.services.stations import EARLIEST

#: Readings further in the future than this are refused (clock skew allowance).
FUTURE_TOLERANCE = timedelta(minutes=10)
QUALITIES = ("good", "suspect", "estimated")
MAX_BATCH = 5000
INSERT_CHUNK = 500


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


def _datastream_index(station_codes: Iterable[str]) -> tuple[dict[tuple[str, str], Stream], set[str]]:
    codes = {code for code in station_codes if "\x00" not in code}
    # One query: every station asked for, with its datastreams (none: a row of NULLs, still known).
    rows = Station.objects.filter(code__in=codes).values_list(
        "id", "code", "datastreams__id", "datastreams__parameter"
    )
    index: dict[tuple[str, str], Stream] = {}
    known: set[str] = set()
    for sid, code, pk, param in rows:
        known.add(code)
        if pk is not None:
            index[(code, param)] = Stream(pk, sid, param)
    return index, known


def _validate(
    raw: Any, index: dict[tuple[str, str], Stream], known: set[str], latest_allowed: datetime
) -> Row | tuple[str, str]:
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
    return Row(ds, at, value, str(quality), at.timestamp())


def readings_check(rows: list[Any], *, latest_allowed: datetime) -> list[Row | tuple[str, str]]:
    """Each reading checked as ingestion checks it (a `Row`, or the reason code and detail), without
    storing anything (the replay's reading of a CSV)."""
    index, known = _datastream_index(
        str(r.get("station")) for r in rows if isinstance(r, dict) and isinstance(r.get("station"), str)
    )
    return [_validate(r, index, known, latest_allowed) for r in rows]


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
    readings: Sequence[Any], index: dict[tuple[str, str], Stream], known: set[str], latest_allowed: datetime
) -> tuple[list[Row], list[tuple[int, tuple[str, str]]]]:
    """`_validate` over a batch, with a fast path for the usual reading that gives the same result.

    The fast path handles a dict whose station/parameter pair is known, whose time string was seen
    (and accepted) before in the batch or parses to an accepted time, whose value is an in-range
    float and whose quality is one of QUALITIES; anything else goes through `_validate` unchanged,
    so the reasons and their order of precedence stay the same. Gateways send many readings of
    several stations at one time stamp: each distinct time string is parsed once per batch.
    """
    valid: list[Row] = []
    refused: list[tuple[int, tuple[str, str]]] = []
    times: dict[str, tuple[datetime, float] | None] = {}
    # station → parameter → (datastream, lowest, highest possible value)
    streams: dict[str, dict[str, tuple[Stream, float, float]]] = defaultdict(dict)
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
                        append(Row(stream[0], parsed[0], value, quality, parsed[1]))
                        continue
        checked = _validate(raw, index, known, latest_allowed)
        if isinstance(checked, Row):
            append(checked)
        else:
            refused.append((i, checked))
    return valid, refused


COPY_FROM_ROWS = 200


def _insert(rows: list[Row], received_at: datetime) -> list[Row]:
    """Store rows that are new; return them. Existing (datastream, time) rows are left unchanged."""
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM_ROWS:
        direct = _insert_copy_direct(rows, received_at)
        return direct if direct is not None else _insert_copy(rows, received_at)
    return _insert_values(rows, received_at)


def _insert_copy_direct(rows: list[Row], received_at: datetime) -> list[Row] | None:
    """PostgreSQL, the common case of a batch of new readings: COPY straight into the table.

    COPY is all or nothing: if it succeeds every row was new. If any (datastream, time) exists
    already, the unique index stops it, the savepoint is rolled back and the caller takes the
    staging-table path, which skips the duplicates. None means "not stored, use the other path".
    """
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


def _insert_copy(rows: list[Row], received_at: datetime) -> list[Row]:
    """PostgreSQL: COPY into a temporary staging table, then INSERT … SELECT … ON CONFLICT DO NOTHING."""
    by_key = {(r.ds.id, r.epoch): r for r in rows}
    inserted: list[Row] = []
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


def _insert_values(rows: list[Row], received_at: datetime) -> list[Row]:
    """INSERT … VALUES … ON CONFLICT DO NOTHING RETURNING: the rows that were new."""
    by_key = {(r.ds.id, r.epoch): r for r in rows}
    inserted: list[Row] = []
    recv = db_time(received_at)
    keys = list(by_key)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), INSERT_CHUNK):
            chunk = keys[start : start + INSERT_CHUNK]
            params: list[Any] = []
            for key in chunk:
                row = by_key[key]
                params += [row.ds.id, db_time(row.time), row.value, row.quality, recv]
            values = ",".join(["(%s,%s,%s,%s,%s)"] * len(chunk))
            cursor.execute(
                "INSERT INTO flood_observation (datastream_id, phenomenon_time, value, quality, received_at) "  # noqa: S608 - placeholders only
                f"VALUES {values} ON CONFLICT (datastream_id, phenomenon_time) DO NOTHING "
                "RETURNING datastream_id, phenomenon_time",
                params,
            )
            for ds_id, ptime in cursor.fetchall():
                inserted.append(by_key[(ds_id, from_db_time(ptime).timestamp())])
    return inserted


def _latest_upsert(rows: list[Row], received_at: datetime, by_ds: dict[int, list[Row]] | None = None) -> None:
    """Move each datastream's latest value forward (never back: late readings leave it alone).

    Two multi-row upserts: first every datastream's second-newest new reading, then its newest, so
    that `previous_value` (the trend) is right even when one batch brings several readings.
    `by_ds` is `by_datastream(rows)` when the caller has it already.
    """
    if by_ds is None:
        by_ds = by_datastream(rows)
    second: list[Row] = []
    newest: list[Row] = []
    for ds_rows in by_ds.values():
        newest.append(ds_rows[-1])
        if len(ds_rows) > 1:
            second.append(ds_rows[-2])
    recv = db_time(received_at)
    with connection.cursor() as cursor:
        for group in (second, newest):
            if not group:
                continue
            values = ",".join(["(%s, %s, %s, NULL, NULL, %s)"] * len(group))
            params: list[Any] = []
            for row in group:
                params += [row.ds.id, db_time(row.time), row.value, recv]
            cursor.execute(
                "INSERT INTO flood_latest (datastream_id, phenomenon_time, value, previous_value, "  # noqa: S608
                f"previous_time, received_at) VALUES {values} "
                "ON CONFLICT (datastream_id) DO UPDATE SET previous_value = flood_latest.value, "
                "previous_time = flood_latest.phenomenon_time, value = excluded.value, "
                "phenomenon_time = excluded.phenomenon_time, received_at = excluded.received_at "
                "WHERE flood_latest.phenomenon_time < excluded.phenomenon_time",
                params,
            )


QUARANTINE_PAYLOAD_CHARS = 4000


def _storable(text: str) -> str:
    """Text any database stores: no NUL (PostgreSQL refuses it), no lone surrogate (not UTF-8)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def quarantine_add(
    *,
    source: str,
    payload: str,
    code: str,
    detail: str = "",
    topic: str = "",
    payload_size: int | None = None,
    max_chars: int = QUARANTINE_PAYLOAD_CHARS,
) -> Quarantine:
    """Keep a refused reading or message for an operator: its reason, topic and (a prefix of) its text."""
    message = str(REJECT_REASONS.get(code, code))
    if detail:
        message = f"{message} ({detail})"
    return Quarantine.objects.create(
        source=source[:10],
        topic=_storable(topic[:255])[:255],
        payload=_storable(payload[:max_chars])[:max_chars],
        payload_size=payload_size,
        reason_code=code[:40],
        reason=_storable(message[:255])[:255],
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
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                for rej in result.rejected if quarantine else []:
                    payload = (
                        raw_payloads[rej.index] if raw_payloads is not None else repr(readings[rej.index])
                    )
                    where = topics[rej.index] if topics is not None else topic
                    quarantine_add(
                        source=source, payload=payload, code=rej.code, detail=rej.detail, topic=where
                    )
                if valid:
                    epochs = [row.epoch for row in valid]
                    partitions_ensure(
                        datetime.fromtimestamp(min(epochs), UTC), datetime.fromtimestamp(max(epochs), UTC)
                    )
                inserted = _insert(valid, now) if valid else []
                result.stored = len(inserted)
                result.duplicates = len(valid) - len(inserted)
                if inserted:
                    by_ds = by_datastream(inserted)
                    rollups_add(by_ds)
                    _latest_upsert(inserted, now, by_ds)
                    if evaluate:
                        result.alerts = alarms_evaluate(inserted, by_ds)
            return result
        except (IntegrityError, pg_errors.IntegrityError) as exc:
            # A month believed to have its partition lost it meanwhile (dropped by hand, or by the
            # retention of another process): forget what this process knew and store once more.
            if attempt == 2 or not partition_missing(exc):
                raise
            partitions_forget()
    return result


CSV_MAX_BYTES = 20 * 1024 * 1024
CSV_MAX_ROWS = 500_000
CSV_COLUMNS = ("station", "parameter", "time", "value")


def csv_rows(data: bytes) -> list[dict[str, Any]]:
    """The rows of a readings CSV (station, parameter, time, value[, quality]) as dicts, stripped; the
    file is refused whole when it is too large, not UTF-8, lacks a column or has too many rows."""
    if len(data) > CSV_MAX_BYTES:
        raise UploadTooLarge(detail={"max_bytes": CSV_MAX_BYTES})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadCsv() from exc
    if "\x00" in text:
        raise BadCsv()
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not set(CSV_COLUMNS) <= set(header):
            raise BadCsvHeader(detail={"columns": header[:20]})
        reader.fieldnames = header
        rows: list[dict[str, Any]] = []
        for row in reader:
            if len(rows) >= CSV_MAX_ROWS:
                raise TooManyRows()
            rows.append({k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k})
    except csv.Error as exc:
        raise BadCsv(_("The CSV could not be read."), detail=str(exc)) from exc
    for row in rows:
        if row.get("quality") in ("", None):
            row.pop("quality", None)
    return rows


def readings_csv_import(*, actor: Actor, data: bytes) -> IngestResult:
    """Back-fill history from CSV (columns station, parameter, time, value[, quality]).

    Rows are validated one by one (a bad row is reported with its line number and skipped); the good
    ones are stored with COPY on PostgreSQL (staging table + INSERT … ON CONFLICT DO NOTHING), a
    multi-row INSERT elsewhere. History does not raise alarms: the alarm state only moves forward.
    """
    if actor is not None:
        require_role(actor, Role.OPERATOR_BPBD)
    rows = csv_rows(data)
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


def heartbeat(*, name: str, info: dict[str, Any]) -> None:
    """A long-running ingest process (the MQTT consumer) says it is alive, with its counters."""
    heartbeat_beat(name=name, role="mqtt-ingest", info=info)
