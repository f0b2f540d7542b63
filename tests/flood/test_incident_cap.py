"""An incident is one CAP alert: each level change an Update referencing every earlier message, the
close a Cancel; every message validates against the OASIS CAP 1.2 schema and carries an Indonesian and
an English info."""

from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.utils import timezone

import kotapintar.flood
from kotapintar.flood import cap, services
from kotapintar.flood.models import Alert, Delivery, Incident
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db

XSD = Path(kotapintar.flood.__file__).parent / "data" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(XSD)


@pytest.fixture
def escalated_twice_and_closed(river):
    """Waspada at 0 min, Siaga at 10, Awas at 20, then Normal after the 30 min off-delay."""
    values = [120, 160, 210] + [50] * 6
    services.readings_ingest(
        readings=[reading("loji-1", v, T0 + timedelta(minutes=10 * i)) for i, v in enumerate(values)],
        source="http",
    )
    return Incident.objects.get()


def parse(doc: bytes) -> ET.Element:
    return ET.fromstring(doc)  # noqa: S314


def test_the_four_messages_validate_against_cap_1_2(escalated_twice_and_closed, schema):
    docs = cap.incident_messages(escalated_twice_and_closed)
    assert len(docs) == 4
    for doc in docs:
        schema.validate(doc)


def test_the_lifecycle_is_alert_update_update_cancel(escalated_twice_and_closed):
    docs = [parse(d) for d in cap.incident_messages(escalated_twice_and_closed)]
    assert [d.findtext("cap:msgType", namespaces=NS) for d in docs] == ["Alert", "Update", "Update", "Cancel"]


def test_each_message_references_every_earlier_one(escalated_twice_and_closed):
    docs = [parse(d) for d in cap.incident_messages(escalated_twice_and_closed)]
    triples = [
        ",".join(
            d.findtext(f"cap:{tag}", default="", namespaces=NS) for tag in ("sender", "identifier", "sent")
        )
        for d in docs
    ]
    assert len(set(triples)) == 4
    assert docs[0].find("cap:references", NS) is None
    for i, doc in enumerate(docs[1:], start=1):
        assert doc.findtext("cap:references", default="", namespaces=NS).split() == triples[:i]


def test_each_message_has_an_indonesian_and_an_english_info_with_polygons_and_geocodes(
    escalated_twice_and_closed,
):
    doc = parse(cap.incident_messages(escalated_twice_and_closed)[1])
    infos = doc.findall("cap:info", NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["id-ID", "en-US"]
    assert infos[0].findtext("cap:description", namespaces=NS) != infos[1].findtext(
        "cap:description", namespaces=NS
    )
    assert infos[0].find("cap:area/cap:polygon", NS) is not None
    assert infos[0].findtext("cap:area/cap:geocode/cap:valueName", namespaces=NS) == "kemendagri"


def test_each_message_is_served_by_number(client, escalated_twice_and_closed, schema):
    url = f"/banjir/cap/insiden/{escalated_twice_and_closed.public_id}/3.xml"
    response = client.get(url)
    assert response.status_code == 200
    schema.validate(response.content)
    assert client.get(url.replace("/3.xml", "/4.xml")).status_code == 404


def test_the_atom_feed_links_each_incidents_latest_message(client, river, schema):
    now = timezone.now().replace(microsecond=0)
    services.readings_ingest(
        readings=[
            reading("loji-1", v, now - timedelta(minutes=30 - 10 * i)) for i, v in enumerate([120, 160])
        ],
        source="http",
    )
    feed = ET.fromstring(client.get("/banjir/cap/insiden.atom").content)  # noqa: S314
    atom = {"a": "http://www.w3.org/2005/Atom"}
    links = [str(link.get("href")) for link in feed.findall("a:entry/a:link", atom)]
    incident = Incident.objects.get()
    assert [href.split("/banjir/")[1] for href in links] == [f"cap/insiden/{incident.public_id}/1.xml"]
    message = client.get("/banjir/" + links[0].split("/banjir/")[1]).content
    schema.validate(message)
    assert parse(message).findtext("cap:msgType", namespaces=NS) == "Update"


@pytest.fixture
def long_incident(river):
    """Siaga since T0 and still there: the river does not go down."""
    services.readings_ingest(
        readings=[reading("loji-1", 160, T0 + timedelta(minutes=10 * i)) for i in range(3)], source="http"
    )
    return Incident.objects.get()


def _alarm_expiry() -> datetime:
    return Alert.objects.get(superseded_at__isnull=True, level__gt=0).expires_at


def test_an_incident_open_longer_than_a_message_lives_is_renewed_before_it_expires(long_incident, schema):
    before_expiry = _alarm_expiry() - timedelta(minutes=30)

    services.alerts_reissue(now=before_expiry)

    docs = [parse(d) for d in cap.incident_messages(long_incident)]
    renewal = docs[-1]
    assert renewal.findtext("cap:msgType", namespaces=NS) == "Update"
    assert len(renewal.findtext("cap:references", default="", namespaces=NS).split()) == len(docs) - 1
    expires = renewal.findtext("cap:info/cap:expires", default="", namespaces=NS)
    assert datetime.fromisoformat(expires) > before_expiry + timedelta(hours=5)
    schema.validate(cap.incident_messages(long_incident)[-1])


def test_a_renewal_keeps_the_level_and_is_not_sent_to_channels(long_incident):
    last = long_incident.steps.order_by("-seq").first()
    deliveries_before = Delivery.objects.count()

    services.alerts_reissue(now=_alarm_expiry() - timedelta(minutes=30))

    renewed = long_incident.steps.order_by("-seq").first()
    assert renewed.kind == "renewed"
    assert (renewed.from_level, renewed.to_level) == (last.to_level, last.to_level)
    assert Delivery.objects.count() == deliveries_before


def test_no_renewal_while_the_last_message_is_fresh(long_incident):
    steps = long_incident.steps.count()

    services.alerts_reissue(now=_alarm_expiry() - timedelta(hours=2))

    assert long_incident.steps.count() == steps
