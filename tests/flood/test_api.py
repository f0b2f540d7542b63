"""The flood API: batch readings, CSV back-fill, stations, alerts, thresholds, permissions."""

from datetime import timedelta

import pytest

from kotapintar.core.models import Role
from kotapintar.flood.models import Observation, Quarantine
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db


def test_batch_endpoint_stores_and_reports_rejections(token_client, operator, river):
    c = token_client(operator)
    batch = [
        reading("loji-1", 50, T0),
        reading("loji-1", 60, T0),
        reading("loji-1", "x", T0 + timedelta(minutes=1)),
    ]
    body = c.post("/api/v1/flood/readings", batch, content_type="application/json").json()
    assert (body["stored"], body["duplicates"], [r["code"] for r in body["rejected"]]) == (
        1,
        1,
        ["not_numeric"],
    )
    assert not Quarantine.objects.exists()  # HTTP callers get the reason back


def test_batch_endpoint_refuses_malformed_json(token_client, operator, river):
    response = token_client(operator).post("/api/v1/flood/readings", "[{", content_type="application/json")
    assert response.status_code in (400, 422)
    assert Observation.objects.count() == 0


def test_batch_endpoint_needs_an_operator(token_client, make_user, river):
    c = token_client(make_user(Role.BAPPEDA))
    response = c.post("/api/v1/flood/readings", [reading("loji-1", 1, T0)], content_type="application/json")
    assert response.status_code == 403


def test_csv_backfill(token_client, operator, river):
    csv = (
        "station,parameter,time,value\n"
        + "".join(
            f"loji-1,water_level,{(T0 + timedelta(minutes=10 * i)).isoformat()},{40 + i}\n" for i in range(30)
        )
        + "loji-1,water_level,not-a-time,1\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("h.csv", csv.encode(), content_type="text/csv")
    body = token_client(operator).post("/api/v1/flood/readings/csv", {"file": f}).json()
    assert (body["rows"], body["stored"], body["rejected"][0]["index"]) == (31, 30, 32)
    assert Observation.objects.count() == 30


def test_csv_without_the_columns_is_refused(token_client, operator, river):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("h.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = token_client(operator).post("/api/v1/flood/readings/csv", {"file": f})
    assert (response.status_code, response.json()["code"]) == (422, "bad_csv_header")


def test_oversized_csv_is_refused(token_client, operator, river, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kotapintar.flood import services

    big = b"station,parameter,time,value\n" + b"x" * (services.CSV_MAX_BYTES + 10)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    response = token_client(operator).post(
        "/api/v1/flood/readings/csv", {"file": SimpleUploadedFile("h.csv", big)}
    )
    assert response.status_code == 413


def test_stations_are_public_with_latest_value_and_level(client, river):
    from kotapintar.flood import services

    services.readings_ingest(readings=[reading("loji-1", 160, T0)], source="http")
    body = client.get("/api/v1/flood/stations").json()
    assert [(s["code"], s["value"], s["level_name"]) for s in body] == [("loji-1", 160.0, "Siaga II")]


def test_operator_adds_a_threshold_version(token_client, operator, river):
    payload = {
        "parameter": "water_level",
        "valid_from": "2026-02-01T00:00:00+07:00",
        "waspada": 90,
        "siaga": 140,
        "awas": 190,
        "aliases": ["Siaga IV", "Siaga III", "Siaga II", "Siaga I"],
        "reason": "re-levelling",
    }
    response = token_client(operator).post(
        "/api/v1/flood/stations/loji-1/thresholds", payload, content_type="application/json"
    )
    assert response.status_code == 201
    listed = token_client(operator).get("/api/v1/flood/stations/loji-1/thresholds").json()
    assert [t["waspada"] for t in listed] == [90, 100]


def test_acknowledge_through_the_api(token_client, operator, river):
    from kotapintar.flood import services

    alert = services.readings_ingest(readings=[reading("loji-1", 160, T0)], source="http").alerts[0]
    body = token_client(operator).post(f"/api/v1/flood/alerts/{alert.public_id}/ack").json()
    assert body["acknowledged_by"] == "operator"


def test_unknown_station_is_404(client, city):
    assert client.get("/api/v1/flood/stations/nope").status_code == 404
