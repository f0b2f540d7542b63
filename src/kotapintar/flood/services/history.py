"""History storage: monthly partitions of the readings, hourly and daily rollups, raw retention.

- **Partitions** (PostgreSQL): `flood_observation` is partitioned by range of `phenomenon_time`, one
  partition per UTC month (`flood_observation_pYYYY_MM`). `partitions_ensure` creates the months a
  batch needs before it is stored (rare: the periodic check creates `FLOOD_PARTITIONS_AHEAD_MONTHS`
  ahead); SQLite keeps one plain table.
- **Rollups**: `rollups_add` adds the readings a transaction stored to their hour (`HourlyRollup`) and
  local day (`DailyRollup`, TIME_ZONE) with one upsert each (min/max kept, sum/count added). It is
  called with the rows `INSERT … ON CONFLICT DO NOTHING` reported as new, in the same transaction,
  so a reading is counted exactly once: a duplicate or a redelivered message is not stored and not
  counted, a rolled-back batch leaves neither. `rollups_rebuild` recomputes a range from the raw
  readings (`kotapintar flood-rollups`).
- **Retention**: `raw_retention_apply` drops raw readings older than `FLOOD_RAW_RETENTION_DAYS`
  (whole months on PostgreSQL: `DROP TABLE` of the partition; `DELETE` on SQLite). Rollups are kept.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg import errors as pg_errors

from kotapintar.flood.readings import Row, db_time, from_db_time

OBSERVATION_TABLE = "flood_observation"
HOURLY_TABLE = "flood_hourlyrollup"
DAILY_TABLE = "flood_dailyrollup"
#: Raw readings are never dropped younger than this, whatever the setting (alarms and the chart read them).
MIN_RETENTION_DAYS = 7
_PARTITION_NAME = re.compile(r"^flood_observation_p(\d{4})_(\d{2})$")
_UPSERT_CHUNK = 500
#: Advisory lock key serialising partition DDL between processes ("flood_pa").
_PARTITION_LOCK = 0x666C6F6F645F7061
#: Months known to have a partition, in this process (filled from the catalogue, then on commit).
_known_months: set[tuple[int, int]] = set()


def partitioned() -> bool:
    return connection.vendor == "postgresql"


# --- Partitions -------------------------------------------------------------------------------------


def _month_of(at: datetime) -> tuple[int, int]:
    at = at.astimezone(UTC)
    return at.year, at.month


def _next_month(month: tuple[int, int]) -> tuple[int, int]:
    year, mon = month
    return (year + 1, 1) if mon == 12 else (year, mon + 1)


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    month = first
    while month <= last:
        out.append(month)
        month = _next_month(month)
    return out


def partition_name(month: tuple[int, int]) -> str:
    return f"{OBSERVATION_TABLE}_p{month[0]:04d}_{month[1]:02d}"


def partition_months() -> list[tuple[int, int]]:
    """The months that have a partition, oldest first (PostgreSQL; empty elsewhere)."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [OBSERVATION_TABLE],
        )
        names = [name for (name,) in cursor.fetchall()]
    months = []
    for name in names:
        match = _PARTITION_NAME.match(name)
        if match:
            months.append((int(match.group(1)), int(match.group(2))))
    return sorted(months)


