"""Check-in at the gate: entry, exit, a second entry refused with where and when, wrong event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.batik import services
from kotapintar.batik.errors import TicketAlreadyUsed, TicketNotFound, TicketNotInside, WrongEvent
from kotapintar.batik.models import CheckIn, Stamp
from kotapintar.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _scan(actor, code, event, **kw):
    return services.checkin_scan(actor=actor, code=code, event_code=event.code, **kw)


def test_entry_is_accepted(buy, staff, event):
    code = buy().ticket_codes[0]
    result = _scan(staff, code, event, gate="Gerbang Jetayu")
    assert result.status == "ok"
    assert result.kind == "entry"


def test_typed_code_with_dashes_and_lowercase_is_accepted(buy, staff, event):
    code = buy().ticket_codes[0]
    typed = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()
    assert _scan(staff, typed, event).ticket_code == code


def test_second_entry_is_refused_with_where_and_when(buy, staff, event):
    code = buy().ticket_codes[0]
    _scan(staff, code, event, gate="Gerbang Jetayu")
    with pytest.raises(TicketAlreadyUsed) as exc:
        _scan(staff, code, event, gate="Gerbang Museum")
    assert exc.value.detail["gate"] == "Gerbang Jetayu"
    assert "Gerbang Jetayu" in str(exc.value.message)
    assert exc.value.detail["first_used_at"]
    assert CheckIn.objects.count() == 1


def test_exit_then_reentry_refused_for_single_entry_ticket(buy, staff, event):
    code = buy().ticket_codes[0]
    _scan(staff, code, event)
    _scan(staff, code, event, kind="exit")
    with pytest.raises(TicketAlreadyUsed):
        _scan(staff, code, event)


def test_reentry_allowed_after_exit_when_type_allows(buy, staff, event, adult):
    adult.allow_reentry = True
    adult.save()
    code = buy().ticket_codes[0]
    _scan(staff, code, event)
    _scan(staff, code, event, kind="exit")
    assert _scan(staff, code, event).status == "ok"


def test_exit_without_entry_is_refused(buy, staff, event):
    code = buy().ticket_codes[0]
    with pytest.raises(TicketNotInside):
        _scan(staff, code, event, kind="exit")


def test_unknown_ticket_is_refused(staff, event, adult):
    with pytest.raises(TicketNotFound):
        _scan(staff, "ZZZZZZZZZZZZ", event)


def test_ticket_for_another_event_is_refused(buy, staff, other_event):
    code = buy().ticket_codes[0]
    with pytest.raises(WrongEvent):
        _scan(staff, code, other_event)
    assert not CheckIn.objects.exists()


def test_only_staff_may_scan(buy, event, make_user):
    code = buy().ticket_codes[0]
    with pytest.raises(PermissionDenied):
        _scan(make_user(), code, event)


def test_scan_time_in_the_future_is_refused(buy, staff, event):
    code = buy().ticket_codes[0]
    with pytest.raises(ValidationFailed):
        _scan(staff, code, event, scanned_at=timezone.now() + timedelta(hours=2))


def test_first_entry_gives_the_event_stamp(buy, staff, event):
    code = buy().ticket_codes[0]
    assert _scan(staff, code, event).stamp_awarded
    assert Stamp.objects.get().scope == f"event:{event.code}"


def test_second_ticket_of_the_same_holder_gives_no_second_stamp(buy, staff, event):
    a, b = buy(quantity=2).ticket_codes
    _scan(staff, a, event)
    assert not _scan(staff, b, event).stamp_awarded
    assert Stamp.objects.count() == 1


def test_same_nonce_twice_checks_in_once(buy, staff, event):
    code = buy().ticket_codes[0]
    first = _scan(staff, code, event, nonce="n-1", offline=True)
    again = _scan(staff, code, event, nonce="n-1", offline=True)
    assert again.status == "duplicate"
    assert again.checkin_id == first.checkin_id
    assert CheckIn.objects.count() == 1
