"""In-app notifications: written when the caller's transaction commits, one insert for many messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kotapintar.core.models import Notification
from kotapintar.core.notifications import Note, notify, notify_many

pytestmark = pytest.mark.django_db(transaction=True)


def test_many_messages_are_written_with_one_insert_at_commit(make_user: Any) -> None:
    first, second = make_user(username="a"), make_user(username="b")
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            notify_many(
                [
                    Note(recipients=[first, second], message="Surat 1 menunggu", url="/tte/1", kind="esign"),
                    Note(recipients=[first.pk], message="Surat 2 menunggu", url="/tte/2", kind="esign"),
                ]
            )
            assert not Notification.objects.exists()
    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1
    rows = sorted(Notification.objects.values_list("recipient__username", "message", "url"))
    assert rows == [
        ("a", "Surat 1 menunggu", "/tte/1"),
        ("a", "Surat 2 menunggu", "/tte/2"),
        ("b", "Surat 1 menunggu", "/tte/1"),
    ]


def test_a_rolled_back_transaction_notifies_nobody(make_user: Any) -> None:
    user = make_user(username="a")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[user], message="tidak jadi")
        raise RuntimeError("rolled back")
    assert not Notification.objects.exists()


def test_a_recipient_named_twice_gets_one_message(make_user: Any) -> None:
    user = make_user(username="a")
    notify(recipients=[user, user.pk, None], message="sekali saja")
    assert Notification.objects.filter(recipient=user).count() == 1
