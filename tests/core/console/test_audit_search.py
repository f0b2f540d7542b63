"""The console's audit log: search by actor, object, action and date range, paginated; the chain's
verification (the same `audit.verify` as `kotapintar audit-verify`) and the last anchor."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kotapintar.core import audit, selectors
from kotapintar.core.models import AuditEntry, Role


@pytest.fixture
def log(make_user, opd):
    """Three entries on three days: two by `sri` (an OPD today, a document two days ago), one by
    the system five days ago."""
    sri = make_user(Role.OPD, username="sri")
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=5), tick=False):
        audit.record(action="flood.alert_raise", object_type="flood.alert", object_id="a-1")
    with time_machine.travel(now - timedelta(days=2), tick=False):
        audit.record(action="esign.document_sign", actor=sri, object_type="esign.document", object_id="d-7")
    audit.record(action="core.opd_update", actor=sri, obj=opd)
    return now


def _actions(qs):
    return [e.action for e in qs]


def test_search_by_actor(log):
    assert _actions(selectors.audit_search(actor="sri")) == ["core.opd_update", "esign.document_sign"]


def test_search_by_object_type(log):
    assert _actions(selectors.audit_search(obj="esign.document")) == ["esign.document_sign"]


def test_search_by_object_id(log):
    assert _actions(selectors.audit_search(obj="a-1")) == ["flood.alert_raise"]


def test_search_by_action(log):
    assert _actions(selectors.audit_search(action="alert")) == ["flood.alert_raise"]


def test_search_by_date_range_includes_both_days(log):
    local = timezone.localdate(log)
    found = selectors.audit_search(date_from=local - timedelta(days=5), date_to=local - timedelta(days=2))
    assert _actions(found) == ["esign.document_sign", "flood.alert_raise"]


def test_search_from_a_date_leaves_out_older_entries(log):
    found = selectors.audit_search(actor="sri", date_from=timezone.localdate(log) - timedelta(days=1))
    assert _actions(found) == ["core.opd_update"]


def test_the_console_pages_the_log(admin_client):
    for n in range(30):
        audit.record(action="test.entry", object_id=str(n))
    first = admin_client.get(reverse("kelola:audit"), {"action": "test.entry"})
    second = admin_client.get(reverse("kelola:audit"), {"action": "test.entry", "halaman": 2})
    assert [len(first.context["page"]), len(second.context["page"])] == [25, 5]
    assert second.context["page"][0].object_id == "4"  # newest first: 29 … 5 on page one


def test_the_console_filters_by_the_form(admin_client, log):
    response = admin_client.get(reverse("kelola:audit"), {"actor": "sri", "obj": "esign.document"})
    assert _actions(response.context["page"]) == ["esign.document_sign"]


def test_a_malformed_date_is_reported_not_a_500(admin_client, log):
    response = admin_client.get(reverse("kelola:audit"), {"date_from": "kemarin"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_the_chain_check_reports_an_intact_chain(admin_client, log):
    result = admin_client.get(reverse("kelola:audit_verify")).context["result"]
    assert (result.ok, result.checked) == (True, AuditEntry.objects.count())


def test_the_chain_check_finds_an_edited_entry(admin_client, log):
    edited = AuditEntry.objects.get(action="esign.document_sign")
    AuditEntry.objects.filter(pk=edited.pk).update(object_id="d-8")
    response = admin_client.get(reverse("kelola:audit_verify"))
    assert (response.context["result"].ok, response.context["result"].bad_seq) == (False, edited.seq)
    assert b'data-ok="0"' in response.content
