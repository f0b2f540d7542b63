"""Hostile MQTT messages, without a broker: each one is quarantined with its reason, acknowledged, and the
readings around it are stored. One message never stops the stream."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from paho.mqtt.enums import MQTTErrorCode

from kotapintar.flood import services
from kotapintar.flood.models import Observation, Quarantine
from kotapintar.flood.mqtt import MAX_DEPTH, MAX_PAYLOAD, Consumer, Message, nesting_exceeds
from tests.flood.conftest import T0

TOPIC = "kotapintar/loji-1/water_level"


def reading(i: int, value: float = 50.5) -> bytes:
    return json.dumps({"time": (T0 + timedelta(minutes=i)).isoformat(), "value": value}).encode()


class OfflineConsumer(Consumer):
    """A consumer fed by the test instead of a broker; its acknowledgements are recorded."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "kotapintar")
        super().__init__(
            url="mqtt://127.0.0.1:1", client_id="kp-test-hostile", periodic_s=0, heartbeat_s=3600, **kwargs
        )
        self.acked: list[int] = []
        self.client.ack = self._ack  # type: ignore[method-assign]  # no broker: record the PUBACK

    def _ack(self, mid: int, qos: int) -> MQTTErrorCode:
        self.acked.append(mid)
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    def start(self) -> None:  # no broker to connect to
        pass


def feed(consumer: OfflineConsumer, messages: list[Message], timeout: float = 8.0) -> None:
    """Run the consumer's loop until every message is acknowledged (or the time is up)."""
    for m in messages:
        consumer.queue.put(m)
    wanted = {m.mid for m in messages}

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not wanted <= set(consumer.acked):
            time.sleep(0.02)
        consumer.stop_event.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        consumer.run()
    finally:
        consumer.stop_event.set()
        watcher.join()


def deep_value(levels: int) -> bytes:
    return b'{"time": "' + T0.isoformat().encode() + b'", "value": ' + b"[" * levels + b"]" * levels + b"}"


HOSTILE = [
    pytest.param(TOPIC, b"[" * 60000, "too_deep", id="60000-open-brackets"),
    pytest.param(TOPIC, b'{"a":' * 12000, "too_deep", id="12000-open-objects"),
    pytest.param(TOPIC, b"[" * 5000 + b"]" * 5000, "too_deep", id="balanced-deep-arrays"),
    pytest.param(TOPIC, b'{"a":' * 5000 + b"1" + b"}" * 5000, "too_deep", id="balanced-deep-objects"),
    pytest.param(TOPIC, deep_value(5000), "too_deep", id="deep-value-in-a-reading"),
    pytest.param(
        TOPIC, b'{"time": "' + b"x" * (MAX_PAYLOAD + 10) + b'"}', "message_too_large", id="too-large"
    ),
    pytest.param(TOPIC, reading(9)[:-1] + b', "note": "\xff\xfe"}', "bad_utf8", id="invalid-utf8"),
    pytest.param(TOPIC, b'{"time": "2026-01-01T00:00:00Z", "value": NaN}', "not_finite", id="nan"),
    pytest.param(TOPIC, b'{"time": "2026-01-01T00:00:00Z", "value": -Infinity}', "not_finite", id="-inf"),
    pytest.param(TOPIC, b'{"time": "2026-01-01T00:00:00Z", "value": 1e999}', "not_finite", id="overflow"),
    pytest.param("kotapintar/loji-1", reading(9), "bad_topic", id="topic-too-short"),
    pytest.param(TOPIC + "/extra", reading(9), "bad_topic", id="topic-too-long"),
    pytest.param("kotapintar//water_level", reading(9), "bad_topic", id="topic-empty-station"),
    pytest.param("other/loji-1/water_level", reading(9), "bad_topic", id="topic-other-prefix"),
    pytest.param(TOPIC, b"{broken", "malformed", id="not-json"),
    pytest.param(
        TOPIC, b'{"time": "2026-01-01T00:00:00Z", "value": ' + b"1" * 5000 + b"}", "malformed", id="huge-int"
    ),
    pytest.param(TOPIC, b'{"time": "\\ud800", "value": 1}', "bad_time", id="lone-surrogate"),
    pytest.param(
        TOPIC, reading(9)[:-1] + b', "quality": "\\u0000\\udfff"}', "bad_quality", id="nul-surrogate"
    ),
]


