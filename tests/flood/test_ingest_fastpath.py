"""The batch fast paths give the same result as the reading-by-reading rules they shortcut."""

import gc
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kotapintar.flood import services
from kotapintar.flood.models import Alert, AlertState
from kotapintar.flood.readings import Row
from kotapintar.flood.services import ingest
from kotapintar.lib.hysteresis import Limits, State, steady_band, step
from tests.flood.conftest import T0, reading

T = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_value_inside_the_steady_band_only_moves_last_time():
    rng = random.Random(7)
    limits = Limits((100.0, 150.0, 200.0), deadband=10.0, off_delay=timedelta(minutes=30))
    checked = 0
    for _ in range(5000):
        state = State(level=rng.randint(0, 3), last_time=T)
        band = steady_band(state, limits)
        assert band is not None
        value = rng.uniform(-50, 300)
        new, changed = step(state, value, T + timedelta(minutes=1), limits)
        inside = value < band[1] and value + limits.deadband >= band[0]
        assert inside == (new == State(level=state.level, last_time=T + timedelta(minutes=1)) and not changed)
        checked += inside
    assert checked > 500


def test_no_steady_band_while_counting_down():
    limits = Limits((100.0,), off_delay=timedelta(minutes=30))
    assert steady_band(State(level=1, below_since=T, pending_level=0, last_time=T), limits) is None


def test_one_batch_raises_the_alerts_that_step_gives_reading_by_reading(river):
    rng = random.Random(3)
    values, v = [], 90.0
    for _ in range(600):  # a random walk: slow crossings, countdowns that complete or restart
        v = min(230.0, max(30.0, v + round(rng.uniform(-9, 9), 1)))
        values.append(v)
    times = [T0 + timedelta(minutes=5 * i) for i in range(len(values))]
    services.readings_ingest(
        readings=[reading("loji-1", v, t) for v, t in zip(values, times, strict=True)], source="http"
    )
    limits = Limits((100.0, 150.0, 200.0), deadband=10.0, off_delay=timedelta(seconds=1800))
    state, expected = State(), []
    for v, t in zip(values, times, strict=True):
        previous = state.level
        state, changed = step(state, v, t, limits)
        if changed:
            expected.append((state.level, previous, t, v))
    rows = Alert.objects.filter(station=river).order_by("phenomenon_time", "pk")
    assert len(expected) > 10
    assert [(a.level, a.previous_level, a.phenomenon_time, a.value) for a in rows] == expected
    stored = AlertState.objects.get(station=river, kind="level")
    assert (stored.level, stored.below_since, stored.pending_level, stored.last_time) == (
        state.level,
        state.below_since,
        state.pending_level,
        state.last_time,
    )


def test_the_batch_checks_match_the_single_reading_checks(river):
    now = timezone.now()
    index, known = ingest._datastream_index(["loji-1", "nowhere"])
    good = reading("loji-1", 120.0, T0)
    readings = [
        good,
        dict(good),  # the same time string again: parsed once, same result
        {**good, "value": 99999.0},
        {**good, "value": float("inf")},
        {**good, "value": 12},
        {**good, "value": "12,5"},
        {**good, "quality": "suspect"},
        {**good, "quality": "bad"},
        {**good, "time": (now + timedelta(days=1)).isoformat()},
        {**good, "time": (now + timedelta(days=1)).isoformat()},
        {**good, "time": "1980-01-01T00:00:00Z"},
        {**good, "time": "kemarin"},
        {**good, "time": "2026-01-01T00:00:00"},
        {**good, "station": "nowhere"},
        {**good, "parameter": "rainfall"},
        {"station": "loji-1"},
        [1, 2],
    ]
    latest_allowed = now + services.FUTURE_TOLERANCE
    valid, refused = ingest._validate_all(readings, index, known, latest_allowed)
    expected = [ingest._validate(raw, index, known, latest_allowed) for raw in readings]
    assert valid == [e for e in expected if isinstance(e, Row)]
    assert refused == [(i, e) for i, e in enumerate(expected) if not isinstance(e, Row)]
    assert len(valid) == 5


def test_the_collector_is_paused_for_a_batch_and_back_on_after_it_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with services.gc_paused():
            assert not gc.isenabled()
            with services.gc_paused():
                pass
            assert not gc.isenabled()  # an inner pause leaves the outer one in force
            raise RuntimeError("batch failed")
    assert gc.isenabled()


def test_ingest_leaves_the_collector_on(river):
    services.readings_ingest(readings=[reading("loji-1", 50.0, T0)], source="http")
    assert gc.isenabled()


def test_one_batch_across_a_threshold_change_uses_the_version_valid_at_each_reading(river):
    services.threshold_set_create(
        actor=None,
        station=river,
        parameter="water_level",
        valid_from=T0 + timedelta(hours=1),
        waspada=80,
        siaga=90,
        awas=95,
        on_readings=1,
    )
    batch = [reading("loji-1", 85.0, T0 + timedelta(minutes=30 * i)) for i in range(5)]
    result = services.readings_ingest(readings=batch, source="http")
    assert [(a.level, a.phenomenon_time) for a in result.alerts] == [(1, T0 + timedelta(hours=1))]
