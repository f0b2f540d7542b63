"""Background work of the flood app: notification deliveries with retries (django-tasks)."""

from __future__ import annotations

import logging
from datetime import datetime

from django_tasks import default_task_backend, task

log = logging.getLogger(__name__)


@task()
def delivery_send(delivery_id: int) -> None:
    from kotapintar.flood import services

    services.delivery_attempt(delivery_id=delivery_id)


def delivery_retry_later(delivery_id: int, when: datetime) -> None:
    """Enqueue a retry at `when` where the backend can defer; otherwise the periodic loop retries it
    (`kotapintar flood-check` / mqtt-ingest call `deliveries_retry_due`)."""
    if getattr(default_task_backend, "supports_defer", False):
        delivery_send.using(run_after=when).enqueue(delivery_id)
    else:
        log.info("delivery %s: retry at %s by the periodic check", delivery_id, when.isoformat())
