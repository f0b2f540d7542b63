"""Rob forecast: tide prediction + subsidence against the gauge's thresholds, warned ahead of time."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from kotapintar.core.models import Kelurahan
from kotapintar.flood import selectors, services
from kotapintar.flood.models import Alert, AlertKind, Parameter, RobForecast
from tests.flood.conftest import point_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 12, 0, 0, tzinfo=UTC)
# A pure semidiurnal tide: 50 cm amplitude around a mean of 110 cm on the gauge.
MODEL = {
    "constituents": [{"name": "M2", "amplitude_m": 0.5, "phase_deg": 0.0}],
    "z0_m": 1.10,
    "latitude": -6.86,
}


@pytest.fixture
def gauge(city):
    lon, lat = point_in("Panjang Wetan")
    codes = list(
        Kelurahan.objects.filter(name__in=["Panjang Wetan", "Krapyak"]).values_list("code", flat=True)
    )
    st = services.station_create(
        actor=None,
        code="pelabuhan",
        name="Pelabuhan",
        kind="tide_gauge",
        lon=lon,
        lat=lat,
        datastreams=[services.DatastreamSpec(Parameter.TIDE_LEVEL, 600)],
        warns_kelurahan=codes,
        subsidence_cm_per_year=10.0,
    )
    services.station_tide_set(actor=None, station=st, model_json=MODEL, epoch=date(2026, 1, 1))
    services.threshold_set_create(
        actor=None,
        station=st,
        parameter=Parameter.TIDE_LEVEL,
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
        waspada=150,
        siaga=158,
        awas=175,
        deadband=3,
    )
    st.refresh_from_db()
    return st


@time_machine.travel(NOW, tick=False)
def test_windows_where_the_tide_reaches_siaga_are_forecast(gauge):
    windows = services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    assert windows, "a 160 cm high water (110 + 50 + subsidence) must reach Waspada and Siaga"
    assert {w.level for w in windows} == {2}
    # Semidiurnal: about four high waters in two days.
    assert 3 <= len(windows) <= 5
    for w in windows:
        assert 158 <= w.peak_cm <= 162
        assert w.starts_at < w.peak_at < w.ends_at


@time_machine.travel(NOW, tick=False)
def test_subsidence_raises_the_forecast(gauge):
    flat = {"constituents": [{"name": "M2", "amplitude_m": 0.0, "phase_deg": 0.0}], "z0_m": 1.10}
    services.station_tide_set(actor=None, station=gauge, model_json=flat, epoch=date(2026, 1, 1))
    gauge.refresh_from_db()
    at_fit, two_years_on = selectors.rob_predicted_cm(
        gauge, [datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)]
    )
    assert at_fit == pytest.approx(110.0)
    assert two_years_on == pytest.approx(110.0 + 10.0 * 730 / 365.25)


@time_machine.travel(NOW, tick=False)
def test_the_warning_names_the_day_hours_and_kelurahan_in_indonesian(gauge):
    with translation.override("id"):
        [first, *_] = services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    assert first.message.startswith("rob Siaga diperkirakan ")
    assert "Panjang Wetan" in first.message and "Krapyak" in first.message


@time_machine.travel(NOW, tick=False)
def test_a_coming_window_raises_the_rob_alarm_once(gauge):
    services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    alerts = list(Alert.objects.filter(kind=AlertKind.ROB))
    assert [(a.level, a.previous_level) for a in alerts] == [(2, 0)]
    assert "diperkirakan" in alerts[0].message or "expected" in alerts[0].message


@time_machine.travel(NOW, tick=False)
def test_refresh_replaces_future_windows(gauge):
    services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    n = RobForecast.objects.count()
    services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    assert RobForecast.objects.count() == n


@time_machine.travel(NOW, tick=False)
def test_next_high_tide_comes_from_the_constituents(gauge):
    high = selectors.next_high_tide(station=gauge, now=NOW)
    assert high is not None
    when, cm = high
    assert NOW < when < NOW + timedelta(hours=13)
    assert 155 < cm < 163  # 110 + 50 × nodal factor + subsidence since the fit


@time_machine.travel(NOW, tick=False)
def test_rob_windows_are_published_in_the_cap_feed(client, gauge):
    from pathlib import Path

    import xmlschema

    import kotapintar.flood

    services.rob_forecast_refresh(station=gauge, start=NOW, days=2)
    body = client.get("/banjir/cap.xml").content
    xmlschema.XMLSchema(Path(kotapintar.flood.__file__).parent / "data" / "CAP-v1.2.xsd").validate(body)
    assert body.count(b"<urgency>Expected</urgency>") == RobForecast.objects.count()
