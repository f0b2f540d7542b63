"""lib.hysteresis: escalate at once, de-escalate after off-delay and below the deadband."""

from datetime import UTC, datetime, timedelta

import pytest

from kotapintar.lib.hysteresis import Limits, State, raw_level, step

T = datetime(2026, 1, 1, tzinfo=UTC)
L = Limits((100.0, 150.0, 200.0), deadband=10.0, off_delay=timedelta(minutes=30))


def run(values: list[tuple[int, float]], state: State | None = None) -> list[int]:
    s = state or State()
    levels = []
    for minute, value in values:
        s, _changed = step(s, value, T + timedelta(minutes=minute), L)
        levels.append(s.level)
    return levels


def test_bands_are_half_open_without_gaps():
    assert [raw_level(v, L.limits) for v in (99.9, 100, 149.9, 150, 200, 5000)] == [0, 1, 1, 2, 3, 3]


def test_one_reading_escalates_at_once_even_several_levels():
    assert run([(0, 40), (1, 250)]) == [0, 3]


def test_no_de_escalation_before_the_off_delay():
    assert run([(0, 160), (10, 120), (20, 120), (35, 120), (40, 120)]) == [2, 2, 2, 2, 1]


def test_value_inside_the_deadband_keeps_the_level():
    # 145 is below Siaga (150) but not below 150 - 10: it never counts as "below".
    assert run([(0, 160), (10, 145), (60, 145), (120, 145)]) == [2, 2, 2, 2]


def test_rising_again_restarts_the_off_delay():
    assert run([(0, 160), (10, 120), (30, 155), (40, 120), (60, 120), (71, 120)]) == [2, 2, 2, 2, 2, 1]


def test_late_values_change_nothing():
    s, _ = step(State(), 160, T, L)
    s2, changed = step(s, 500, T - timedelta(minutes=5), L)
    assert (s2, changed) == (s, False)


def test_descending_limits_are_refused():
    with pytest.raises(ValueError):
        Limits((3.0, 2.0, 1.0))
