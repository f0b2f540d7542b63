"""A validated reading as ingestion stores it and the alarms judge it (no writes here).

`services.ingest` turns raw readings into `Row`s, stores the new ones and hands them, grouped by
datastream (`by_datastream`), to `services.alarms`.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import connection
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class Stream:
    """The datastream a reading belongs to (ids only: no model instance per reading)."""

    id: int
    station_id: int
    parameter: str


class Row(NamedTuple):
    ds: Stream
    time: datetime
    value: float
    quality: str
    epoch: float  # the time as POSIX seconds: a cheap, exact key (aware datetimes hash slowly)


_EPOCH = operator.attrgetter("epoch")


def by_datastream(rows: list[Row]) -> dict[int, list[Row]]:
    """The rows of each datastream, oldest first (times are unique per datastream after dedup)."""
    by_ds: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_ds[row.ds.id].append(row)
    for ds_rows in by_ds.values():
        ds_rows.sort(key=_EPOCH)
    return by_ds


def db_time(value: datetime) -> Any:
    """A datetime as the database driver takes it in raw SQL."""
    return connection.ops.adapt_datetimefield_value(value)


def from_db_time(value: Any) -> datetime:
    """A datetime as raw SQL returns it (SQLite: text), made aware in UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    assert parsed is not None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
