"""Benchmark of the master plan workspace on the Pekalongan demo.

Prints key=value lines:
  dashboard_median_ms   server time of the plan dashboard (/masterplan/, signed in as Bappeda), median
  docx_export_s         a DOCX export of the whole demo plan, median of several runs
  pdf_export_s          a PDF export of the whole demo plan (WeasyPrint), median
  progress_api_median_ms  GET /api/v1/masterplan/progress, median
  home_median_ms        the platform home page measured the same way (the peer)
  dashboard_to_home_ratio  dashboard / home
  control_room_p95_ms   the control room's poll (/ruang-kendali/data.json, Bappeda), 95th percentile, on a
                        plan grown to 100 programmes × 10 indicators bound to the 10 live metrics, with
                        12 months of wallet payments and event visits (the demo's, repeated month by month)
  control_room_median_ms, control_room_page_p95_ms (the HTML page), control_room_queries (per poll)
  control_room_to_home_ratio  control room poll median / home median, measured in the same run
Goals (2 cores): dashboard under 150 ms, DOCX under 3 s, control room p95 under 300 ms.

Uses DATABASE_URL when set (the demo is seeded into it, idempotently); otherwise a fresh SQLite file
in a temporary folder.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp(prefix="kp-bench-mp-")) / "bench.sqlite3"))
os.environ.setdefault("DEMO_PASSWORD", "Bench-Pekalongan-2018")

import logging

import django

django.setup()
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).setLevel(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
EXPORTS = int(os.environ.get("BENCH_EXPORTS", "3"))


def samples_ms(client: Client, url: str, n: int) -> list[float]:
    for _ in range(3):  # warm-up: template loading, first queries
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    return samples


def median_ms(client: Client, url: str, n: int) -> float:
    return statistics.median(samples_ms(client, url, n))


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


PROGRAMMES, INDICATORS = 100, 10


def grow_for_control_room(plan: object) -> None:
    """100 programmes × 10 indicators, each bound to one of the live metrics (same unit), and 12
    months of live data: the demo's payments and event visits repeated in each of the last 12 months."""
    from datetime import timedelta
    from decimal import Decimal

    from kotapintar.batik.models import CheckIn
    from kotapintar.core import metrics
    from kotapintar.masterplan.models import Indicator, IndicatorTarget, Programme, Worksheet
    from kotapintar.wallet.models import Payment

    if Programme.objects.filter(plan=plan, code="CR-000").exists():
        return  # grown by an earlier run on the same database
    chosen = [m for m in metrics.metrics()][:INDICATORS]
    assert len(chosen) == INDICATORS, [m.code for m in chosen]
    worksheets = list(Worksheet.objects.filter(plan=plan).select_related("opd"))
    programmes = Programme.objects.bulk_create(
        Programme(
            plan=plan,
            worksheet=worksheets[i % len(worksheets)],
            code=f"CR-{i:03d}",
            name_id=f"Program bangku uji {i}",
            lead_opd=worksheets[i % len(worksheets)].opd,
            start_year=2019,
            end_year=2028,
        )
        for i in range(PROGRAMMES)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            programme=p,
            code=f"L{j}",
            kind="output",
            name=m.name_id,
            unit=m.unit,
            baseline=Decimal(0),
            baseline_year=2018,
            metric_code=m.code,
        )
        for p in programmes
        for j, m in enumerate(chosen)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=ind, year=y, target=Decimal(10 + (n % 50)))
        for n, ind in enumerate(indicators)
        for y in range(2019, 2029)
    )
    payments = list(Payment.objects.all())
    checkins = list(CheckIn.objects.all())
    for month in range(1, 12):
        shift = timedelta(days=30 * month)
        Payment.objects.bulk_create(
            Payment(
                card_id=p.card_id,
                merchant_id=p.merchant_id,
                event_code=p.event_code,
                amount_idr=p.amount_idr,
                status=p.status,
                method=p.method,
                card_balance_after_idr=p.card_balance_after_idr,
                created_at=p.created_at - shift,
            )
            for p in payments
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                ticket_id=c.ticket_id,
                event_id=c.event_id,
                kind=c.kind,
                gate=c.gate,
                scanned_at=c.scanned_at - shift,
            )
            for c in checkins
        )


def median_s(fn: object, n: int) -> float:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> None:
    with open(os.devnull, "w") as sink:
        call_command("migrate", verbosity=0, stdout=sink)
        call_command(
            "seed_demo", "--only", "core", "masterplan", "esign", "batik", "wallet", "flood", stdout=sink
        )
    from kotapintar.masterplan import exports, selectors

    plan = selectors.plan_current()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bappeda"))
    dashboard = median_ms(client, "/masterplan/", REQUESTS)
    home = median_ms(client, "/", REQUESTS)
    progress = median_ms(Client(), "/api/v1/masterplan/progress", REQUESTS)
    docx = median_s(lambda: exports.plan_docx(plan=plan, reader=selectors.EVERYTHING), EXPORTS)
    pdf = median_s(lambda: exports.plan_pdf(plan=plan, reader=selectors.EVERYTHING), max(1, EXPORTS - 1))
    print(f"dashboard_median_ms={dashboard:.1f}")
    print(f"docx_export_s={docx:.2f}")
    print(f"pdf_export_s={pdf:.2f}")
    print(f"progress_api_median_ms={progress:.1f}")
    print(f"home_median_ms={home:.1f}")
    print(f"dashboard_to_home_ratio={dashboard / home:.2f}")
    print(f"demo_progress_percent={selectors.plan_progress(plan=plan).percent}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow_for_control_room(plan)
    shown = client.get("/ruang-kendali/data.json").json()["indicators"]["total"]
    assert shown >= PROGRAMMES * INDICATORS, shown  # every bound indicator is read on each poll
    room = samples_ms(client, "/ruang-kendali/data.json", REQUESTS)
    room_page = samples_ms(client, "/ruang-kendali/", max(20, REQUESTS // 2))
    home_again = median_ms(client, "/", REQUESTS)
    with CaptureQueriesContext(connection) as queries:
        client.get("/ruang-kendali/data.json")
    print(f"control_room_p95_ms={p95(room):.1f}")
    print(f"control_room_median_ms={statistics.median(room):.1f}")
    print(f"control_room_page_p95_ms={p95(room_page):.1f}")
    print(f"control_room_queries={len(queries.captured_queries)}")
    print(f"control_room_to_home_ratio={statistics.median(room) / home_again:.2f}")
    print(f"control_room_bound_indicators={shown}")
    print(f"database={django.db.connection.vendor}")


if __name__ == "__main__":
    main()
