"""The MQTT consumer on the real broker, fed 1,000 valid readings with 50 hostile messages mixed in: the
1,000 are stored exactly once and the 50 quarantined, by one consumer and by two on a shared subscription."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from kotapintar.flood.models import Quarantine
from tests.flood.conftest import T0
from tests.flood.test_mqtt import Database
from tests.processes import wait_for

pytestmark = [pytest.mark.mqtt, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VALID = 1000


def hostile(prefix: str) -> list[tuple[str, bytes, str]]:
    """50 messages (topic, payload, the reason they are quarantined for)."""
    topic = f"{prefix}/loji-1/water_level"
    at = T0.isoformat().encode()
    out: list[tuple[str, bytes, str]] = []
    for i in range(8):
        out.append((topic, b"[" * (60000 - i), "too_deep"))
        out.append((topic, b'{"a":' * (12000 - i), "too_deep"))
        out.append(
            (topic, b'{"time": "' + at + b'", "value": 1, "note": "\xff\xfe' + bytes([i]) + b'"}', "bad_utf8")
        )
        out.append((topic, b'{"time": "' + b"x" * (1 << 20) + b'", "value": %d}' % i, "message_too_large"))
        constant = b"NaN" if i % 2 else b"Infinity"
        out.append((topic, b'{"time": "' + at + b'", "value": ' + constant + b"}", "not_finite"))
    for i in range(5):
        reading = b'{"time": "' + at + b'", "value": %d}' % i
        out.append((f"{prefix}/loji-1", reading, "bad_topic"))
        out.append((f"{topic}/extra", reading, "bad_topic"))
    assert len(out) == 50
    return out


def start_consumer(
    env: dict[str, str], client_id: str, prefix: str, share: str, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "kotapintar", "mqtt-ingest", "--client-id", client_id, "--prefix", prefix]
    cmd += ["--periodic-s", "0"] + (["--share-group", share] if share else [])
    with log.open("ab") as out:  # the child holds its own copy of the descriptor
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def quarantined(db: Database) -> Counter[str]:
    if db.is_pg:
        return Counter(Quarantine.objects.values_list("reason_code", flat=True))
    with sqlite3.connect(db.path, timeout=30) as conn:
        return Counter(code for (code,) in conn.execute("SELECT reason_code FROM flood_quarantine"))


def forget_session(client_id: str) -> None:
    """Remove a consumer's persistent session from the broker: connect once with a clean start."""
    cleaner = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    try:
        cleaner.connect("127.0.0.1", 1883, clean_start=True)
        cleaner.disconnect()
    except OSError:
        pass


@pytest.mark.parametrize("consumers", [1, 2], ids=["one-consumer", "two-consumers-on-a-shared-subscription"])
def test_1000_readings_stored_once_and_50_hostile_messages_quarantined(river, tmp_path, consumers):
    run = uuid.uuid4().hex[:10]
    prefix = f"kp-test-{run}"
    share = f"kp-test-group-{run}" if consumers > 1 else ""
    db = Database(tmp_path)
    env = db.env()
    ids = [f"kp-test-ingest-{run}-{n}" for n in range(consumers)]
    logs: list[Path] = [tmp_path / f"consumer-{n}.log" for n in range(consumers)]
    procs = [start_consumer(env, cid, prefix, share, log) for cid, log in zip(ids, logs, strict=True)]
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kp-test-pub-{run}")
    publisher.max_inflight_messages_set(200)
    publisher.max_queued_messages_set(0)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()

    def text(n: int) -> str:
        return logs[n].read_text(errors="replace")

    try:
        for n in range(consumers):
            wait_for(lambda n=n: "MQTT subscribed to" in text(n), 60, f"consumer {n} to subscribe")
        bad = hostile(prefix)
        infos = []
        started = time.monotonic()
        for i in range(VALID):
            at = (T0 + timedelta(seconds=i)).isoformat()
            body = f'{{"time": "{at}", "value": {i % 90}.5}}'
            infos.append(publisher.publish(f"{prefix}/loji-1/water_level", body, qos=1))
            if i % 20 == 10:
                topic, payload, _reason = bad[i // 20]
                infos.append(publisher.publish(topic, payload, qos=1))
        for info in infos:
            info.wait_for_publish(30)
        wait_for(
            lambda: db.count() >= VALID and sum(quarantined(db).values()) >= len(bad),
            60,
            f"{VALID} readings and {len(bad)} quarantined (have {db.count()}, {quarantined(db)})",
        )
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # a late or repeated delivery must add nothing
        assert db.count() == VALID
        assert db.distinct_times() == VALID
        assert quarantined(db) == Counter(reason for _t, _p, reason in bad)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        publisher.loop_stop()
        publisher.disconnect()
        for cid in ids:
            forget_session(cid)
    for n, proc in enumerate(procs):
        assert proc.returncode == 0, text(n)
    received = [int(m.group(1)) for n in range(consumers) for m in re.finditer(r"received=(\d+)", text(n))]
    assert sum(received) == VALID + len(bad)
    if consumers > 1:  # the broker shared the stream: each consumer had a part of it
        assert len(received) == consumers and all(r > 0 for r in received), received
    print(f"{consumers} consumer(s): {VALID + len(bad)} messages in {elapsed:.1f} s, received {received}")
