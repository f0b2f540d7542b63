"""The MQTT consumer's processing, without a broker: parse, store, quarantine, acknowledge after commit."""

import json

import pytest
from paho.mqtt.enums import MQTTErrorCode

from kotapintar.core.models import Heartbeat
from kotapintar.flood.models import Observation, Quarantine
from kotapintar.flood.mqtt import Consumer, Message, Refused, parse_message
from tests.flood.conftest import T0

pytestmark = pytest.mark.django_db


def msg(topic: str, payload, mid: int) -> Message:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Message(topic, body, mid, 1)


class OfflineConsumer(Consumer):
    """A consumer whose acknowledgements are recorded instead of sent to a broker."""

    def __init__(self) -> None:
        super().__init__(url="mqtt://127.0.0.1:1", client_id="kp-test-offline", prefix="kotapintar")
        self.acked: list[int] = []
        self.client.ack = self._ack  # type: ignore[method-assign]  # no broker: record the PUBACK

    def _ack(self, mid: int, qos: int) -> MQTTErrorCode:
        self.acked.append(mid)
        return MQTTErrorCode.MQTT_ERR_SUCCESS


@pytest.fixture
def consumer():
    return OfflineConsumer()


def test_parse_takes_station_and_parameter_from_the_topic():
    readings = parse_message("kotapintar", "kotapintar/loji-1/water_level", b'{"time": "t", "value": 1}')
    assert readings == [{"time": "t", "value": 1, "station": "loji-1", "parameter": "water_level"}]


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("kotapintar/loji-1/water_level", b"{not json", "malformed"),
        ("kotapintar/loji-1", b'{"time": "t", "value": 1}', "bad_topic"),
        ("kotapintar/loji-1/water_level", b"[]", "malformed"),
        ("kotapintar/loji-1/water_level", b"42", "malformed"),
        ("kotapintar/loji-1/water_level", b'[{"time": "t", "value": 1}, 42]', "malformed"),
    ],
)
def test_unreadable_messages_are_refused_whole_with_their_reason(topic, payload, reason):
    with pytest.raises(Refused) as refused:
        parse_message("kotapintar", topic, payload)
    assert refused.value.code == reason


def test_a_batch_is_stored_then_every_message_acknowledged(consumer, river):
    batch = [
        msg("kotapintar/loji-1/water_level", {"time": T0.isoformat(), "value": 50}, 1),
        msg("kotapintar/loji-1/water_level", {"time": T0.isoformat(), "value": 50}, 2),  # redelivery
        msg("kotapintar/loji-1/water_level", b"{broken", 3),
        msg("kotapintar/nope/water_level", {"time": T0.isoformat(), "value": 5}, 4),
    ]
    consumer.process(batch)
    assert consumer.acked == [1, 2, 3, 4]
    assert Observation.objects.count() == 1
    assert sorted(Quarantine.objects.values_list("reason_code", flat=True)) == [
        "malformed",
        "unknown_station",
    ]
    assert Quarantine.objects.get(reason_code="malformed").payload == "{broken"
    assert (consumer.stats.stored, consumer.stats.duplicates, consumer.stats.rejected) == (1, 1, 2)


def test_nothing_is_acknowledged_when_storing_fails(consumer, river, monkeypatch):
    from kotapintar.flood import services

    def broken(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(services, "readings_ingest", broken)
    with pytest.raises(RuntimeError):
        consumer.process([msg("kotapintar/loji-1/water_level", {"time": T0.isoformat(), "value": 50}, 7)])
    assert consumer.acked == []


def test_heartbeat_row(consumer, river):
    consumer._heartbeat()
    beat = Heartbeat.objects.get(name="mqtt-ingest:kp-test-offline")
    assert beat.info["received"] == 0
