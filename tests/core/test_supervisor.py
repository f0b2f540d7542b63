"""`kotapintar run`'s supervisor: a child that dies is restarted with back-off, and the log says so."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

import pytest

from kotapintar.core.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


@pytest.fixture
def supervised():
    made: list[Supervisor] = []

    def make(
        *children: tuple[str, list[str]],
        backoff_s: float = 1.0,
        backoff_max_s: float = 60.0,
        stable_s: float = 60.0,
    ) -> Supervisor:
        sup = Supervisor(list(children), backoff_s=backoff_s, backoff_max_s=backoff_max_s, stable_s=stable_s)
        made.append(sup)
        sup.start()
        return sup

    yield make
    for sup in made:
        sup.stop(timeout_s=5)


def wait_dead(sup: Supervisor, name: str) -> None:
    child = next(c for c in sup.children if c.name == name)
    assert child.proc is not None
    child.proc.wait(timeout=30)


def test_a_killed_child_is_restarted_and_logged(supervised, caplog):
    caplog.set_level(logging.INFO, logger="kotapintar.supervisor")
    sup = supervised(("worker", SLEEPER), ("web", SLEEPER), backoff_s=0.1)
    worker = sup.children[0]
    assert worker.proc is not None
    first_pid = worker.proc.pid
    os.kill(first_pid, signal.SIGKILL)
    wait_dead(sup, "worker")
    deadline = time.monotonic() + 10
    while worker.restarts == 0 and time.monotonic() < deadline:
        sup.poll()
        time.sleep(0.05)
    assert worker.restarts == 1
    assert worker.proc is not None and worker.proc.pid != first_pid and worker.proc.poll() is None
    assert sup.children[1].restarts == 0, "the other children are left alone"
    messages = [r.getMessage() for r in caplog.records]
    assert f"worker (pid {first_pid}) killed by SIGKILL" in "\n".join(messages)
    assert any(m.startswith(f"restarted worker (pid {worker.proc.pid}, restart 1)") for m in messages)


def test_quick_deaths_double_the_back_off_up_to_the_cap(supervised):
    sup = supervised(("consumer", CRASHER), backoff_s=1.0, backoff_max_s=5.0, stable_s=60.0)
    child = sup.children[0]
    delays = []
    now = child.started_at
    for _ in range(5):
        wait_dead(sup, "consumer")
        sup.poll(now=now + 0.5)  # died half a second after its start
        assert child.restart_at is not None
        delays.append(round(child.restart_at - (now + 0.5), 2))
        now = child.restart_at
        sup.poll(now=now)  # the back-off has passed: started again
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert child.restarts == 5
    assert child.exits == [3] * 5


def test_a_child_that_ran_long_enough_restarts_after_the_first_back_off(supervised):
    sup = supervised(("consumer", CRASHER), backoff_s=1.0, stable_s=60.0)
    child = sup.children[0]
    child.quick_deaths = 4  # it had crashed in a loop before
    wait_dead(sup, "consumer")
    sup.poll(now=child.started_at + 61)  # but this time it ran a minute
    assert child.restart_at == pytest.approx(child.started_at + 62)


def test_a_child_is_not_restarted_before_its_back_off(supervised):
    sup = supervised(("consumer", CRASHER), backoff_s=10.0)
    child = sup.children[0]
    wait_dead(sup, "consumer")
    sup.poll(now=child.started_at + 1)
    sup.poll(now=child.started_at + 5)
    assert child.restarts == 0


def test_stop_ends_every_child(supervised):
    sup = supervised(("web", SLEEPER), ("worker", SLEEPER))
    sup.stop(timeout_s=5)
    assert all(c.proc is not None and c.proc.poll() is not None for c in sup.children)
