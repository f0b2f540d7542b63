"""The task worker's leases: a task claimed by a worker that died is taken back and run again.

django-tasks-db marks a task RUNNING when a worker claims it and only that worker ever finishes it,
so a worker killed mid-task leaves it RUNNING for ever (upstream RealOrangeOne/django-tasks#46, still
open). `kotapintar worker` (the library's `db_worker` with a heartbeat) renews its lease by beating
every few seconds; every worker sweeps at start and at each beat: a RUNNING task that started more
than `WORK_LEASE_S` ago and whose worker has not beaten for `WORK_LEASE_S` is READY again (the
library's own status for "ready to be executed again"), and the next free worker runs it. A task
that has been claimed `TASK_MAX_CLAIMS` times without finishing (it kills its worker) is FAILED.

Tasks must therefore be safe to run twice (they are: they take ids and call services that check the
state they act on; the flood deliveries hold their own lease, `flood.services.deliveries`).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kotapintar.core import ratelimit
from kotapintar.core.heartbeats import heartbeats_forget_dead, process_host
from kotapintar.core.models import Heartbeat

log = logging.getLogger(__name__)

#: A task taken back this many times (each claim is a worker that died running it) fails instead.
TASK_MAX_CLAIMS = 5


class WorkerLost(Exception):
    """Recorded as a task's error when its workers kept dying while running it."""


def worker_id_default() -> str:
    """`host:pid:random` (the library allows 64 characters): unique per start, readable in the admin."""
    return f"{process_host()[:40]}:{os.getpid()}:{get_random_string(6)}"


def worker_heartbeat_name(worker_id: str) -> str:
    return f"worker:{worker_id}"


def tasks_reclaim(*, now: datetime | None = None) -> list[str]:
    """Make the tasks of dead workers READY again (or FAILED after TASK_MAX_CLAIMS); their ids."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.WORK_LEASE_S)
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        .filter(Q(started_at__lt=expired) | Q(started_at__isnull=True))
        .only("id", "worker_ids", "started_at", "task_path")
    )
    if not running:
        return []
    alive = set(Heartbeat.objects.filter(role="worker", beat_at__gte=expired).values_list("name", flat=True))
    reclaimed: list[str] = []
    for result in running:
        claimant = result.worker_ids[-1] if result.worker_ids else ""
        if claimant and worker_heartbeat_name(claimant) in alive:
            continue  # a long task of a live worker
        still = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) >= TASK_MAX_CLAIMS:
            changed = still.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker died while running it, {len(result.worker_ids)} times\n",
            )
            verdict = "failed"
        else:
            changed = still.update(status=TaskResultStatus.READY)
            verdict = "ready again"
        if changed:
            reclaimed.append(str(result.pk))
            log.warning(
                "task %s (%s) was running on worker %s, which stopped beating: %s",
                result.pk,
                result.task_path,
                claimant or "?",
                verdict,
            )
    return reclaimed


def worker_sweep() -> None:
    """What every worker does at start and at each heartbeat."""
    heartbeats_forget_dead()
    tasks_reclaim()
    ratelimit.prune_now_and_then()
