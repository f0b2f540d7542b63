"""Alarms on every reading: level changes with hysteresis, versioned thresholds, rain sums, silence."""

from datetime import UTC, datetime, timedelta

import pytest

from kotapintar.core.models import AuditEntry
from kotapintar.flood import services
from kotapintar.flood.errors import AlreadyAcknowledged, BadLimits
from kotapintar.flood.models import Alert, AlertKind, Parameter
from kotapintar.flood.rain import rain_category
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db


def ingest(station, values, parameter="water_level", step_min=10):
    return services.readings_ingest(
        readings=[
            reading(station, v, T0 + timedelta(minutes=i * step_min), parameter) for i, v in enumerate(values)
        ],
        source="http",
    )


def test_escalation_is_immediate_and_named_with_the_station_alias(river):
    result = ingest("loji-1", [50, 160])
    assert [(a.previous_level, a.level, a.level_name) for a in result.alerts] == [(0, 2, "Siaga II")]


def test_de_escalation_waits_for_the_off_delay(river):
    ingest("loji-1", [160, 120, 120, 120])  # 0, 10, 20, 30 min: below 150-10 since minute 10
    assert [a.level for a in Alert.objects.order_by("id")] == [2]
    ingest_more = services.readings_ingest(
        readings=[reading("loji-1", 120, T0 + timedelta(minutes=40))], source="http"
    )
    assert [a.level for a in ingest_more.alerts] == [1]


def test_each_level_change_supersedes_the_previous_alert(river):
    ingest("loji-1", [120, 160, 210])
    alerts = list(Alert.objects.order_by("id"))
    assert [a.level for a in alerts] == [1, 2, 3]
    assert [a.superseded_at is None for a in alerts] == [False, False, True]


def test_readings_are_judged_by_the_threshold_version_valid_at_their_time(river, operator):
    services.threshold_set_create(
        actor=operator,
        station=river,
        parameter=Parameter.WATER_LEVEL,
        valid_from=T0 + timedelta(hours=1),
        waspada=80,
        siaga=90,
        awas=95,
        reason="re-levelling after subsidence",
        on_readings=1,
    )
    ingest("loji-1", [85])  # T0: old set, Normal
    assert not Alert.objects.exists()
    services.readings_ingest(readings=[reading("loji-1", 85, T0 + timedelta(hours=2))], source="http")
    assert Alert.objects.get().level == 1


def test_an_alert_change_is_audited(river):
    ingest("loji-1", [160])
    assert AuditEntry.objects.filter(action="flood.alert_raise").count() == 1


def test_operator_acknowledges_an_alert_once(river, operator):
    alert = ingest("loji-1", [160]).alerts[0]
    services.alert_acknowledge(actor=operator, alert=alert)
    alert.refresh_from_db()
    assert alert.acknowledged_by == operator
    with pytest.raises(AlreadyAcknowledged):
        services.alert_acknowledge(actor=operator, alert=alert)


def test_rain_sums_raise_the_bmkg_category(rain):
    # 6 readings of 3 mm in one hour: 18 mm/h is "lebat" (10–20 mm/h) → Siaga.
    result = ingest("hujan-1", [3, 3, 3, 3, 3, 3], parameter="rainfall")
    last = result.alerts[-1]
    assert (last.kind, last.level) == (AlertKind.RAIN, 2)
    assert last.detail["categories"]["1"] == "lebat"


def test_light_rain_raises_nothing(rain):
    assert ingest("hujan-1", [0.5, 0.5, 0.5], parameter="rainfall").alerts == []


@pytest.mark.parametrize(
    ("mm", "hours", "category"),
    [
        (0.2, 24, "none"),
        (10, 24, "ringan"),
        (20, 24, "sedang"),
        (60, 24, "lebat"),
        (120, 24, "sangat_lebat"),
        (151, 24, "ekstrem"),
        (3, 1, "ringan"),
        (7, 1, "sedang"),
        (15, 1, "lebat"),
        (25, 1, "sangat_lebat"),
        (30, 3, "lebat"),
    ],
)
def test_bmkg_rain_categories(mm, hours, category):
    assert rain_category(mm, hours) == category


def test_a_silent_station_raises_sensor_silent_and_clears_on_data(river):
    ingest("loji-1", [50])
    alerts = services.silent_check(now=T0 + timedelta(minutes=31))
    assert [(a.kind, a.level) for a in alerts] == [(AlertKind.SILENT, 1)]
    assert services.silent_check(now=T0 + timedelta(minutes=40)) == []  # raised once
    back = services.readings_ingest(
        readings=[reading("loji-1", 50, T0 + timedelta(minutes=41))], source="http"
    )
    assert [(a.kind, a.level) for a in back.alerts] == [(AlertKind.SILENT, 0)]


def test_a_station_within_its_interval_is_not_silent(river):
    ingest("loji-1", [50])
    assert services.silent_check(now=T0 + timedelta(minutes=29)) == []


def test_active_alerts_are_reissued_before_they_expire(river):
    alert = ingest("loji-1", [160]).alerts[0]
    later = alert.expires_at - timedelta(minutes=30)
    new = services.alerts_reissue(now=later)
    assert [(a.level, a.reissue_of_id) for a in new] == [(2, alert.pk)]
    assert new[0].expires_at > alert.expires_at


def test_thresholds_must_ascend(river, operator):
    with pytest.raises(BadLimits):
        services.threshold_set_create(
            actor=operator,
            station=river,
            parameter="water_level",
            valid_from=datetime(2027, 1, 1, tzinfo=UTC),
            waspada=200,
            siaga=150,
            awas=300,
        )
