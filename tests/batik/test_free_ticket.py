"""Free tickets: one per visitor and ticket type."""

import pytest

from kotapintar.batik import services
from kotapintar.batik.errors import FreeTicketAlreadyIssued
from kotapintar.batik.models import Ticket
from kotapintar.core.errors import ValidationFailed
from tests.batik.conftest import CARD

pytestmark = pytest.mark.django_db


def _free(tt, **kw):
    return services.ticket_issue_free(
        actor=kw.pop("actor", None), event_code=tt.event.code, ticket_type_code=tt.code, **kw
    )


def test_free_ticket_for_a_card(fake_wallet, free_type):
    result = _free(free_type, card_number=CARD, card_token=f"tok-{CARD}")
    assert result.amount_idr == 0
    assert fake_wallet.payments == {}
    assert Ticket.objects.get().card_number == CARD


def test_free_ticket_requested_twice_is_refused(fake_wallet, free_type):
    _free(free_type, card_number=CARD, card_token=f"tok-{CARD}")
    with pytest.raises(FreeTicketAlreadyIssued):
        _free(free_type, card_number=CARD, card_token=f"tok-{CARD}")
    assert Ticket.objects.count() == 1


def test_free_ticket_for_the_signed_in_account(fake_wallet, free_type, make_user):
    visitor = make_user()
    _free(free_type, actor=visitor, user=visitor)
    assert Ticket.objects.get().holder_key == f"user:{visitor.pk}"


def test_paid_type_is_not_free(fake_wallet, adult):
    with pytest.raises(ValidationFailed):
        _free(adult, card_number=CARD, card_token=f"tok-{CARD}")


def test_free_type_through_the_purchase_path_gives_one_ticket_only(fake_wallet, free_type):
    with pytest.raises(ValidationFailed):
        services.ticket_purchase(
            actor=None,
            event_code=free_type.event.code,
            ticket_type_code=free_type.code,
            card_number=CARD,
            card_token=f"tok-{CARD}",
            idempotency_key="k",
            quantity=2,
        )
    assert not Ticket.objects.exists()
