"""The metrics registry (kotapintar.core.metrics): each module's declarations, their age and staleness."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError
from django.utils import timezone

from kotapintar.core import metrics
from kotapintar.core.metrics import Metric
from tests.flood.conftest import river  # noqa: F401 - a station with thresholds

pytestmark = pytest.mark.django_db


def _metric(**kwargs: Any) -> Metric:
    fields: dict[str, Any] = {
        "code": "uji.angka",
        "module": "/uji/",
        "name_id": "Angka uji",
        "name_en": "Test figure",
        "unit": "buah",
        "update_every_s": 60,
        "stale_after_s": 600,
        "current": lambda: 3.0,
        "as_of": timezone.now,
    }
    fields.update(kwargs)
    return Metric(**fields)


def test_every_module_declares_its_metrics():
    modules = {m.module for m in metrics.metrics()}
    assert {"/tte/", "/batik/", "/banjir/"} <= modules
    assert all(m.code.split(".")[0] in ("esign", "wallet", "batik", "flood") for m in metrics.metrics())


def test_every_declared_metric_reads_on_an_empty_city(city):
    for m in metrics.metrics():
        reading = metrics.read(m)
        assert not reading.error, m.code


def test_a_metric_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        metrics.register(_metric(code="flood.stations_reporting"))


def test_a_stale_limit_below_the_update_interval_is_refused():
    with pytest.raises(ValueError, match="stale_after_s"):
        metrics.register(_metric(update_every_s=600, stale_after_s=60))


def test_old_data_is_stale():
    now = timezone.now()
    fresh = metrics.read(_metric(as_of=lambda: now - timedelta(seconds=599)), now=now)
    late = metrics.read(_metric(as_of=lambda: now - timedelta(seconds=601)), now=now)
    never = metrics.read(_metric(as_of=lambda: None), now=now)
    assert not fresh.stale and late.stale and never.stale
    assert late.age_s == pytest.approx(601)


def test_a_database_outage_is_an_empty_stale_reading():
    def broken():
        raise DatabaseError("down")

    reading = metrics.read(_metric(current=broken))
    assert reading.error and reading.stale and reading.value is None


def test_sensor_figures_go_stale_an_hour_after_the_last_reading(river):  # noqa: F811 - the fixture
    from kotapintar.flood import services
    from tests.flood.conftest import reading

    m = metrics.metric("flood.stations_reporting")
    assert m is not None
    services.readings_ingest(readings=[reading("loji-1", 50, timezone.now())], source="http")
    assert not metrics.read(m).stale and metrics.read(m).value == 1
    later = timezone.now() + timedelta(seconds=m.stale_after_s + 1)
    assert metrics.read(m, now=later).stale
