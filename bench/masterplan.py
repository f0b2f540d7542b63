"""Benchmark of the master plan workspace on the Pekalongan demo.

Prints key=value lines:
  dashboard_median_ms   server time of the plan dashboard (/masterplan/, signed in as Bappeda), median
  docx_export_s         a DOCX export of the whole demo plan, median of several runs
  pdf_export_s          a PDF export of the whole demo plan (WeasyPrint), median
  progress_api_median_ms  GET /api/v1/masterplan/progress, median
  home_median_ms        the platform home page measured the same way (the peer)
  dashboard_to_home_ratio  dashboard / home
Goals (2 cores): dashboard under 150 ms, DOCX under 3 s.

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


def median_ms(client: Client, url: str, n: int) -> float:
    for _ in range(3):  # warm-up: template loading, first queries
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    return statistics.median(samples)


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
        call_command("seed_demo", "--only", "core", "masterplan", stdout=sink)
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
    print(f"database={django.db.connection.vendor}")


if __name__ == "__main__":
    main()
