"""An offline scanner uploads its queue later; the same batch twice adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.batik import services
from kotapintar.batik.models import CheckIn
from kotapintar.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _items(codes):
    t = timezone.now() - timedelta(minutes=30)
    return [
        {"nonce": f"scanner-1:{i}", "code": c, "kind": "entry", "scanned_at": t + timedelta(seconds=i)}
        for i, c in enumerate(codes)
    ]


def test_batch_records_each_scan_as_offline(buy, staff, event):
    codes = buy(quantity=3).ticket_codes
    result = services.checkin_batch_upload(
        actor=staff, event_code=event.code, gate="Gerbang 2", items=_items(codes)
    )
    assert (result.accepted, result.duplicates, result.refused) == (3, 0, 0)
    assert CheckIn.objects.filter(offline=True, gate="Gerbang 2").count() == 3


def test_uploading_the_same_batch_twice_adds_nothing(buy, staff, event):
    items = _items(buy(quantity=3).ticket_codes)
    services.checkin_batch_upload(actor=staff, event_code=event.code, gate="G", items=items)
    again = services.checkin_batch_upload(actor=staff, event_code=event.code, gate="G", items=items)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert CheckIn.objects.count() == 3


def test_double_entry_made_offline_is_refused_on_upload(buy, staff, event):
    code = buy().ticket_codes[0]
    items = _items([code, code])
    items[1]["nonce"] = "scanner-2:0"
    result = services.checkin_batch_upload(actor=staff, event_code=event.code, gate="G", items=items)
    assert [i.status for i in result.items] == ["ok", "refused"]
    assert result.items[1].code == "ticket_already_used"


def test_unknown_code_in_a_batch_is_refused_not_fatal(buy, staff, event):
    items = _items([buy().ticket_codes[0], "NOPE"])
    result = services.checkin_batch_upload(actor=staff, event_code=event.code, gate="G", items=items)
    assert [i.status for i in result.items] == ["ok", "refused"]


def test_oversized_batch_is_refused(staff, event):
    with pytest.raises(ValidationFailed):
        services.checkin_batch_upload(actor=staff, event_code=event.code, gate="G", items=[{}] * 501)
