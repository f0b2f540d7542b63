"""The station overview reads every station in a fixed number of queries, with each station's own
threshold names (the version in force)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotapintar.flood import selectors, services
from kotapintar.flood.models import Parameter
from tests.flood.conftest import T0, reading, river_station

pytestmark = pytest.mark.django_db


def _queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.station_summaries()
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_stations(city):
    river_station("loji-1", "Loji 1", "Podosugih", 600)
    one = _queries()
    for i in range(2, 6):
        river_station(f"loji-{i}", f"Loji {i}", "Podosugih", 600)

    assert _queries() == one


def test_each_station_names_its_level_by_the_thresholds_in_force(city):
    river_station("loji-1", "Loji 1", "Podosugih", 600, on_readings=1, aliases=["A4", "A3", "A2", "A1"])
    station = river_station("loji-2", "Loji 2", "Podosugih", 600, on_readings=1)
    services.threshold_set_create(
        actor=None,
        station=station,
        parameter=Parameter.WATER_LEVEL,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        waspada=100,
        siaga=150,
        awas=200,
        deadband=10,
        off_delay_s=1800,
        on_readings=1,
        aliases=["B4", "B3", "B2", "B1"],
    )
    services.readings_ingest(
        readings=[reading(code, 160, T0 + timedelta(minutes=1)) for code in ("loji-1", "loji-2")],
        source="http",
    )

    names = {s.station.code: s.level_name for s in selectors.station_summaries()}

    assert names == {"loji-1": "A2", "loji-2": "B2"}
