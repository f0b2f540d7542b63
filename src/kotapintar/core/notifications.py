"""Notify users inside the platform (the bell in the header) once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from kotapintar.core.models import Notification


def notify(*, recipients: Iterable[Any], message: str, url: str = "", kind: str = "") -> None:
    """Queue an in-app notification for each recipient; written only if the caller's transaction commits."""
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return
    text = str(message)

    def _write() -> None:
        created = Notification.objects.bulk_create(
            [Notification(recipient_id=pk, message=text, url=url, kind=kind) for pk in ids]
        )
        if settings.NOTIFY_BY_EMAIL:
            from kotapintar.core.tasks import notification_email_send

            for note in created:  # bulk_create returns primary keys on PostgreSQL and SQLite >= 3.35
                notification_email_send.enqueue(note.pk)

    transaction.on_commit(_write)


def users_with_role(role: str, *, opd_id: int | None = None) -> list[Any]:
    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    if opd_id is not None:
        users = users.filter(profile__opd_id=opd_id)
    return list(users.distinct())