@pytest.mark.parametrize(
    ("text", "exceeds"),
    [
        ("[" * MAX_DEPTH + "]" * MAX_DEPTH, False),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), True),
        ('{"a": [' * 8 + "{}" + "]}" * 8, True),  # 17 levels, objects and arrays mixed
        ('{"a": [' * 8 + "1" + "]}" * 8, False),  # 16
        ("[" + "[]," * 5000 + "[]]", False),  # many brackets, shallow
        ('["' + "[" * 100 + '"]', False),  # brackets inside a string do not count
        (r'["\\", ' + "[" * 17 + "]" * 17 + "]", True),  # an escaped backslash, then the string ends
        (r'["\"' + "[" * 100 + '"]', False),  # an escaped quote does not end the string
        ('"' + r"\"[" * 20000, False),  # a string that never closes: no bracket after its quote counts
        ("[" * 60000, True),
    ],
)
def test_nesting_depth_is_measured_without_recursion(text, exceeds):
    assert nesting_exceeds(text) is exceeds


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("topic", "payload", "reason"), HOSTILE)
def test_a_hostile_message_is_quarantined_and_the_stream_moves_on(river, topic, payload, reason):
    consumer = OfflineConsumer()
    feed(
        consumer,
        [Message(TOPIC, reading(1), 1, 1), Message(topic, payload, 2, 1), Message(TOPIC, reading(2), 3, 1)],
    )
    assert sorted(consumer.acked) == [1, 2, 3]
    assert Observation.objects.count() == 2
    q = Quarantine.objects.get()
    assert (q.reason_code, q.topic, q.source) == (reason, topic, "mqtt")


@pytest.mark.django_db(transaction=True)
def test_the_quarantine_keeps_the_size_and_a_prefix_of_a_large_payload(river):
    consumer = OfflineConsumer()
    payload = b"[" + b"1," * 500_000 + b"1]"
    feed(consumer, [Message(TOPIC, payload, 1, 1)])
    q = Quarantine.objects.get()
    assert q.reason_code == "message_too_large"
    assert q.payload_size == len(payload)
    assert 0 < len(q.payload) <= 4000
    assert payload.decode().startswith(q.payload)


@pytest.mark.django_db(transaction=True)
def test_a_message_that_cannot_be_stored_is_quarantined_after_the_tries_and_the_rest_is_stored(
    river, monkeypatch
):
    real = services.readings_ingest
    poison_calls: list[int] = []

    def ingest(**kwargs: Any) -> Any:
        if any(isinstance(r, dict) and r.get("value") == 66.6 for r in kwargs["readings"]):
            poison_calls.append(len(kwargs["readings"]))
            raise ValueError("this reading breaks the store")
        return real(**kwargs)

    monkeypatch.setattr(services, "readings_ingest", ingest)
    consumer = OfflineConsumer(store_max_tries=3, retry_wait_s=0.01)
    poison = reading(5, 66.6)
    feed(consumer, [Message(TOPIC, reading(i), i, 1) for i in range(1, 5)] + [Message(TOPIC, poison, 5, 1)])
    assert sorted(consumer.acked) == [1, 2, 3, 4, 5]
    assert Observation.objects.count() == 4
    q = Quarantine.objects.get()
    assert (q.reason_code, q.payload, q.payload_size) == ("store_failed", poison.decode(), len(poison))
    assert poison_calls.count(1) == 3  # tried alone three times, then set aside


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_waited_out_not_quarantined(river, monkeypatch):
    real = services.readings_ingest
    outage = {"calls": 0}

    def ingest(**kwargs: Any) -> Any:
        if outage["calls"] < 6:  # more failures than the tries a message gets
            outage["calls"] += 1
            raise OperationalError("connection refused")
        return real(**kwargs)

    monkeypatch.setattr(services, "readings_ingest", ingest)
    monkeypatch.setattr(OfflineConsumer, "database_up", lambda self: outage["calls"] >= 6)
    consumer = OfflineConsumer(store_max_tries=2, retry_wait_s=0.01)
    feed(consumer, [Message(TOPIC, reading(1), 1, 1), Message(TOPIC, reading(2), 2, 1)])
    assert sorted(consumer.acked) == [1, 2]
    assert Observation.objects.count() == 2
    assert not Quarantine.objects.exists()


def test_a_shared_subscription_filter():
    consumer = OfflineConsumer(share_group="ingest")
    assert consumer.topic_filter == "$share/ingest/kotapintar/#"


def test_the_shared_subscription_of_the_deployment_doc_as_a_prefix():
    consumer = OfflineConsumer(prefix="$share/ingest/kotapintar")
    assert consumer.topic_filter == "$share/ingest/kotapintar/#"
    assert consumer.prefix == "kotapintar"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "options", [{"share_group": "ingest"}, {"prefix": "$share/ingest/kotapintar"}], ids=["option", "prefix"]
)
def test_readings_on_a_shared_subscription_are_stored(river, options):
    consumer = OfflineConsumer(**options)
    # The broker delivers the publisher's topic, without the $share levels.
    feed(consumer, [Message(TOPIC, reading(1), 1, 1), Message(TOPIC, reading(2), 2, 1)])
    assert sorted(consumer.acked) == [1, 2]
    assert Observation.objects.count() == 2
    assert not Quarantine.objects.exists()
