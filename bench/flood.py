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

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_flood_bench .venv/bin/python bench/flood.py
The database is created if missing and migrated; the benchmark uses its own stations (bench-*).
"""

from __future__ import annotations

import cProfile
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
os.environ.setdefault("KOTAPINTAR_TESTING", "0")
os.environ["DEBUG"] = "0"

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
STATIONS = 20
TIMES = 2500  # readings per station per run → 50,000 rows per run
BATCH = int(os.environ.get("BENCH_BATCH", "5000"))  # readings per request (MAX_BATCH)
ALERT_SAMPLES = int(os.environ.get("BENCH_ALERT_SAMPLES", "400"))
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
    from kotapintar.flood.models import Alert, AlertState, Datastream, Latest, Observation, Station

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
    for code in codes:
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
    station_ids = list(Station.objects.filter(code__in=codes).values_list("id", flat=True))
    client = Client(headers={"Authorization": f"Bearer {token}"})

    def reset() -> None:
        Observation.objects.filter(datastream_id__in=ds_ids).delete()
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
    print(f"runs={RUNS} rows_per_run={STATIONS * TIMES} batch={BATCH} alert_samples={ALERT_SAMPLES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
