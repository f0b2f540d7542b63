"""`kotapintar run` restarts a child killed with SIGKILL, says so in its log, and /healthz follows."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.processes import ProcessDatabase, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, {}


def test_run_restarts_a_killed_worker_and_logs_it(tmp_path: Path) -> None:
    db = ProcessDatabase(tmp_path)
    env = db.env(
        RUN_EXTRA_PROCESSES="0",
        HEARTBEAT_STALE_S="2",
        WORK_LEASE_S="2",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("ab") as out:  # the child holds its own copy of the descriptor
        run = subprocess.Popen(
            [sys.executable, "-m", "kotapintar", "run", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def workers() -> list[int]:
        return [int(pid) for (pid,) in db.query("SELECT pid FROM core_heartbeat WHERE role = 'worker'")]

    try:
        try:
            wait_for(lambda: len(workers()) == 1 and healthz(port)[0] == 200, 90, "the web and the worker")
        except AssertionError:
            raise AssertionError(log.read_text()) from None
        [first] = workers()
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: "restarted worker" in log.read_text(), 30, "the restart")
        wait_for(lambda: workers() and first not in workers(), 60, "the new worker's heartbeat")
        status, body = healthz(port)
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(30)

    output = log.read_text()
    assert f"worker (pid {first}) killed by SIGKILL" in output, output
    assert status == 200, body
    assert {p["role"] for p in body["processes"]} == {"run", "worker"}
    assert [p["pid"] for p in body["processes"] if p["role"] == "worker"] != [first]
    assert db.query("SELECT name FROM core_heartbeat") == [], "a clean stop removes every heartbeat"
