"""Ingestion: stored once, late readings accepted, bad readings rejected with a reason, latest table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.flood import services
from kotapintar.flood.models import Latest, Observation, Quarantine
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db


def test_a_reading_is_stored_once_however_often_it_arrives(river):
    batch = [reading("loji-1", 50, T0), reading("loji-1", 50, T0)]
    first = services.readings_ingest(readings=batch, source="http")
    second = services.readings_ingest(readings=batch, source="http")
    assert (first.stored, first.duplicates, second.stored, second.duplicates) == (1, 1, 0, 2)
    assert Observation.objects.count() == 1


def test_a_duplicate_with_another_value_does_not_change_what_is_stored(river):
    services.readings_ingest(readings=[reading("loji-1", 50, T0)], source="http")
    services.readings_ingest(readings=[reading("loji-1", 999, T0)], source="http")
    assert Observation.objects.get().value == 50


def test_late_readings_are_stored_but_do_not_replace_the_latest_value(river):
    services.readings_ingest(readings=[reading("loji-1", 60, T0 + timedelta(hours=1))], source="http")
    services.readings_ingest(readings=[reading("loji-1", 40, T0)], source="http")
    assert Observation.objects.count() == 2
    latest = Latest.objects.get()
    assert (latest.value, latest.phenomenon_time) == (60, T0 + timedelta(hours=1))


def test_latest_keeps_the_previous_value_for_the_trend(river):
    services.readings_ingest(readings=[reading("loji-1", 60, T0)], source="http")
    services.readings_ingest(readings=[reading("loji-1", 70, T0 + timedelta(minutes=10))], source="http")
    latest = Latest.objects.get()
    assert (latest.previous_value, latest.value) == (60, 70)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (
            {"station": "nope", "parameter": "water_level", "time": "2026-01-01T00:00:00Z", "value": 1},
            "unknown_station",
        ),
        (
            {"station": "loji-1", "parameter": "rainfall", "time": "2026-01-01T00:00:00Z", "value": 1},
            "unknown_parameter",
        ),
        ({"station": "loji-1", "parameter": "water_level", "time": "yesterday", "value": 1}, "bad_time"),
        (
            {"station": "loji-1", "parameter": "water_level", "time": "2026-01-01T00:00:00", "value": 1},
            "bad_time",
        ),
        (
            {
                "station": "loji-1",
                "parameter": "water_level",
                "time": "2026-01-01T00:00:00Z",
                "value": "tinggi",
            },
            "not_numeric",
        ),
        (
            {
                "station": "loji-1",
                "parameter": "water_level",
                "time": "2026-01-01T00:00:00Z",
                "value": float("nan"),
            },
            "not_numeric",
        ),
        (
            {"station": "loji-1", "parameter": "water_level", "time": "2026-01-01T00:00:00Z", "value": 99999},
            "impossible_value",
        ),
        ({"station": "loji-1", "parameter": "water_level", "time": "2026-01-01T00:00:00Z"}, "malformed"),
        ([1, 2], "malformed"),
    ],
)
def test_bad_readings_are_rejected_with_their_reason(river, raw, code):
    result = services.readings_ingest(readings=[raw], source="http")
    assert [r.code for r in result.rejected] == [code]
    assert Observation.objects.count() == 0


def test_readings_far_in_the_future_are_rejected(river):
    future = timezone.now() + timedelta(days=1)
    result = services.readings_ingest(readings=[reading("loji-1", 1, future)], source="http")
    assert [r.code for r in result.rejected] == ["future_time"]


def test_one_bad_reading_does_not_stop_the_others(river):
    result = services.readings_ingest(
        readings=[reading("loji-1", "x", T0), reading("loji-1", 10, T0)], source="http"
    )
    assert (result.stored, len(result.rejected), result.rejected[0].index) == (1, 1, 0)


def test_quarantine_keeps_the_payload_and_the_reason(river):
    services.readings_ingest(
        readings=[reading("loji-1", -9999, T0)],
        source="mqtt",
        quarantine=True,
        raw_payloads=['{"v": -9999}'],
        topic="kotapintar/loji-1/water_level",
    )
    q = Quarantine.objects.get()
    assert (q.source, q.reason_code, q.payload) == ("mqtt", "impossible_value", '{"v": -9999}')


def test_a_large_batch_is_stored_once_with_its_duplicates_reported(river):
    # 300 readings take the bulk path (COPY + staging table on PostgreSQL); 50 of them arrive twice.
    batch = [reading("loji-1", 40 + i % 30, T0 + timedelta(minutes=i)) for i in range(300)]
    services.readings_ingest(readings=batch[:50], source="http")
    result = services.readings_ingest(readings=batch, source="http")
    assert (result.stored, result.duplicates) == (250, 50)
    assert Observation.objects.count() == 300
    assert Latest.objects.get().phenomenon_time == T0 + timedelta(minutes=299)


def test_nul_characters_are_refused_not_stored(river):
    raw = {"station": "loji-1\x00", "parameter": "water_level", "time": T0.isoformat(), "value": 1}
    result = services.readings_ingest(
        readings=[raw], source="mqtt", quarantine=True, raw_payloads=['{"a": "\x00"}']
    )
    assert [r.code for r in result.rejected] == ["unknown_station"]
    assert "\x00" not in Quarantine.objects.get().payload
