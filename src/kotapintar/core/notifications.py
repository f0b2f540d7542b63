"""Notify users inside the platform (the bell in the header) once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from kotapintar.core.models import Notification


@dataclass(frozen=True)
class Note:
    """One message for ``notify_many``: the arguments of ``notify``."""

    recipients: Iterable[Any]
    message: str
    url: str = ""
    kind: str = ""


def notify(*, recipients: Iterable[Any], message: str, url: str = "", kind: str = "") -> None:
    """Queue an in-app notification for each recipient; written only if the caller's transaction commits."""
    notify_many([Note(recipients=recipients, message=message, url=url, kind=kind)])


def notify_many(notes: Iterable[Note]) -> None:
    """Queue several messages at once (a batch service's, one per document): one insert at commit."""
    rows: list[Notification] = []
    for note in notes:
        text = str(note.message)
        ids = sorted({getattr(r, "pk", r) for r in note.recipients if r is not None})
        rows.extend(Notification(recipient_id=pk, message=text, url=note.url, kind=note.kind) for pk in ids)
    if not rows:
        return

    def _write() -> None:
        created = Notification.objects.bulk_create(rows)
        if settings.NOTIFY_BY_EMAIL:
            from kotapintar.core.tasks import notification_email_send

            for row in created:  # bulk_create returns primary keys on PostgreSQL and SQLite >= 3.35
                notification_email_send.enqueue(row.pk)

    transaction.on_commit(_write)


def users_with_role(role: str, *, opd_id: int | None = None) -> list[Any]:
    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    if opd_id is not None:
        users = users.filter(profile__opd_id=opd_id)
    return list(users.distinct())
