"""PostgreSQL: two OPDs booking the same mentor slot at the same moment; exactly one gets it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kotapintar.core.errors import Conflict
from kotapintar.masterplan import services
from kotapintar.masterplan.models import ClinicSession, Element, WorksheetStatus
from tests.masterplan.factories import programme_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_slot_one_session(plan, worksheet, other_opd, other_opd_user, opd_user, slot):
    ws2 = services.worksheet_create(
        actor=other_opd_user, plan=plan, opd=other_opd, element=Element.objects.get(code="ENV-2")
    )
    services.programme_save(actor=other_opd_user, worksheet=ws2, data=programme_payload("P-02", lead="dlh"))
    services.worksheet_submit(actor=opd_user, worksheet=worksheet)
    services.worksheet_submit(actor=other_opd_user, worksheet=ws2)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(user, ws):
        try:
            barrier.wait(timeout=10)
            services.clinic_book(actor=user, worksheet=ws, slot=slot)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(opd_user, worksheet)),
        threading.Thread(target=book, args=(other_opd_user, ws2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["conflict", "ok"]
    assert ClinicSession.objects.filter(slot=slot).count() == 1
    statuses = sorted([worksheet.__class__.objects.get(pk=w.pk).status for w in (worksheet, ws2)])
    assert statuses == sorted([WorksheetStatus.CLINIC, WorksheetStatus.SUBMITTED])
