"""Background tasks of the core app. Tasks take ids and call a service."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kotapintar.core import audit, services

log = logging.getLogger(__name__)


@task()
def notification_email_send(notification_id: int) -> bool:
    """Send one in-app notification by e-mail as well (when NOTIFY_BY_EMAIL is on)."""
    return services.notification_email_send(notification_id=notification_id)


@task()
def audit_anchor() -> int | None:
    """The periodic audit anchor: have the city TSA timestamp the chain head (when it moved since
    the newest anchor), then queue the next run AUDIT_ANCHOR_INTERVAL_H hours later. The anchored
    sequence number, or None when there was nothing new to anchor."""
    try:
        anchor = audit.anchor_create()
    finally:
        audit_anchor_schedule()
    return anchor.seq if anchor is not None else None


def audit_anchor_schedule() -> bool:
    """Queue the next `audit_anchor` run unless one is already waiting (the task queue is the
    schedule: each run queues the next). False on another backend (the immediate backend of tests):
    there `kotapintar audit-anchor` from a timer anchors."""
    if not isinstance(audit_anchor.get_backend(), DatabaseBackend):
        return False

    waiting = DBTaskResult.objects.filter(task_path=audit_anchor.module_path, status="READY")
    if waiting.exists():
        return False
    when = timezone.now() + timedelta(hours=settings.AUDIT_ANCHOR_INTERVAL_H)
    audit_anchor.using(run_after=when).enqueue()
    log.info("audit anchor: next run at %s", when.isoformat())
    return True