def _create_partitions(months: Iterable[tuple[int, int]]) -> list[str]:
    """Create the partitions of `months` that do not exist (under an advisory lock); their names."""
    wanted = sorted(set(months))
    if not wanted:
        return []
    created: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITION_LOCK])
        existing = set(partition_months())
        for month in wanted:
            if month in existing:
                continue
            start = datetime(month[0], month[1], 1, tzinfo=UTC)
            end_month = _next_month(month)
            end = datetime(end_month[0], end_month[1], 1, tzinfo=UTC)
            cursor.execute(
                f"CREATE TABLE {partition_name(month)} PARTITION OF {OBSERVATION_TABLE} "
                "FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
            created.append(partition_name(month))
    return created


def partitions_ensure(first: datetime, last: datetime) -> list[str]:
    """Make sure every month from `first` to `last` has a partition (PostgreSQL); the names created.

    Called by ingestion before a batch is stored. Months this process has seen are not asked again,
    except months older than the retention cutoff (another process may have dropped them).
    """
    if not partitioned():
        return []
    needed = set(_months(_month_of(first), _month_of(last)))
    cutoff = retention_cutoff(timezone.now())
    trusted = _known_months if cutoff is None else {m for m in _known_months if m >= _month_of(cutoff)}
    missing = needed - trusted
    if not missing:
        return []
    existing = set(partition_months())
    created = _create_partitions(missing - existing) if missing - existing else []
    # Remembered once committed: a partition created (or seen) by a transaction that rolls back is gone.
    transaction.on_commit(lambda: _known_months.update(needed))
    return created


def partitions_forget() -> None:
    """Forget the months this process believed partitioned (they are looked up again)."""
    _known_months.clear()


def partition_missing(exc: BaseException) -> bool:
    """True when a write failed because its month has no partition (SQLSTATE 23514)."""
    violation = exc if isinstance(exc, pg_errors.CheckViolation) else exc.__cause__
    return isinstance(violation, pg_errors.CheckViolation) and "no partition" in str(violation)


def partitions_ahead(*, now: datetime, months: int | None = None) -> list[str]:
    """Create the partitions of this month and the next `months` (FLOOD_PARTITIONS_AHEAD_MONTHS)."""
    if not partitioned():
        return []
    ahead = settings.FLOOD_PARTITIONS_AHEAD_MONTHS if months is None else months
    first = _month_of(now)
    wanted = [first]
    for _ in range(ahead):
        wanted.append(_next_month(wanted[-1]))
    with transaction.atomic():
        return _create_partitions(wanted)


# --- Retention --------------------------------------------------------------------------------------


def retention_cutoff(now: datetime) -> datetime | None:
    """Raw readings before this time may be dropped; None when they are kept for ever (setting 0)."""
    days = int(settings.FLOOD_RAW_RETENTION_DAYS)
    if days <= 0:
        return None
    return now - timedelta(days=max(days, MIN_RETENTION_DAYS))


@dataclass
class RetentionResult:
    cutoff: datetime | None
    dropped_partitions: list[str] = field(default_factory=list)
    deleted_rows: int = 0


def raw_retention_apply(*, now: datetime) -> RetentionResult:
    """Drop raw readings older than the retention (rollups stay).

    PostgreSQL drops whole partitions whose month ended before the cutoff (a reading is kept at least
    the retention, at most a month longer); SQLite deletes the rows before the cutoff.
    """
    cutoff = retention_cutoff(now)
    result = RetentionResult(cutoff=cutoff)
    if cutoff is None:
        return result
    with transaction.atomic():
        if partitioned():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITION_LOCK])
                # Deferred foreign-key checks of rows written earlier in this transaction would
                # forbid the DROP ("pending trigger events"): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for month in partition_months():
                    end_month = _next_month(month)
                    if datetime(end_month[0], end_month[1], 1, tzinfo=UTC) <= cutoff:
                        cursor.execute(f"DROP TABLE {partition_name(month)}")
                        result.dropped_partitions.append(partition_name(month))
            partitions_forget()
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {OBSERVATION_TABLE} WHERE phenomenon_time < %s",  # noqa: S608
                    [db_time(cutoff)],
                )
                result.deleted_rows = cursor.rowcount
    return result


def history_maintain(*, now: datetime) -> tuple[list[str], RetentionResult]:
    """The periodic part (flood-check, the MQTT consumer): partitions ahead, then retention."""
    return partitions_ahead(now=now), raw_retention_apply(now=now)


# --- Rollups ----------------------------------------------------------------------------------------

#: (datastream id, bucket start as POSIX seconds) → [min, max, sum, count]
Aggregates = dict[tuple[int, int], list[float]]


@functools.lru_cache(maxsize=65536)
def day_start(hour_epoch: int) -> int:
    """The local midnight (TIME_ZONE) starting the day of an hour, as POSIX seconds.

    Hours are UTC hours; every Indonesian zone (WIB, WITA, WIT) is a whole number of hours from UTC,
    so each hour lies inside one local day.
    """
    local = datetime.fromtimestamp(hour_epoch, UTC).astimezone(timezone.get_default_timezone())
    midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    return int(midnight.timestamp())


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_default_timezone())


