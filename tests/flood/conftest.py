"""Fixtures of the flood tests: stations with datastreams and thresholds on the real Pekalongan map."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from shapely.geometry import shape

from kotapintar.core.models import City, Kelurahan, Role
from kotapintar.flood import services
from kotapintar.flood.models import Parameter, Station, StationKind
from kotapintar.flood.services import DatastreamSpec

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def point_in(kelurahan_name: str) -> tuple[float, float]:
    kel = Kelurahan.objects.get(name__iexact=kelurahan_name)
    p = shape(kel.geometry).representative_point()
    return float(p.x), float(p.y)


@pytest.fixture
def operator(make_user: Any) -> Any:
    return make_user(Role.OPERATOR_BPBD, username="operator")


def river_station(code: str, name: str, kelurahan: str, interval_s: int, **limits: Any) -> Station:
    """A Kali Loji gauge with Waspada 100, Siaga 150, Awas 200 cm from 2020 on (`limits` override)."""
    lon, lat = point_in(kelurahan)
    station = services.station_create(
        actor=None,
        code=code,
        name=name,
        kind=StationKind.RIVER,
        lon=lon,
        lat=lat,
        river="Kali Loji",
        datastreams=[DatastreamSpec(Parameter.WATER_LEVEL, interval_s)],
    )
    services.threshold_set_create(
        actor=None,
        station=station,
        parameter=Parameter.WATER_LEVEL,
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        **{"waspada": 100, "siaga": 150, "awas": 200, "deadband": 10, "off_delay_s": 1800, **limits},
    )
    return station


@pytest.fixture
def river(city: City) -> Station:
    # One reading escalates: these tests are about levels, versions and delivery; the escalation
    # dwell (the default, 2 readings) has its own tests in test_incidents.py.
    return river_station(
        "loji-1",
        "Kali Loji Podosugih",
        "Podosugih",
        600,
        aliases=["Siaga IV", "Siaga III", "Siaga II", "Siaga I"],
        on_readings=1,
    )


@pytest.fixture
def rain(city: City) -> Station:
    lon, lat = point_in("Bendan Kergon")
    return services.station_create(
        actor=None,
        code="hujan-1",
        name="Pos Hujan Kergon",
        kind=StationKind.RAIN,
        lon=lon,
        lat=lat,
        datastreams=[DatastreamSpec(Parameter.RAINFALL, 600)],
    )


def reading(station: str, value: Any, at: datetime, parameter: str = "water_level") -> dict[str, Any]:
    return {"station": station, "parameter": parameter, "time": at.isoformat(), "value": value}
