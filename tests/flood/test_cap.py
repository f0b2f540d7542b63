"""The CAP 1.2 feed validates against the OASIS schema and carries an expiry on every alert."""

from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import time_machine
import xmlschema

import kotapintar.flood
from kotapintar.flood import services
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db

XSD = Path(kotapintar.flood.__file__).parent / "data" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(XSD)


def raise_alert(river):
    return services.readings_ingest(
        readings=[reading("loji-1", 50, T0), reading("loji-1", 170, T0 + timedelta(minutes=10))],
        source="http",
    ).alerts[0]


@time_machine.travel(T0 + timedelta(minutes=20), tick=False)
def test_the_feed_with_an_active_alert_validates_against_cap_1_2(client, river, schema):
    raise_alert(river)
    body = client.get("/banjir/cap.xml").content
    schema.validate(body)
    root = ET.fromstring(body)  # noqa: S314
    infos = root.findall("cap:info", NS)
    assert len(infos) == 1
    assert infos[0].findtext("cap:severity", namespaces=NS) == "Severe"
    assert infos[0].findtext("cap:expires", default="", namespaces=NS).startswith("2026-01-01T")


@time_machine.travel(T0 + timedelta(minutes=20), tick=False)
def test_the_english_path_serves_the_same_feed(client, river, schema):
    raise_alert(river)
    response = client.get("/flood/cap.xml")
    assert response.status_code == 200
    schema.validate(response.content)


def test_an_empty_feed_is_still_a_valid_cap_message(client, city, schema):
    schema.validate(client.get("/banjir/cap.xml").content)


@time_machine.travel(T0 + timedelta(minutes=20), tick=False)
def test_each_alert_has_its_own_valid_cap_document(client, river, schema):
    alert = raise_alert(river)
    body = client.get(f"/banjir/cap/{alert.public_id}.xml").content
    schema.validate(body)
    identifier = ET.fromstring(body).findtext("cap:identifier", default="", namespaces=NS)  # noqa: S314
    assert identifier.endswith(str(alert.public_id))


def test_expired_alerts_leave_the_feed(client, river):
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        raise_alert(river)
    with time_machine.travel(T0 + timedelta(hours=7), tick=False):
        root = ET.fromstring(client.get("/banjir/cap.xml").content)  # noqa: S314
    assert root.findall("cap:info", NS) == []


@time_machine.travel(T0 + timedelta(minutes=20), tick=False)
def test_the_alerts_web_link_is_on_site_url(client, river, settings):
    settings.SITE_URL = "http://127.0.0.1:8765"
    raise_alert(river)
    root = ET.fromstring(client.get("/banjir/cap.xml").content)  # noqa: S314
    assert root.findtext("cap:info/cap:web", namespaces=NS) == "http://127.0.0.1:8765/banjir/stasiun/loji-1/"
    assert root.findtext("cap:sender", namespaces=NS) == "banjir@127.0.0.1"
