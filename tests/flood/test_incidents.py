"""Incidents: one per hazard and place from first crossing to back-to-normal, no flapping, one
notification per step, a quiet period for de-escalations, bulk acknowledgement."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from kotapintar.flood import services
from kotapintar.flood.errors import AlreadyAcknowledged, BadNote
from kotapintar.flood.models import Channel, ChannelKind, Delivery, Incident, Station
from kotapintar.lib.hysteresis import raw_level
from tests.flood.conftest import T0, reading, river_station

pytestmark = pytest.mark.django_db

LIMITS = (100.0, 150.0, 200.0)


@pytest.fixture
def gauge(city) -> Station:
    """A river gauge with the default escalation dwell (2 readings), deadband 10 cm, off-delay 30 min."""
    return river_station("loji-2", "Kali Loji Kauman", "Kauman", 60)


@pytest.fixture
def channel() -> Channel:
    return Channel.objects.create(
        name="BPBD", kind=ChannelKind.WEBHOOK, target="https://bpbd.example.org/hook", min_level=1
    )


def noisy_flood(start: datetime) -> list[tuple[datetime, float]]:
    """1-minute readings: 30 min at 60 cm, an hour at Waspada ±5 cm, an hour at Siaga ±5 cm, a one-hour
    recession to 50 cm, then 90 min at 50 cm."""
    rng = random.Random(14)
    values = [60.0] * 30
    values += [LIMITS[0] + rng.uniform(-5, 5) for _ in range(60)]
    values += [LIMITS[1] + rng.uniform(-5, 5) for _ in range(60)]
    values += [LIMITS[1] - (LIMITS[1] - 50.0) * i / 60 for i in range(1, 61)]
    values += [50.0] * 90
    return [(start + timedelta(minutes=i), round(v, 1)) for i, v in enumerate(values)]


def feed(code: str, series: list[tuple[datetime, float]], batch: int = 10) -> None:
    for i in range(0, len(series), batch):
        services.readings_ingest(
            readings=[reading(code, v, t) for t, v in series[i : i + batch]], source="http"
        )


def test_a_noisy_rise_through_waspada_and_siaga_is_one_incident_with_one_step_per_level(gauge, channel):
    series = noisy_flood(T0)
    raw = [raw_level(v, LIMITS) for _, v in series]
    assert sum(1 for a, b in zip(raw, raw[1:], strict=False) if a != b) > 20  # the noise does cross
    feed("loji-2", series)
    incident = Incident.objects.get()
    steps = [(s.from_level, s.to_level) for s in incident.steps.order_by("seq")]
    ups = [s for s in steps if s[1] > s[0]]
    downs = [s for s in steps if s[1] < s[0]]
    assert sorted(up[1] for up in ups) == [1, 2]  # exactly one escalation per level
    assert len({down[0] for down in downs}) == len(downs)  # at most one de-escalation per level
    assert incident.closed_at is not None and incident.max_level == 2
    assert Delivery.objects.filter(channel=channel).count() == len(steps)
    assert Delivery.objects.filter(alert__incident_step__incident=incident).count() == len(steps)


def test_a_single_spike_does_not_escalate(gauge):
    feed("loji-2", [(T0, 60.0), (T0 + timedelta(minutes=1), 170.0), (T0 + timedelta(minutes=2), 60.0)])
    assert not Incident.objects.exists()


def test_the_dwell_escalates_to_the_lowest_level_held(gauge):
    feed("loji-2", [(T0, 160.0), (T0 + timedelta(minutes=1), 120.0)])
    assert Incident.objects.get().level == 1


def test_a_de_escalation_within_the_quiet_period_is_not_sent(gauge, channel):
    minutes = [0, 1, 2, 3, 40, 41]  # 0→2 at minute 1, 2→1 after 30 min below 140 (minute 40)
    values = [160, 160, 120, 120, 120, 120]
    feed("loji-2", [(T0 + timedelta(minutes=m), float(v)) for m, v in zip(minutes, values, strict=True)])
    incident = Incident.objects.get()
    assert [(s.from_level, s.to_level) for s in incident.steps.order_by("seq")] == [(0, 2), (2, 1)]
    assert Delivery.objects.filter(channel=channel).count() == 1  # the opening only: 39 min < 60 min


def test_a_new_rise_after_the_close_is_a_new_incident(gauge):
    feed("loji-2", [(T0 + timedelta(minutes=m), 120.0) for m in (0, 1)])
    feed("loji-2", [(T0 + timedelta(minutes=m), 50.0) for m in range(2, 40)])
    feed("loji-2", [(T0 + timedelta(minutes=m), 120.0) for m in (50, 51)])
    assert [i.closed_at is None for i in Incident.objects.order_by("opened_at")] == [False, True]


def test_operators_acknowledge_several_incidents_at_once_with_a_note(river, gauge, operator):
    feed("loji-1", [(T0, 120.0)])
    feed("loji-2", [(T0, 120.0), (T0 + timedelta(minutes=1), 121.0)])
    incidents = list(Incident.objects.all())
    services.incidents_acknowledge(actor=operator, incidents=incidents, note="Tim TRC dikirim")
    assert {(i.acknowledged_by, i.acknowledged_note) for i in Incident.objects.all()} == {
        (operator, "Tim TRC dikirim")
    }


def test_acknowledging_is_all_or_nothing(river, gauge, operator):
    feed("loji-1", [(T0, 120.0)])
    feed("loji-2", [(T0, 120.0), (T0 + timedelta(minutes=1), 121.0)])
    first = Incident.objects.get(station__code="loji-1")
    services.incidents_acknowledge(actor=operator, incidents=[first])
    with pytest.raises(AlreadyAcknowledged):
        services.incidents_acknowledge(actor=operator, incidents=list(Incident.objects.all()))
    assert Incident.objects.filter(acknowledged_at__isnull=True).count() == 1


def test_a_long_note_is_refused(river, operator):
    feed("loji-1", [(T0, 120.0)])
    with pytest.raises(BadNote):
        services.incidents_acknowledge(actor=operator, incidents=list(Incident.objects.all()), note="x" * 501)
