"""The MQTT consumer against the real broker: killed mid-stream, every reading still stored exactly once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from kotapintar.flood.models import Observation
from tests.flood.conftest import T0
from tests.processes import ProcessDatabase, wait_for

pytestmark = [pytest.mark.mqtt, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

N = 10_000
RATE = 500  # messages per second


class Database(ProcessDatabase):
    """The consumer subprocess's database (tests.processes), with the readings it stored."""

    def count(self) -> int:
        if self.is_pg:
            return Observation.objects.count()
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            return int(db.execute("SELECT COUNT(*) FROM flood_observation").fetchone()[0])

    def distinct_times(self) -> int:
        if self.is_pg:
            return Observation.objects.values("phenomenon_time").distinct().count()
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            return int(
                db.execute("SELECT COUNT(DISTINCT phenomenon_time) FROM flood_observation").fetchone()[0]
            )


def start_consumer(env: dict[str, str], client_id: str, prefix: str, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "kotapintar", "mqtt-ingest", "--client-id", client_id, "--prefix", prefix]
    cmd += ["--periodic-s", "0"]
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_10000_readings_at_qos1_stored_exactly_once_across_a_consumer_kill(river, tmp_path):
    run = uuid.uuid4().hex[:10]
    prefix, client_id = f"kp-test-{run}", f"kp-test-ingest-{run}"
    db = Database(tmp_path)
    env = db.env()
    log = tmp_path / "consumer.log"
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kp-test-pub-{run}")
    publisher.max_inflight_messages_set(200)
    publisher.max_queued_messages_set(0)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    consumer = start_consumer(env, client_id, prefix, log)
    try:
        topic = f"{prefix}/loji-1/water_level"
        # A probe proves the consumer has subscribed (its persistent session exists) before the stream.
        # The same reading is sent until it is stored: copies are duplicates and add nothing.
        probe = f'{{"time": "{(T0 - timedelta(hours=1)).isoformat()}", "value": 1}}'
        deadline = time.monotonic() + 40
        while db.count() < 1:
            assert time.monotonic() < deadline, "consumer did not subscribe:\n" + log.read_text()
            publisher.publish(topic, probe, qos=1).wait_for_publish(10)
            time.sleep(0.5)
        infos = []
        kill_at, down_for = N // 3, 800  # mosquitto keeps at most 1000 messages per offline session
        started = time.monotonic()
        for i in range(N):
            if i == kill_at:
                # The broker keeps at most 1000 messages for the session: the consumer's backlog at the
                # kill plus the downtime's messages must fit, however loaded this machine is.
                wait_for(lambda: db.count() >= kill_at - 100, 60, "the consumer to catch up before the kill")
                consumer.send_signal(signal.SIGKILL)  # mid-stream: batches in hand, unacknowledged
                consumer.wait(10)
            if i == kill_at + down_for:
                consumer = start_consumer(env, client_id, prefix, log)
                wait_for(lambda: log.read_text().count("session present: True") >= 1, 30, "the restart")
                started = time.monotonic() - (i + 1) / RATE
            at = (T0 + timedelta(seconds=i)).isoformat()
            infos.append(publisher.publish(topic, f'{{"time": "{at}", "value": {i % 90}.5}}', qos=1))
            pause = started + (i + 1) / RATE - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        for info in infos:
            info.wait_for_publish(30)
        wait_for(lambda: db.count() >= N + 1, 60, f"{N + 1} readings (have {db.count()})")
        time.sleep(1.0)  # let any late redelivery land: it must not add rows
        assert db.count() == N + 1
        assert db.distinct_times() == N + 1
    finally:
        consumer.send_signal(signal.SIGTERM)
        try:
            consumer.wait(15)
        except subprocess.TimeoutExpired:
            consumer.kill()
        publisher.loop_stop()
        publisher.disconnect()
        # Remove the persistent session from the broker: connect once with a clean session.
        cleaner = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        try:
            cleaner.connect("127.0.0.1", 1883, clean_start=True)
            cleaner.disconnect()
        except OSError:
            pass
    assert consumer.returncode == 0, log.read_text()
