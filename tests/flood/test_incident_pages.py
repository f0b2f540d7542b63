"""The operators' incident page and the incident API: open first, named levels, filters, bulk acknowledge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.core.models import Role
from kotapintar.flood import services
from kotapintar.flood.models import Incident
from tests.flood.conftest import reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_incidents(river, rain):
    """loji-1: a closed Siaga incident two days ago, then an open Waspada one now."""
    now = timezone.now().replace(microsecond=0)
    old = now - timedelta(days=2)
    values = [(old, 160), *((old + timedelta(minutes=10 * i), 50) for i in range(1, 6))]
    values += [(now - timedelta(minutes=5), 120)]
    services.readings_ingest(readings=[reading("loji-1", v, t) for t, v in values], source="http")
    return list(Incident.objects.order_by("opened_at"))


def rows(body: str) -> list[str]:
    return re.findall(r'data-incident="([0-9a-f-]+)"', body)


def test_open_incidents_come_first_with_named_levels_and_the_badge(login_client, operator, two_incidents):
    closed, open_ = two_incidents
    body = login_client(operator).get("/banjir/insiden/").content.decode()
    assert rows(body) == [str(open_.public_id), str(closed.public_id)]
    assert "Siaga III" in body and "Siaga II" in body  # the station's names, not numbers
    assert re.search(r'id="incident-badge"[^>]*>1<', body)
    assert "<polyline" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [("state=open", [1]), ("state=closed", [0]), ("level=2", [0]), ("station=hujan-1", []), ("", [1, 0])],
)
def test_history_filters(login_client, operator, two_incidents, query, expected):
    body = login_client(operator).get(f"/banjir/insiden/?{query}").content.decode()
    assert rows(body) == [str(two_incidents[i].public_id) for i in expected]


def test_the_kelurahan_and_date_filters(login_client, operator, two_incidents):
    client = login_client(operator)
    kel = two_incidents[0].station.kelurahan.code
    assert len(rows(client.get(f"/banjir/insiden/?kelurahan={kel}").content.decode())) == 2
    assert rows(client.get("/banjir/insiden/?kelurahan=0000").content.decode()) == []
    today = timezone.localdate().isoformat()
    assert rows(client.get(f"/banjir/insiden/?from={today}").content.decode()) == [
        str(two_incidents[1].public_id)
    ]


def test_the_form_acknowledges_the_selected_incidents_with_a_note(login_client, operator, two_incidents):
    client = login_client(operator)
    ids = [str(i.public_id) for i in two_incidents]
    client.post("/banjir/insiden/", {"incident": ids, "note": "Dicek lapangan"})
    assert set(Incident.objects.values_list("acknowledged_note", flat=True)) == {"Dicek lapangan"}
    body = client.get("/banjir/insiden/").content.decode()
    assert 'id="incident-badge"' not in body and "Dicek lapangan" in body


def test_the_page_is_for_operators(login_client, make_user, two_incidents):
    assert login_client(make_user(Role.MERCHANT)).get("/banjir/insiden/").status_code == 403


def test_the_incident_page_lists_its_steps_with_their_cap_messages(login_client, operator, two_incidents):
    closed = two_incidents[0]
    body = login_client(operator).get(f"/banjir/insiden/{closed.public_id}/").content.decode()
    assert f"/banjir/cap/insiden/{closed.public_id}/1.xml" in body


def test_the_api_lists_and_acknowledges_incidents(token_client, operator, two_incidents):
    client = token_client(operator)
    listed = client.get("/api/v1/flood/incidents").json()
    assert [(i["open"], i["max_level_name"]) for i in listed] == [(True, "Siaga III"), (False, "Siaga II")]
    assert [s["kind"] for s in listed[1]["steps"]] == ["opened", "closed"]
    response = client.post(
        "/api/v1/flood/incidents/ack",
        {"ids": [listed[0]["id"], listed[1]["id"]], "note": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {i["acknowledged_by"] for i in response.json()} == {operator.get_username()}
    again = client.post(
        "/api/v1/flood/incidents/ack", {"ids": [listed[0]["id"]]}, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_acknowledged")


def test_the_api_refuses_an_unknown_incident(token_client, operator, two_incidents):
    response = token_client(operator).post(
        "/api/v1/flood/incidents/ack",
        {"ids": ["00000000-0000-0000-0000-000000000000"]},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_api_refuses_a_bad_filter(client, two_incidents):
    assert client.get("/api/v1/flood/incidents?level=7").status_code == 422


@pytest.mark.parametrize(
    "since", ["2793-01-21T17:56:40+17:50", "2026-12-01T00:00:00", "2026-12-01T00:00:00-15:59"]
)
def test_incident_api_takes_any_iso_offset(client, since):
    """ISO 8601 allows offsets PostgreSQL refuses (beyond ±15:59): the API answers, never a 500."""
    r = client.get("/api/v1/flood/incidents", {"since": since, "until": since})
    assert r.status_code == 200, r.content
