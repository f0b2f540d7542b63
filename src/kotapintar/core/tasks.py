"""Background tasks of the core app. Tasks take ids and call a service."""

from __future__ import annotations

from django_tasks import task

from kotapintar.core import services


@task()
def notification_email_send(notification_id: int) -> bool:
    """Send one in-app notification by e-mail as well (when NOTIFY_BY_EMAIL is on)."""
    return services.notification_email_send(notification_id=notification_id)
