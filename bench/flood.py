"""Flood ingestion benchmark (PostgreSQL from DATABASE_URL).

Prints, as key=value lines (median of RUNS runs):

- readings_per_s   readings stored per second through the HTTP batch endpoint
                   (POST /api/v1/flood/readings, BATCH = 5,000 readings per request, the
                   endpoint's maximum; Bearer token; the full Django request stack in-process:
                   middleware, auth, JSON parsing, pydantic validation, per-reading checks,
                   INSERT … ON CONFLICT via COPY + staging table, latest-value upsert and alarm
                   evaluation, all in one transaction per request). The JSON bodies are encoded
                   before the clock starts, as the COPY side's rows are built before its clock;
- copy_rows_per_s  the same rows written by a raw COPY (psycopg) into a table of the same shape
                   (same unique key) in the same database, in the same run;
- ratio_vs_copy    readings_per_s / copy_rows_per_s (goal ≥ 0.30);
- alert_p99_ms     99th percentile, over ALERT_SAMPLES single-reading requests that each change
                   a station's level, of the time from the request being received to its response,
                   i.e. after the alert row is committed (goal < 100 ms); alert_p50_ms alongside.

History at scale (run first, so that the ingestion figures above are measured with it in place):
HISTORY_STATIONS (4) river gauges with HISTORY_DAYS (3,653: a decade) of one-minute readings up to
now, 21,041,280 rows by default, loaded with COPY (text format, in time order per station) into the
monthly partitions; then the rollups are rebuilt from them with `services.rollups_rebuild` (the
`kotapintar flood-rollups` path) and one live reading per station goes through ingestion. Prints:

- history_rows            readings of the history stations (from the daily rollups, checked against
                          the number loaded)
- history_load_s          the COPY (partitions created beforehand); history_rollup_s the rebuild
- latest_per_station_ms   `selectors.latest_readings()`: the latest reading of every datastream
- hourly_24h_ms           one station's chart from the hourly rollups, last 24 hours
- daily_365d_ms           one station's chart from the daily rollups, last 365 days
- raw_24h_ms, daily_10y_ms  the raw readings of the last 24 h (1,440 points), ten years of days
  each the median of QUERY_RUNS (21) runs, after one warm-up (goal: each under 50 ms).
BENCH_HISTORY=reuse keeps a history loaded by an earlier run (the load is then not timed);
BENCH_HISTORY=skip leaves the history part out.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_flood_bench .venv/bin/python bench/flood.py
The database is created if missing and migrated; the benchmark uses its own stations (bench-*).
"""

from __future__ import annotations

