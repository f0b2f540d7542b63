"""Smoke test of the real task queue: enqueue on the database backend, then `db_worker --batch`."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kotapintar.core.models import Role
from kotapintar.core.notifications import notify

pytestmark = pytest.mark.django_db(transaction=True)

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_notification_email_goes_through_the_db_worker(settings, make_user):
    settings.TASKS = DB_BACKEND
    settings.NOTIFY_BY_EMAIL = True
    user = make_user(Role.BAPPEDA, email="perencana@pekalongankota.go.id")
    with transaction.atomic():
        notify(recipients=[user], message="Kertas kerja DLH menunggu persetujuan", url="/masterplan/")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert mail.outbox[0].to == ["perencana@pekalongankota.go.id"]
    assert "Kertas kerja DLH" in mail.outbox[0].body


def test_nothing_is_enqueued_when_the_transaction_rolls_back(settings, make_user):
    settings.TASKS = DB_BACKEND
    settings.NOTIFY_BY_EMAIL = True
    user = make_user(Role.BAPPEDA, email="perencana@pekalongankota.go.id")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[user], message="tidak jadi")
        raise RuntimeError("rollback")
    assert DBTaskResult.objects.count() == 0
