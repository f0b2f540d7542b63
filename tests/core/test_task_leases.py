"""Task leases: a task left RUNNING by a worker that stopped beating is READY again after WORK_LEASE_S."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotapintar.core import heartbeats
from kotapintar.core.models import Heartbeat
from kotapintar.core.worker import TASK_MAX_CLAIMS, tasks_reclaim, worker_heartbeat_name

pytestmark = pytest.mark.django_db

LEASE_S = 120


@pytest.fixture(autouse=True)
def lease(settings):
    settings.WORK_LEASE_S = LEASE_S


def running(*, started_s_ago: float, workers: list[str]) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        status="RUNNING",
        started_at=timezone.now() - timedelta(seconds=started_s_ago),
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="kotapintar.flood.tasks.delivery_send",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=started_s_ago),
        worker_ids=workers,
    )


def beat(worker_id: str, *, s_ago: float) -> None:
    Heartbeat.objects.create(
        name=worker_heartbeat_name(worker_id),
        role="worker",
        host=heartbeats.process_host(),
        pid=1,
        beat_at=timezone.now() - timedelta(seconds=s_ago),
    )


def status(result: DBTaskResult[Any, Any]) -> str:
    result.refresh_from_db()
    return str(result.status)


def test_the_task_of_a_worker_that_stopped_beating_is_ready_again():
    beat("w1", s_ago=LEASE_S + 1)
    task = running(started_s_ago=LEASE_S + 30, workers=["w1"])
    assert tasks_reclaim() == [str(task.pk)]
    assert status(task) == "READY"
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists(), "a worker will pick it up"


def test_the_task_of_a_worker_without_any_heartbeat_is_ready_again():
    task = running(started_s_ago=LEASE_S + 30, workers=["gone"])
    tasks_reclaim()
    assert status(task) == "READY"


def test_a_long_task_of_a_live_worker_is_left_running():
    beat("w1", s_ago=2)
    task = running(started_s_ago=LEASE_S * 10, workers=["w1"])
    assert tasks_reclaim() == []
    assert status(task) == "RUNNING"


def test_a_task_started_within_the_lease_is_left_running():
    task = running(started_s_ago=LEASE_S - 5, workers=["gone"])
    assert tasks_reclaim() == []
    assert status(task) == "RUNNING"


def test_a_task_that_kept_killing_its_workers_fails():
    task = running(started_s_ago=LEASE_S + 30, workers=[f"w{i}" for i in range(TASK_MAX_CLAIMS)])
    tasks_reclaim()
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "kotapintar.core.worker.WorkerLost"
    assert task.finished_at is not None