import cProfile
import json
import math
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
os.environ.setdefault("KOTAPINTAR_TESTING", "0")
os.environ["DEBUG"] = "0"

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
STATIONS = 20
TIMES = 2500  # readings per station per run → 50,000 rows per run
BATCH = int(os.environ.get("BENCH_BATCH", "5000"))  # readings per request (MAX_BATCH)
ALERT_SAMPLES = int(os.environ.get("BENCH_ALERT_SAMPLES", "400"))
HISTORY = os.environ.get("BENCH_HISTORY", "load")
HISTORY_STATIONS = int(os.environ.get("BENCH_HISTORY_STATIONS", "4"))
HISTORY_DAYS = int(os.environ.get("BENCH_HISTORY_DAYS", "3653"))
QUERY_RUNS = int(os.environ.get("BENCH_QUERY_RUNS", "21"))
#: Diagnostics only: write a cProfile of the HTTP ingestion phase of every run to this file.
PROFILE = os.environ.get("BENCH_PROFILE", "")


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _sep, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _timed_ms(fn: Any) -> float:
    fn()  # warm-up
    times = []
    for _ in range(QUERY_RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def history(station_ids: dict[str, int], ds_ids: dict[str, int]) -> dict[str, str]:
    """Load (or reuse) a decade of one-minute readings with COPY, rebuild rollups, time the reads."""
    from django.db import connection, models, transaction
    from django.utils import timezone

    from kotapintar.flood import selectors, services
    from kotapintar.flood.models import DailyRollup, HourlyRollup, Latest, Observation, Station
    from kotapintar.flood.services.history import partition_months, partitions_ensure

    out: dict[str, str] = {}
    ids = list(ds_ids.values())
    end = datetime.now(tz=UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    start = end - timedelta(days=HISTORY_DAYS) + timedelta(minutes=1)
    minutes = HISTORY_DAYS * 1440
    expected = minutes * len(ids)

    def loaded() -> int:
        return int(
            DailyRollup.objects.filter(datastream_id__in=ids).aggregate(n=models.Sum("count"))["n"] or 0
        )

    if HISTORY == "load" or loaded() < expected:
        for model in (Observation, HourlyRollup, DailyRollup, Latest):
            model.objects.filter(datastream_id__in=ids).delete()
        with transaction.atomic():
            partitions_ensure(start, end)
        # A river: seasonal swing, a daily cycle and some noise; one value string per minute of the day.
        noise = [((k * 7919) % 101 - 50) / 10 for k in range(1440)]
        daily = [15 * math.sin(2 * math.pi * m / 1440) + noise[m] for m in range(1440)]
        received = end.isoformat()
        started = time.perf_counter()
        with connection.cursor() as cur:
            with cur.cursor.copy(
                "COPY flood_observation (datastream_id, phenomenon_time, value, quality, received_at) FROM STDIN"
            ) as copy:
                clock = [f"{m // 60:02d}:{m % 60:02d}:00+00" for m in range(1440)]
                first_day = start.replace(hour=0, minute=0)
                first_minute = (start - first_day) // timedelta(minutes=1)
                for n, ds_id in enumerate(ids):
                    day, offset = first_day, 0
                    left = minutes
                    while left > 0:
                        base = 80 + 40 * math.sin(2 * math.pi * day.timetuple().tm_yday / 365.25) + n * 10
                        date_text = day.date().isoformat()
                        lo = first_minute if offset == 0 else 0
                        hi = min(1440, lo + left)
                        copy.write(
                            "".join(
                                f"{ds_id}\t{date_text} {clock[m]}\t{base + daily[m]:.1f}\tgood\t{received}\n"
                                for m in range(lo, hi)
                            )
                        )
                        left -= hi - lo
                        day += timedelta(days=1)
                        offset += 1
        out["history_load_s"] = f"{time.perf_counter() - started:.1f}"
        with connection.cursor() as cur:
            cur.execute("ANALYZE flood_observation")
        started = time.perf_counter()
        local = timezone.get_default_timezone()
        services.rollups_rebuild(
            since=start.astimezone(local).date(), until=end.astimezone(local).date(), datastream_ids=ids
        )
        out["history_rollup_s"] = f"{time.perf_counter() - started:.1f}"
    rows = loaded()
    assert rows >= expected, (rows, expected)
    out["history_rows"] = str(rows)
    # One live reading per station through ingestion: the latest-value table and the rollups follow.
    now = datetime.now(tz=UTC).replace(microsecond=0)
    result = services.readings_ingest(
        readings=[
            {"station": code, "parameter": "water_level", "time": now.isoformat(), "value": 90.0}
            for code in ds_ids
        ],
        source="http",
    )
    assert result.stored == len(ds_ids), result
    station = Station.objects.get(pk=station_ids[next(iter(ds_ids))])
    out["partitions"] = str(len(partition_months()))
    out["latest_per_station_ms"] = f"{_timed_ms(selectors.latest_readings):.2f}"

    def chart(days: float, resolution: str) -> Any:
        def read() -> None:
            until = timezone.now()
            series = selectors.observation_series(
                station=station,
                parameter="water_level",
                since=until - timedelta(days=days),
                until=until,
                resolution=resolution,
            )
            assert series.points

        return read

    out["hourly_24h_ms"] = f"{_timed_ms(chart(1, 'hourly')):.2f}"
    out["daily_365d_ms"] = f"{_timed_ms(chart(365, 'daily')):.2f}"
    out["raw_24h_ms"] = f"{_timed_ms(chart(1, 'raw')):.2f}"
    out["daily_10y_ms"] = f"{_timed_ms(chart(3653, 'daily')):.2f}"
    out["latest_readings"] = str(len(selectors.latest_readings()))
    return out


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/flood.py needs DATABASE_URL=postgres://… (PostgreSQL)", file=sys.stderr)
        return 2
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client
    from shapely.geometry import shape

    from kotapintar.core import services as core_services
    from kotapintar.core.models import Kelurahan, Role
    from kotapintar.flood import services
    from kotapintar.flood.models import (
        Alert,
        AlertState,
        DailyRollup,
        Datastream,
        HourlyRollup,
        Latest,
        Observation,
        Station,
    )

    core_services.wilayah_import(
        city_code="33.75",
        city_name="Kota Pekalongan",
        province="Jawa Tengah",
        folder=core_services.DATA_DIR / "pekalongan",
        prefix="pekalongan_",
    )
    user, _ = core_services.user_ensure(
        username="bench-gateway", password="bench-not-for-login-Q9", roles=[Role.OPERATOR_BPBD]
    )
    _tok, token = core_services.api_token_create(user=user, name="bench")
    kel = Kelurahan.objects.order_by("code").first()
    assert kel is not None
    p = shape(kel.geometry).representative_point()
    codes = [f"bench-{i:02d}" for i in range(STATIONS)]
    history_codes = [f"bench-hist-{i:02d}" for i in range(HISTORY_STATIONS)]
    for code in codes + history_codes:
        if not Station.objects.filter(code=code).exists():
            st = services.station_create(
                actor=None,
                code=code,
                name=code,
                kind="river_level",
                lon=float(p.x),
                lat=float(p.y),
                datastreams=[services.DatastreamSpec("water_level", 60)],
            )
            services.threshold_set_create(
                actor=None,
                station=st,
                parameter="water_level",
                valid_from=datetime(2020, 1, 1, tzinfo=UTC),
                waspada=100,
                siaga=150,
                awas=200,
                deadband=0,
                off_delay_s=0,
                on_readings=1,  # one level change per request (alert_p99_ms)
            )
    ds_ids = list(Datastream.objects.filter(station__code__in=codes).values_list("id", flat=True))
    figures: dict[str, str] = {}
    if HISTORY != "skip":
        figures = history(
            dict(Station.objects.filter(code__in=history_codes).values_list("code", "id")),
            dict(
                Datastream.objects.filter(station__code__in=history_codes).values_list("station__code", "id")
            ),
        )
    station_ids = list(Station.objects.filter(code__in=codes).values_list("id", flat=True))
    client = Client(headers={"Authorization": f"Bearer {token}"})

    def reset() -> None:
        for model in (Observation, HourlyRollup, DailyRollup):
            model.objects.filter(datastream_id__in=ds_ids).delete()
        Latest.objects.filter(datastream_id__in=ds_ids).delete()
        Alert.objects.filter(station_id__in=station_ids).delete()
        AlertState.objects.filter(station_id__in=station_ids).delete()
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_flood_copy")
            cur.execute("CREATE TABLE bench_flood_copy (LIKE flood_observation INCLUDING ALL)")

    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    http_rates, copy_rates = [], []
    for run in range(RUNS):
        reset()
        base = t0 + timedelta(days=run * 10)
        rows = [
            {
                "station": code,
                "parameter": "water_level",
                "time": (base + timedelta(minutes=k)).isoformat(),
                "value": 50.0 + (k % 40),
            }
            for k in range(TIMES)
            for code in codes
        ]
        # The request bodies are encoded before the clock starts, as the COPY rows below are built
        # before theirs: both sides time the server storing the rows, not the client preparing them.
        bodies = [json.dumps(rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
        profiler = cProfile.Profile() if PROFILE else None
        started = time.perf_counter()
        stored = 0
        if profiler is not None:
            profiler.enable()
        for body in bodies:
            response = client.post("/api/v1/flood/readings", body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]
            stored += response.json()["stored"]
        elapsed = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(PROFILE)
        assert stored == len(rows), (stored, len(rows))
        http_rates.append(len(rows) / elapsed)

        # The same rows, raw COPY into a table of the same shape and unique key.
        ds_by_code = dict(Datastream.objects.filter(id__in=ds_ids).values_list("station__code", "id"))
        now = datetime.now(tz=UTC)
        tuples = [
            (ds_by_code[r["station"]], datetime.fromisoformat(r["time"]), r["value"], "good", now)
            for r in rows
        ]
        started = time.perf_counter()
        with connection.cursor() as cur:
            with cur.cursor.copy(
                "COPY bench_flood_copy (datastream_id, phenomenon_time, value, quality, received_at) FROM STDIN"
            ) as copy:
                for t in tuples:
                    copy.write_row(t)
        elapsed = time.perf_counter() - started
        copy_rates.append(len(tuples) / elapsed)

    # Alert latency: every request carries one reading that changes its station's level.
    reset()
    latencies = []
    base = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(days=30)
    for k in range(ALERT_SAMPLES):
        code = codes[k % STATIONS]
        value = 250.0 if (k // STATIONS) % 2 == 0 else 50.0
        at = (base + timedelta(minutes=k)).isoformat()
        before = Alert.objects.count() if k == 0 else None
        started = time.perf_counter()
        response = client.post(
            "/api/v1/flood/readings",
            [{"station": code, "parameter": "water_level", "time": at, "value": value}],
            content_type="application/json",
        )
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.json()["alerts"] == 1, response.content[:300]
        if before is not None:
            assert Alert.objects.count() == before + 1
    assert Alert.objects.filter(station_id__in=station_ids).count() == ALERT_SAMPLES
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_flood_copy")
    readings = statistics.median(http_rates)
    copy_rate = statistics.median(copy_rates)
    print(f"readings_per_s={readings:.0f}")
    print(f"copy_rows_per_s={copy_rate:.0f}")
    print(f"ratio_vs_copy={readings / copy_rate:.3f}")
    print(f"alert_p99_ms={p99:.1f}")
    print(f"alert_p50_ms={statistics.median(latencies):.1f}")
    for key, value in figures.items():
        print(f"{key}={value}")
    print(f"runs={RUNS} rows_per_run={STATIONS * TIMES} batch={BATCH} alert_samples={ALERT_SAMPLES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