def _hourly(by_ds: dict[int, list[Row]]) -> Aggregates:
    """Hourly aggregates of rows grouped by datastream, each group sorted by time (`by_datastream`).

    The per-row work is two list comprehensions; each hour is then a slice, and min/max/sum run in C.
    """
    hours: Aggregates = {}
    for ds_id, rows in by_ds.items():
        values = [row.value for row in rows]
        keys = [int(row.epoch) // 3600 for row in rows]
        start, total = 0, len(keys)
        while start < total:
            hour = keys[start]
            end = bisect.bisect_right(keys, hour, start)
            chunk = values[start:end]
            hours[(ds_id, hour * 3600)] = [min(chunk), max(chunk), sum(chunk), end - start]
            start = end
    return hours


def _daily(hours: Aggregates) -> Aggregates:
    days: Aggregates = {}
    for (ds_id, hour), (low, high, total, count) in hours.items():
        key = (ds_id, day_start(hour))
        agg = days.get(key)
        if agg is None:
            days[key] = [low, high, total, count]
        else:
            agg[0] = min(agg[0], low)
            agg[1] = max(agg[1], high)
            agg[2] += total
            agg[3] += count
    return days


def _upsert_sql(table: str, count: int, *, replace: bool) -> str:
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    if replace:
        update = 'min = excluded.min, max = excluded.max, sum = excluded.sum, "count" = excluded."count"'
    else:
        update = (
            f"min = {least}({table}.min, excluded.min), max = {greatest}({table}.max, excluded.max), "
            f'sum = {table}.sum + excluded.sum, "count" = {table}."count" + excluded."count"'
        )
    values = ",".join(["(%s, %s, %s, %s, %s, %s)"] * count)
    return (
        f'INSERT INTO {table} (datastream_id, bucket, min, max, sum, "count") VALUES {values} '  # noqa: S608
        f"ON CONFLICT (datastream_id, bucket) DO UPDATE SET {update}"
    )


def _params(aggregates: Aggregates, keys: list[tuple[int, int]]) -> list[Any]:
    params: list[Any] = []
    for key in keys:
        low, high, total, count = aggregates[key]
        params += [key[0], db_time(datetime.fromtimestamp(key[1], UTC)), low, high, total, int(count)]
    return params


def _upsert_unnest_sql(table: str, *, after: str = "true") -> str:
    """PostgreSQL: add the rows of six arrays (see `_columns`) to their buckets."""
    return (
        f'INSERT INTO {table} (datastream_id, bucket, min, max, sum, "count") '  # noqa: S608
        "SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[], %s::float8[], %s::float8[], "
        f"%s::int[]) WHERE {after} ON CONFLICT (datastream_id, bucket) DO UPDATE SET "
        f"min = LEAST({table}.min, excluded.min), max = GREATEST({table}.max, excluded.max), "
        f'sum = {table}.sum + excluded.sum, "count" = {table}."count" + excluded."count"'
    )


def _columns(aggregates: Aggregates) -> list[list[Any]]:
    """The aggregates as six column arrays, in key order."""
    keys = sorted(aggregates)
    rows = [aggregates[key] for key in keys]
    return [
        [key[0] for key in keys],
        [datetime.fromtimestamp(key[1], UTC) for key in keys],
        [row[0] for row in rows],
        [row[1] for row in rows],
        [row[2] for row in rows],
        [int(row[3]) for row in rows],
    ]


def _upsert(table: str, aggregates: Aggregates, *, replace: bool = False) -> None:
    """Add aggregates to their buckets (or, `replace`, overwrite them), in key order (no deadlock)."""
    keys = sorted(aggregates)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _UPSERT_CHUNK):
            chunk = keys[start : start + _UPSERT_CHUNK]
            cursor.execute(_upsert_sql(table, len(chunk), replace=replace), _params(aggregates, chunk))


