"""kill -9 of the worker mid-delivery: after a restart the delivery is retried and delivered once.

A real `kotapintar worker` process sends a flood alert's webhook delivery to a loopback receiver that
holds the first request open; the test kills the worker with SIGKILL while the send is in flight
(the state issue 12 found: delivery pending with one attempt, its task RUNNING for ever), releases the
receiver without an answer, starts a second worker and waits. The second worker takes the task back
once the dead worker's lease (WORK_LEASE_S) has run out, attempts the delivery again with the same
delivery id, and the receiver completes exactly one request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kotapintar.flood import services
from kotapintar.flood.models import Delivery
from tests.flood.conftest import T0, reading
from tests.flood.receiver import Receiver
from tests.processes import ProcessDatabase, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LEASE_S = 2


class Database(ProcessDatabase):
    def delivery(self) -> tuple[str, int]:
        [(status, attempts)] = self.query("SELECT status, attempts FROM flood_delivery")
        return str(status), int(attempts)

    def task_statuses(self) -> list[str]:
        return sorted(str(s) for (s,) in self.query("SELECT status FROM django_tasks_database_dbtaskresult"))


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "kotapintar", "worker", "--interval", "0.2", "--no-startup-delay"]
    with log.open("ab") as out:  # the child holds its own copy of the descriptor
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_a_worker_killed_mid_delivery_is_replaced_and_the_alert_delivered_once(river, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    receiver = Receiver(hold_first=True)
    log = tmp_path / "worker.log"
    workers: list[subprocess.Popen[bytes]] = []
    try:
        services.channel_create(actor=None, name="BPBD hook", kind="webhook", target=receiver.url)
        services.readings_ingest(readings=[reading("loji-1", 170, T0)], source="http")
        delivery_id = str(Delivery.objects.get().public_id)
        db = Database(tmp_path)
        env = db.env(
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            WORK_LEASE_S=str(LEASE_S),
            HEARTBEAT_STALE_S=str(LEASE_S),
            OUTBOUND_ALLOW_HOSTS="127.0.0.1",
        )
        assert db.task_statuses() == ["READY"]

        workers.append(start_worker(env, log))
        assert receiver.first_arrived.wait(60), log.read_text()
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        receiver.release.set()  # the held request ends unanswered: its sender is dead
        assert db.delivery() == ("pending", 1)
        assert db.task_statuses() == ["RUNNING"], "what a kill -9 leaves behind"

        workers.append(start_worker(env, log))
        wait_for(lambda: db.delivery()[0] == "sent", 60, "the delivery to be sent again")
        time.sleep(3 * LEASE_S)  # long enough for any second send to show up
        workers[1].send_signal(signal.SIGTERM)
        workers[1].wait(20)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        receiver.close()

    output = log.read_text()
    print(output)  # shown with -s: what the workers logged
    assert workers[0].returncode == -signal.SIGKILL
    assert [r.delivery_id for r in receiver.requests] == [delivery_id, delivery_id], output
    assert receiver.completed_ids() == [delivery_id], "delivered exactly once"
    assert db.delivery() == ("sent", 2)
    assert "RUNNING" not in db.task_statuses()
    assert "stopped beating: ready again" in output
