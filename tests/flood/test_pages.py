"""Pages: the live map, station page, report form, operator pages, sitrep PDF, demo and simulator."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kotapintar.core.models import Role
from kotapintar.flood import services
from kotapintar.flood.models import Observation, PumpEvent, Shelter, Station
from tests.flood.conftest import point_in, reading

pytestmark = pytest.mark.django_db


def test_index_and_map_data(client, river):
    services.readings_ingest(readings=[reading("loji-1", 170, timezone.now())], source="http")
    assert client.get("/banjir/").status_code == 200
    data = client.get("/banjir/peta.json").json()
    assert len(data["kelurahan"]["features"]) == 27
    assert [(s["code"], s["level_name"]) for s in data["stations"]] == [("loji-1", "Siaga II")]


def test_station_page_carries_the_chart_data(client, river):
    services.readings_ingest(
        readings=[reading("loji-1", 70, timezone.now() - timedelta(hours=1))], source="http"
    )
    body = client.get("/banjir/stasiun/loji-1/").content.decode()
    assert 'id="chart-data"' in body and "Siaga III" in body


def test_layers_are_served_from_the_platform(client, city):
    assert client.get("/banjir/lapisan/rob.geojson").json()["type"] == "FeatureCollection"
    assert client.get("/banjir/lapisan/nope.geojson").status_code == 404


def test_report_form_stores_a_report(client, city):
    lon, lat = point_in("Degayu")
    response = client.post("/banjir/lapor/", {"lon": lon, "lat": lat, "depth_cm": 30, "text": "rob"})
    assert response.status_code == 302


def test_report_form_outside_the_city_shows_the_reason(client, city):
    response = client.post("/banjir/lapor/", {"lon": 0, "lat": 0, "depth_cm": 30})
    assert response.status_code == 422
    assert 'id="report-errors"' in response.content.decode()


def test_operator_pages_need_the_role(client, login_client, make_user, city):
    assert client.get("/banjir/peringatan/").status_code == 302  # to the login page
    c = login_client(make_user(Role.BAPPEDA))
    assert c.get("/banjir/peringatan/").status_code == 403


def test_operator_switches_a_pump(login_client, operator, city):
    lon, lat = point_in("Krapyak")
    services.station_create(actor=None, code="pompa-x", name="Pompa X", kind="pump_house", lon=lon, lat=lat)
    c = login_client(operator)
    c.post("/banjir/operasi/", {"pump": "pompa-x", "state": "on"})
    st = Station.objects.get(code="pompa-x")
    assert (st.pump_state, PumpEvent.objects.get().operator) == ("on", operator)


def test_pump_operating_hours_accumulate(operator, city):
    lon, lat = point_in("Krapyak")
    st = services.station_create(
        actor=None, code="pompa-y", name="Pompa Y", kind="pump_house", lon=lon, lat=lat
    )
    t0 = timezone.now() - timedelta(hours=3)
    services.pump_state_set(actor=operator, station=st, state="on", at=t0)
    services.pump_state_set(actor=operator, station=st, state="off", at=t0 + timedelta(hours=2))
    st.refresh_from_db()
    assert st.pump_running_seconds == 7200


def test_sitrep_button_returns_a_pdf(login_client, operator, river):
    response = login_client(operator).post("/banjir/sitrep.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_sitrep_command(tmp_path, river):
    out = tmp_path / "s.pdf"
    call_command("flood_sitrep", out=str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_demo_seed_is_idempotent(city):
    from kotapintar.flood import demo

    lines: list[str] = []
    demo.seed(out=lines.append)
    counts = (Station.objects.count(), Observation.objects.count(), Shelter.objects.count())
    demo.seed(out=lines.append)
    assert (Station.objects.count(), Observation.objects.count(), Shelter.objects.count()) == counts
    assert {"pompa-silempeng", "pompa-sengkarang", "pompa-pabean", "pompa-mrican", "pelabuhan"} <= set(
        Station.objects.values_list("code", flat=True)
    )


def test_the_simulator_over_http_stores_readings(live_server, operator, city):
    from kotapintar.core import services as core_services

    lon, lat = point_in("Podosugih")
    services.station_create(
        actor=None,
        code="sim-loji",
        name="Sim Loji",
        kind="river_level",
        lon=lon,
        lat=lat,
        river="Kali Loji",
        datastreams=[services.DatastreamSpec("water_level", 60)],
    )
    _t, token = core_services.api_token_create(user=operator, name="sim")
    call_command(
        "simulate_sensors", transport="http", url=live_server.url, token=token, count=1, interval=0.1
    )
    assert Observation.objects.filter(datastream__station__code="sim-loji").count() == 1
