"""An alert's text is written when it is read: in the reader's language and number format; the CAP
feed is written in the city's language (with `<language>`) whoever asks."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.utils import translation

from kotapintar.flood import services
from tests.flood.conftest import T0, reading

pytestmark = pytest.mark.django_db

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
# 1.2 + 1.3 + … mm every 10 minutes: sums with decimals (6 readings, 12.3 mm in the hour) → Siaga.
RAIN = [1.2, 1.5, 2.25, 2.1, 2.75, 2.5]


def rain_alert():
    return services.readings_ingest(
        readings=[
            reading("hujan-1", v, T0 + timedelta(minutes=10 * i), "rainfall") for i, v in enumerate(RAIN)
        ],
        source="http",
    ).alerts[-1]


def test_a_rain_alert_reads_with_a_decimal_comma_in_indonesian(rain):
    alert = rain_alert()
    with translation.override("id"):
        assert "curah hujan 12,3 mm dalam 1 jam, 12,3 mm dalam 24 jam" in alert.text


def test_the_same_alert_reads_in_english_for_an_english_reader(rain):
    alert = rain_alert()
    with translation.override("en"):
        assert "rainfall 12.3 mm in 1 h, 12.3 mm in 24 h" in alert.text


def test_the_station_page_follows_the_reader_language(client, rain):
    rain_alert()
    assert "12,3 mm dalam 1 jam" in client.get("/banjir/stasiun/hujan-1/", HTTP_ACCEPT_LANGUAGE="id").text
    assert "12.3 mm in 1 h" in client.get("/banjir/stasiun/hujan-1/", HTTP_ACCEPT_LANGUAGE="en").text


@time_machine.travel(T0 + timedelta(minutes=60), tick=False)
def test_cap_description_is_in_the_city_language_for_any_reader(client, rain):
    rain_alert()
    body = client.get("/banjir/cap.xml", HTTP_ACCEPT_LANGUAGE="en").content
    info = ET.fromstring(body).find("cap:info", NS)  # noqa: S314 - our own output
    assert info is not None
    assert info.findtext("cap:language", namespaces=NS) == "id-ID"
    assert "12,3 mm dalam 1 jam" in (info.findtext("cap:description", namespaces=NS) or "")
