"""`kotapintar city-init` then `kotapintar run`, as an operator types them: the home page served is the
new city's (its name, its map bounds) and says nothing of Pekalongan."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_run_supervises import free_port, healthz
from tests.processes import ProcessDatabase, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parent / "data" / "teluk_uji"


def test_city_init_then_run_serves_the_new_city(tmp_path: Path) -> None:
    db = ProcessDatabase(tmp_path)
    env = db.env(RUN_EXTRA_PROCESSES="0", KEY_ENCRYPTION_KEY="kek-for-tests-only-0123456789")
    init = subprocess.run(
        [
            sys.executable,
            "-m",
            "kotapintar",
            "city-init",
            "--name",
            "Kota Teluk Uji",
            "--kemendagri-code",
            "72.99",
            "--province",
            "Sulawesi Tengah",
            "--boundaries",
            str(DATA / "kelurahan.geojson"),
            "--kecamatan",
            str(DATA / "kecamatan.geojson"),
            "--opd",
            str(DATA / "opd.csv"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert init.returncode == 0, init.stderr
    assert "Kota Teluk Uji (72.99) sudah disiapkan: 2 kecamatan, 6 kelurahan, 5 OPD." in init.stdout

    port = free_port()
    log = tmp_path / "run.log"
    with log.open("ab") as out:
        run = subprocess.Popen(
            [sys.executable, "-m", "kotapintar", "run", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_for(lambda: healthz(port)[0] == 200, 90, "the web process")
        except AssertionError:
            raise AssertionError(log.read_text()) from None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
            home = response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/core/kelurahan", timeout=20) as response:
            kelurahan = response.read().decode()
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(30)

    assert "<h1>Kota Teluk Uji</h1>" in home
    bbox = re.search(r'id="map"[^>]* data-bbox="([^"]+)"', home)
    assert bbox is not None
    assert [float(v) for v in bbox.group(1).split(",")] == pytest.approx([121.40, -1.05, 121.43, -1.03])
    assert "pekalongan" not in home.lower()
    assert "Tanjung Jaya" in kelurahan and "pekalongan" not in kelurahan.lower()
