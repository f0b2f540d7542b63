"""History at scale: rollups kept as readings arrive, their rebuild, raw retention, monthly partitions
(PostgreSQL) and the chart reading rollups for long ranges."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone

from kotapintar.flood import selectors, services
from kotapintar.flood.models import DailyRollup, HourlyRollup, Observation, Station
from kotapintar.flood.services.history import partition_months, partitions_ensure
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db


def _hourly(station: Station) -> list[tuple[datetime, float, float, float, int]]:
    return list(
        HourlyRollup.objects.filter(datastream__station=station)
        .order_by("bucket")
        .values_list("bucket", "min", "max", "sum", "count")
    )


def _store(values: list[tuple[datetime, float]]) -> services.IngestResult:
    return services.readings_ingest(
        readings=[reading("loji-1", value, at) for at, value in values], source="http"
    )


def test_readings_are_counted_once_in_their_hour_even_when_sent_twice(river: Station) -> None:
    _store([(T0 + timedelta(minutes=10), 80.0), (T0 + timedelta(minutes=20), 90.0)])
    again = _store([(T0 + timedelta(minutes=20), 90.0), (T0 + timedelta(minutes=70), 60.0)])
    assert again.duplicates == 1
    assert _hourly(river) == [(T0, 80.0, 90.0, 170.0, 2), (T0 + timedelta(hours=1), 60.0, 60.0, 60.0, 1)]


def test_the_daily_rollup_is_the_local_day(river: Station) -> None:
    # 18:30 UTC on 1 January is 01:30 WIB on 2 January.
    _store([(T0 + timedelta(hours=16, minutes=30), 70.0), (T0 + timedelta(hours=18, minutes=30), 90.0)])
    days = list(DailyRollup.objects.order_by("bucket").values_list("bucket", "count"))
    assert [(timezone.localtime(b).isoformat(), n) for b, n in days] == [
        ("2026-01-01T00:00:00+07:00", 1),
        ("2026-01-02T00:00:00+07:00", 1),
    ]


def test_rebuild_recomputes_a_range_from_the_raw_readings(river: Station) -> None:
    _store([(T0 + timedelta(minutes=m), 50.0 + m) for m in range(0, 180, 10)])
    expected = _hourly(river)
    HourlyRollup.objects.update(count=999, sum=0.0)
    DailyRollup.objects.all().delete()
    result = services.rollups_rebuild(since=T0.date(), until=T0.date() + timedelta(days=1))
    assert (_hourly(river), DailyRollup.objects.get().count, result.readings) == (expected, 18, 18)


def test_retention_drops_old_raw_readings_and_keeps_their_rollups(river: Station) -> None:
    now = timezone.now()
    _store([(now - timedelta(days=100), 70.0), (now - timedelta(days=1), 80.0)])
    with override_settings(FLOOD_RAW_RETENTION_DAYS=30):
        services.raw_retention_apply(now=now)
    assert list(Observation.objects.values_list("value", flat=True)) == [80.0]
    assert sorted(HourlyRollup.objects.values_list("count", flat=True)) == [1, 1]


def test_rebuild_leaves_the_rollups_of_days_past_the_retention(river: Station) -> None:
    now = timezone.now()
    old = now - timedelta(days=100)
    _store([(old, 70.0)])
    with override_settings(FLOOD_RAW_RETENTION_DAYS=30):
        services.raw_retention_apply(now=now)
        result = services.rollups_rebuild(
            since=timezone.localdate(old), until=timezone.localdate(old), now=now
        )
    assert (result.skipped_days, DailyRollup.objects.get().count) == (1, 1)


def test_the_chart_reads_raw_readings_for_a_short_range(river: Station) -> None:
    _store([(T0 + timedelta(minutes=m), 60.0 + m) for m in (0, 10, 20)])
    series = selectors.observation_series(
        station=river, parameter="water_level", since=T0 - timedelta(hours=1), until=T0 + timedelta(days=1)
    )
    assert (series.resolution, [p.value for p in series.points]) == ("raw", [60.0, 70.0, 80.0])


def test_the_chart_reads_hourly_averages_for_a_month(river: Station) -> None:
    _store([(T0 + timedelta(minutes=m), 60.0 + m) for m in (0, 10, 20, 60)])
    series = selectors.observation_series(
        station=river, parameter="water_level", since=T0, until=T0 + timedelta(days=30)
    )
    points = [(p.time, p.value, p.min, p.max, p.count) for p in series.points]
    assert (series.resolution, points) == (
        "hourly",
        [(T0, 70.0, 60.0, 80.0, 3), (T0 + timedelta(hours=1), 120.0, 120.0, 120.0, 1)],
    )


def test_the_chart_reads_daily_averages_for_a_year(river: Station) -> None:
    _store([(T0 + timedelta(hours=1), 60.0), (T0 + timedelta(hours=2), 80.0)])
    series = selectors.observation_series(
        station=river, parameter="water_level", since=T0 - timedelta(days=365), until=T0 + timedelta(days=1)
    )
    assert (series.resolution, [(p.value, p.count) for p in series.points]) == ("daily", [(70.0, 2)])


def test_the_station_page_offers_the_long_ranges(client: Any, river: Station) -> None:
    _store([(timezone.now() - timedelta(days=40), 60.0)])
    body = client.get("/banjir/stasiun/loji-1/?rentang=1y").content.decode()
    assert '"resolution": "daily"' in body and 'href="?rentang=10y"' in body


def test_the_series_api_returns_rollups_for_long_ranges(client: Any, river: Station) -> None:
    _store([(timezone.now() - timedelta(days=40), 60.0)])
    data = client.get("/api/v1/flood/stations/loji-1/series?days=365").json()
    assert (data["resolution"], [(p["value"], p["count"]) for p in data["points"]]) == ("daily", [(60.0, 1)])


# --- PostgreSQL: partitions and concurrent writers ----------------------------------------------------


@pytest.mark.postgres
def test_readings_go_to_their_month_partition(river: Station) -> None:
    _store([(T0 - timedelta(minutes=1), 70.0), (T0, 80.0), (T0 + timedelta(minutes=1), 90.0)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM flood_observation_p2025_12")
        december = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM flood_observation_p2026_01")
        january = cursor.fetchone()[0]
    assert (december, january) == (1, 2)


@pytest.mark.postgres
def test_a_reading_of_a_month_without_partition_creates_it(river: Station) -> None:
    result = _store([(datetime(1995, 3, 10, tzinfo=UTC), 70.0)])
    assert (result.stored, (1995, 3) in partition_months()) == (1, True)


@pytest.mark.postgres
def test_a_partition_dropped_behind_the_process_is_created_again(
    river: Station, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # this process now knows March 1995
        _store([(datetime(1995, 3, 10, tzinfo=UTC), 70.0)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP TABLE flood_observation_p1995_03")
    result = _store([(datetime(1995, 3, 11, tzinfo=UTC), 80.0)])
    assert (result.stored, (1995, 3) in partition_months()) == (1, True)


@pytest.mark.postgres
def test_partitions_are_created_ahead(river: Station) -> None:
    created = services.partitions_ahead(now=datetime(2031, 11, 5, tzinfo=UTC), months=2)
    assert created == [
        "flood_observation_p2031_11",
        "flood_observation_p2031_12",
        "flood_observation_p2032_01",
    ]


@pytest.mark.postgres
def test_retention_drops_whole_months_only(river: Station) -> None:
    now = datetime(2031, 6, 15, tzinfo=UTC)
    partitions_ensure(datetime(2031, 3, 1, tzinfo=UTC), now)
    with override_settings(FLOOD_RAW_RETENTION_DAYS=60):  # cutoff 16 April: March goes, April stays
        result = services.raw_retention_apply(now=now)
    assert result.dropped_partitions[-1:] == ["flood_observation_p2031_03"]
    assert {(2031, 4), (2031, 5), (2031, 6)} <= set(partition_months())
    assert (2031, 3) not in partition_months()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_count_each_reading_once(river: Station) -> None:
    # Two writers store overlapping batches of the same hour at once: the overlap is stored and
    # counted by whichever commits first, and never twice.
    # 300 readings each (the COPY path), 150 of them the same.
    first = [(T0 + timedelta(minutes=m), float(m)) for m in range(0, 300)]
    second = [(T0 + timedelta(minutes=m), float(m)) for m in range(150, 450)]
    barrier = threading.Barrier(2)
    stored: list[int] = []

    def write(values: list[tuple[datetime, float]]) -> None:
        try:
            barrier.wait()
            stored.append(_store(values).stored)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(batch,)) for batch in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    hours = _hourly(river)
    assert (sum(stored), sum(h[4] for h in hours), sum(h[3] for h in hours)) == (
        450,
        450,
        float(sum(range(450))),
    )
    assert [h[4] for h in hours] == [60] * 7 + [30]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_readings_and_fills_their_rollups(river: Station) -> None:
    _store([(T0 + timedelta(minutes=m), 50.0 + m) for m in (0, 30, 90)])
    ds_id = river.datastreams.get().pk
    executor = MigrationExecutor(connection)
    executor.migrate([("flood", "0003_quarantine_payload_size")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("flood"))
    hourly = list(HourlyRollup.objects.order_by("bucket").values_list("datastream_id", "bucket", "count"))
    assert Observation.objects.count() == 3
    assert connection.vendor != "postgresql" or (2026, 1) in partition_months()
    assert hourly == [(ds_id, T0, 2), (ds_id, T0 + timedelta(hours=1), 1)]


def test_the_rollups_command_rebuilds_the_days_asked_for(river: Station) -> None:
    _store([(T0 + timedelta(minutes=m), 50.0) for m in (0, 10)])
    HourlyRollup.objects.all().delete()
    out = io.StringIO()
    call_command(
        "flood_rollups", "--since", "2026-01-01", "--until", "2026-01-01", "--station", "loji-1", stdout=out
    )
    assert (out.getvalue().split()[:3], HourlyRollup.objects.get().count) == (
        ["days=1", "hours=1", "readings=2"],
        2,
    )