def rollups_add(by_ds: dict[int, list[Row]]) -> None:
    """Count newly stored readings (grouped and sorted by `by_datastream`) into their hourly and daily
    rollups, in the caller's transaction. On PostgreSQL this is one statement (the hourly upsert in a
    WITH clause of the daily one): one round trip on the way to the alert."""
    hours = _hourly(by_ds)
    days = _daily(hours)
    if connection.vendor == "postgresql" and hours:
        # One statement, six array parameters per table (no per-value placeholders to render). The
        # daily rows are inserted only after the hourly upsert has run to its end (the scalar
        # subquery is evaluated once, before the first row): hourly, then daily, as in `_upsert`,
        # so writers lock buckets in one order and cannot deadlock.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH hourly AS ({_upsert_unnest_sql(HOURLY_TABLE)} RETURNING 1) "  # noqa: S608 - table names
                + _upsert_unnest_sql(DAILY_TABLE, after="(SELECT count(*) FROM hourly) >= 0"),
                _columns(hours) + _columns(days),
            )
        return
    _upsert(HOURLY_TABLE, hours)
    _upsert(DAILY_TABLE, days)


@dataclass
class RebuildResult:
    days: int = 0
    hours: int = 0
    readings: int = 0
    skipped_days: int = 0  # before the raw retention: their rollups were left as they are


def _hourly_from_raw(since: datetime, until: datetime, datastream_ids: list[int] | None) -> Aggregates:
    bucket = (
        "date_trunc('hour', phenomenon_time)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m-%%d %%H:00:00', phenomenon_time)"
    )
    where = "phenomenon_time >= %s AND phenomenon_time < %s"
    params: list[Any] = [db_time(since), db_time(until)]
    if datastream_ids is not None:
        where += f" AND datastream_id IN ({','.join(['%s'] * len(datastream_ids))})"
        params += datastream_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT datastream_id, {bucket}, MIN(value), MAX(value), SUM(value), COUNT(*) "  # noqa: S608
            f"FROM {OBSERVATION_TABLE} WHERE {where} GROUP BY 1, 2",
            params,
        )
        return {
            (ds_id, int(from_db_time(hour).timestamp())): [low, high, total, count]
            for ds_id, hour, low, high, total, count in cursor.fetchall()
        }


def rollups_rebuild(
    *, since: date, until: date, datastream_ids: list[int] | None = None, now: datetime | None = None
) -> RebuildResult:
    """Recompute the hourly and daily rollups of the local days `since` … `until` (inclusive) from raw.

    One transaction per day. On PostgreSQL each day first takes `LOCK … IN SHARE MODE` on the
    readings: storing waits for that day's recomputation (milliseconds) and the rebuilt buckets
    cannot miss or double a reading stored meanwhile. Days before the raw retention are skipped
    (their raw readings are gone; the rollups are all that is left).
    """
    result = RebuildResult()
    cutoff = retention_cutoff(now or timezone.now())
    day = since
    while day <= until:
        start, end = local_day_start(day), local_day_start(day + timedelta(days=1))
        if cutoff is not None and start < cutoff:
            result.skipped_days += 1
            day += timedelta(days=1)
            continue
        with transaction.atomic():
            if partitioned():
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {OBSERVATION_TABLE} IN SHARE MODE")
            hours = _hourly_from_raw(start, end, datastream_ids)
            days = _daily(hours)
            for table, first, last in ((HOURLY_TABLE, start, end), (DAILY_TABLE, start, start)):
                where = (
                    "bucket >= %s AND bucket <= %s"
                    if table == DAILY_TABLE
                    else "bucket >= %s AND bucket < %s"
                )
                params: list[Any] = [db_time(first), db_time(last)]
                if datastream_ids is not None:
                    where += f" AND datastream_id IN ({','.join(['%s'] * len(datastream_ids))})"
                    params += datastream_ids
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
            _upsert(HOURLY_TABLE, hours, replace=True)
            _upsert(DAILY_TABLE, days, replace=True)
        result.days += 1
        result.hours += len(hours)
        result.readings += int(sum(agg[3] for agg in hours.values()))
        day += timedelta(days=1)
    return result
