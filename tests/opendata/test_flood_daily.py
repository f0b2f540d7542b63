"""The flood dataset's daily summary comes from the rollups ingestion keeps: the same figures the raw
readings give, per local day."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kotapintar.flood import services as flood_services
from tests.flood.conftest import reading, river  # noqa: F401 - the station the readings are for

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def test_daily_summary_per_local_day(client, river, producers, publish):  # noqa: F811 - the fixture
    times = [datetime(2026, 11, 30, 23, 0, tzinfo=WIB), datetime(2026, 12, 1, 1, 0, tzinfo=WIB)]
    times.append(datetime(2026, 12, 1, 6, 0, tzinfo=WIB))
    flood_services.readings_ingest(
        readings=[reading("loji-1", v, t) for v, t in zip((40, 50, 70), times, strict=True)], source="http"
    )
    publish(["banjir-rob"])
    rows = json.loads(client.get("/data/banjir-rob/bacaan-harian.json").content)["rows"]
    by_day = {r["tanggal"]: r for r in rows if r["stasiun"] == "loji-1"}
    assert by_day["2026-11-30"]["jumlah_bacaan"] == 1 and by_day["2026-11-30"]["rata_rata"] == 40
    assert by_day["2026-12-01"]["jumlah_bacaan"] == 2
    assert (by_day["2026-12-01"]["minimum"], by_day["2026-12-01"]["maksimum"]) == (50, 70)
    assert by_day["2026-12-01"]["rata_rata"] == 60
