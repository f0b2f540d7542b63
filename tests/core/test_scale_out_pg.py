"""Scale-out, as docs/deployment.md draws it: two web processes, two task workers and two MQTT
consumers on one shared subscription, all on one PostgreSQL and one broker, under load at the same
time; one of each is SIGKILLed mid-load, and nothing is lost or done twice.

- Web: 12 POS clients pay through both servers for 16 s, 10% retried with the same key; server 0 is
  killed at 8 s and the clients fail over (tests.wallet.loadgen). Payments: exactly once
  (tests.wallet.exactly_once).
- Consumers: 3,000 readings at QoS 1 on `$share/<group>/<prefix>/#`; consumer 0 is killed a third of
  the way in and started again with the same client id (what `kotapintar run`'s supervisor does).
  Readings: each stored exactly once. The broker is the test's own Mosquitto with the configuration
  docs/deployment.md asks for: Mosquitto keeps sending a dead member of a shared subscription its
  share of the stream, queued in its persistent session, and drops what exceeds
  `max_queued_messages` (1000 by default) — a first run of this test on the stock configuration lost
  102 readings while consumer 0 restarted on a loaded machine.
- Workers: 600 queued notification e-mails (`EMAIL_FILE_PATH`: one file per e-mail); worker 0 is killed
  once 100 are done. Its task in hand is taken back by worker 1 when its lease has run out
  (WORK_LEASE_S). Every task ends SUCCESSFUL exactly once; every e-mail is written, and at most the one
  the killed worker had in hand twice: sending an e-mail is at-least-once by nature (the process can
  die between the SMTP answer and marking the task done), which docs/deployment.md states.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from paho.mqtt.enums import CallbackAPIVersion

from kotapintar.core import services as core_services
from kotapintar.core.models import Notification, Role
from kotapintar.core.tasks import notification_email_send
from kotapintar.wallet import services as wallet_services
from tests.flood.conftest import T0, river  # noqa: F401 - the station the readings are for
from tests.processes import ProcessDatabase, wait_for
from tests.wallet import loadgen
from tests.wallet.exactly_once import assert_payments_exactly_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.mqtt,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

DURATION_S = 16.0
READINGS, RATE = 3_000, 200  # per second: the stream lasts as long as the payment load
TASKS = 600
LEASE_S = 2


class Database(ProcessDatabase):
    def readings(self) -> tuple[int, int]:
        [(n, distinct)] = self.query(
            "SELECT COUNT(*), COUNT(DISTINCT phenomenon_time) FROM flood_observation"
        )
        return int(n), int(distinct)

    def tasks(self) -> Counter[str]:
        return Counter(str(s) for (s,) in self.query("SELECT status FROM django_tasks_database_dbtaskresult"))


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child holds its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "kotapintar", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _broker(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A Mosquitto of the test's own, configured as docs/deployment.md says."""
    port = loadgen.free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 100000\nmax_queued_bytes 0\n"
    )
    proc = subprocess.Popen(
        ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def up() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_for(up, 15, "mosquitto")
    return proc, port


def _mailed(maildir: Path) -> Counter[str]:
    """The notification message of every e-mail the workers wrote (one file per e-mail)."""
    seen: Counter[str] = Counter()
    for path in maildir.iterdir():
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                subject = str(make_header(decode_header(message_from_bytes(raw.strip())["Subject"])))
                seen[subject.removeprefix("[Kota Pintar] ")] += 1
    return seen


def test_two_of_each_process_lose_nothing_when_one_of_each_is_killed(
    river: Any,  # noqa: F811 - the fixture imported above
    make_user: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = uuid.uuid4().hex[:10]

    # Payments: four stalls, 40 cards (every tenth runs dry), a POS token.
    booth, owner = make_user(Role.DINAS_PARIWISATA), make_user(Role.MERCHANT)
    merchants = [
        wallet_services.merchant_create(actor=booth, code=f"stan-{i}", name=f"Stan {i}", owner=owner).code
        for i in range(4)
    ]
    start: dict[str, int] = {}
    tokens: dict[str, str] = {}  # the POS scans each card's QR (a typed number needs the holder's PIN)
    for i in range(40):
        card = wallet_services.card_issue(actor=booth)
        tokens[card.number] = card.qr_token
        start[card.number] = 20_000 if i % 10 == 0 else 2_000_000
        wallet_services.topup_cash(
            actor=booth,
            card_number=card.number,
            amount_idr=start[card.number],
            idempotency_key=str(uuid.uuid4()),
        )
    _token, raw_token = core_services.api_token_create(user=owner, name="pos")

    # Tasks: one e-mail per notification, queued before the workers start.
    reader = make_user(Role.BAPPEDA, email="bappeda@example.org")
    notes = Notification.objects.bulk_create(
        Notification(recipient=reader, message=f"scale-out {run} {i}") for i in range(TASKS)
    )
    for note in notes:
        notification_email_send.enqueue(note.pk)

    db = Database(tmp_path)
    maildir = tmp_path / "mail"
    maildir.mkdir()
    env = db.env(
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        WORK_LEASE_S=str(LEASE_S),
        HEARTBEAT_STALE_S=str(LEASE_S),
        EMAIL_FILE_PATH=str(maildir),
        SECRET_KEY=settings.SECRET_KEY,
    )
    web_env = loadgen.server_env(env["DATABASE_URL"], SECRET_KEY=settings.SECRET_KEY)
    prefix, group = f"kp-test-{run}", f"kp-scale-{run}"
    broker, broker_port = _broker(tmp_path)
    consumer_args = [
        ["mqtt-ingest", "--url", f"mqtt://127.0.0.1:{broker_port}", "--client-id", f"kp-test-{run}-{n}"]
        + ["--prefix", prefix, "--share-group", group]
        + ["--periodic-s", "0"]
        for n in range(2)
    ]
    worker_args = ["worker", "--interval", "0.2", "--no-startup-delay"]
    logs = {name: tmp_path / f"{name}.log" for name in ("consumer-0", "consumer-1", "worker-0", "worker-1")}

    ports = [loadgen.free_port(), loadgen.free_port()]
    web = [loadgen.start_server(port=p, env=web_env, kind="runserver") for p in ports]
    consumers = [_start(consumer_args[n], env, logs[f"consumer-{n}"]) for n in range(2)]
    workers: list[subprocess.Popen[bytes]] = []
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kp-test-pub-{run}")
    publisher.max_inflight_messages_set(200)
    publisher.max_queued_messages_set(0)
    stream_errors: list[BaseException] = []
    try:
        for port, proc in zip(ports, web, strict=True):
            loadgen.wait_ready(port, proc=proc)
        publisher.connect("127.0.0.1", broker_port)
        publisher.loop_start()
        topic = f"{prefix}/loji-1/water_level"
        # A probe proves both consumers share the subscription before the stream: sent until stored
        # (copies are duplicates and add nothing), then each consumer's log shows its subscription.
        probe = f'{{"time": "{(T0 - timedelta(hours=1)).isoformat()}", "value": 1}}'
        deadline = time.monotonic() + 60
        while db.readings()[0] < 1:
            assert time.monotonic() < deadline, (
                logs["consumer-0"].read_text() + logs["consumer-1"].read_text()
            )
            publisher.publish(topic, probe, qos=1).wait_for_publish(10)
            time.sleep(0.5)
        for n in range(2):
            wait_for(lambda n=n: "subscribed" in logs[f"consumer-{n}"].read_text(), 60, f"consumer {n}")

        def stream() -> None:
            """The readings at RATE per second; consumer 0 killed a third of the way, started again."""
            try:
                infos, began = [], time.monotonic()
                for i in range(READINGS):
                    if i == READINGS // 3:
                        consumers[0].send_signal(signal.SIGKILL)
                        consumers[0].wait(10)
                    if i == READINGS // 3 + RATE:  # down for a second, as a supervisor's restart
                        consumers[0] = _start(consumer_args[0], env, logs["consumer-0"])
                    at = (T0 + timedelta(seconds=i)).isoformat()
                    infos.append(publisher.publish(topic, f'{{"time": "{at}", "value": {i % 90}.5}}', qos=1))
                    pause = began + (i + 1) / RATE - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                for info in infos:
                    info.wait_for_publish(60)
            except BaseException as exc:  # noqa: BLE001 - handed to the test, which asserts on it
                stream_errors.append(exc)

        def tasks() -> None:
            """Both workers start; worker 0 is killed once 100 e-mails are done."""
            try:
                workers.extend(_start(worker_args, env, logs[f"worker-{n}"]) for n in range(2))
                wait_for(lambda: db.tasks()["SUCCESSFUL"] >= 100, 60, "the first 100 tasks")
                os.kill(workers[0].pid, signal.SIGKILL)
                workers[0].wait(10)
            except BaseException as exc:  # noqa: BLE001 - handed to the test, which asserts on it
                stream_errors.append(exc)
            finally:
                connection.close()  # this thread's own connection, or the test database stays in use

        side = [threading.Thread(target=stream), threading.Thread(target=tasks)]
        for t in side:
            t.start()
        result = loadgen.run_payments(
            ports=ports,
            token=raw_token,
            merchants=merchants,
            cards=list(start),
            clients=12,
            duration_s=DURATION_S,
            retry_fraction=0.10,
            amount_range=(1_000, 30_000),
            kill=(DURATION_S / 2, web[0]),
            tokens=tokens,
        )
        for t in side:
            t.join(120)
        assert not stream_errors, stream_errors

        wait_for(
            lambda: db.readings()[0] >= READINGS + 1, 90, f"{READINGS + 1} readings (have {db.readings()})"
        )
        wait_for(lambda: db.tasks()["SUCCESSFUL"] == TASKS, 120, f"{TASKS} tasks done (have {db.tasks()})")
        time.sleep(2 * LEASE_S)  # any late redelivery or second run would show now
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        for proc in [*consumers, *workers]:
            _stop(proc)
        for proc in web:
            loadgen.stop(proc)
        broker.terminate()
        broker.wait(10)

    # One of each was killed.
    assert web[0].returncode == -9 and workers[0].returncode == -9
    assert any(o.attempts > 1 for o in result.outcomes), "some payments were in flight on the killed server"
    # Payments: exactly once.
    assert not result.errors, result.errors[:5]
    assert Counter(o.status for o in result.outcomes)[201] > 50
    assert_payments_exactly_once(result, start)
    # Readings: exactly once, and both consumers stored some.
    assert db.readings() == (READINGS + 1, READINGS + 1)
    for n in range(2):
        stored = [int(m) for m in re.findall(r"stored=(\d+)", logs[f"consumer-{n}"].read_text())]
        assert sum(stored) > 0, f"consumer {n} took its share of the stream: {stored}"
    # Tasks: every one SUCCESSFUL once; every e-mail written, at most the killed worker's one twice.
    assert db.tasks() == Counter({"SUCCESSFUL": TASKS})
    mailed = _mailed(maildir)
    assert set(mailed) == {note.message for note in notes}
    assert sum(mailed.values()) - TASKS <= 1, [m for m, n in mailed.items() if n > 1]
