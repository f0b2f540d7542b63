"""Buying tickets with the city card: one payment to the organiser, idempotent, within quota."""

import pytest

from kotapintar.batik import services
from kotapintar.batik.errors import IdempotencyMismatch, NotOnSale, SoldOut, TicketTypeNotFound
from kotapintar.batik.models import Ticket, TicketOrder
from kotapintar.core.errors import Conflict, PermissionDenied, ValidationFailed
from kotapintar.core.models import AuditEntry
from tests.batik.conftest import CARD, POOR_CARD

pytestmark = pytest.mark.django_db


def test_purchase_pays_the_price_and_issues_a_ticket(buy, fake_wallet, adult):
    result = buy(quantity=2)
    assert result.amount_idr == 14_000
    assert fake_wallet.balances[CARD] == 100_000 - 14_000
    assert len(result.ticket_codes) == 2
    assert Ticket.objects.filter(holder_key=f"card:{CARD}").count() == 2


def test_ticket_codes_are_long_and_distinct(buy):
    codes = buy(quantity=10).ticket_codes
    assert len(set(codes)) == 10
    assert all(len(c) == services.TICKET_CODE_LENGTH for c in codes)


def test_retry_with_the_same_key_pays_once(buy, fake_wallet):
    first = buy(key="same")
    again = buy(key="same")
    assert again.ticket_codes == first.ticket_codes
    assert again.replayed
    assert len(fake_wallet.payments) == 1
    assert TicketOrder.objects.count() == 1


def test_same_key_with_other_quantity_is_refused(buy):
    buy(key="same")
    with pytest.raises(IdempotencyMismatch):
        buy(key="same", quantity=2)


def test_purchase_is_audited(buy):
    result = buy()
    assert AuditEntry.objects.filter(action="batik.ticket_issue", object_id=result.order_id).exists()


def test_insufficient_balance_issues_nothing(buy, adult):
    with pytest.raises(Conflict) as exc:
        buy(POOR_CARD, quantity=1)
    assert exc.value.code == "insufficient_balance"
    adult.refresh_from_db()
    assert adult.sold == 0
    assert not Ticket.objects.exists()


def test_sold_out_type_is_refused(buy, adult):
    adult.quota = 1
    adult.save()
    buy()
    with pytest.raises(SoldOut):
        buy()
    adult.refresh_from_db()
    assert adult.sold == 1


def test_order_over_the_remaining_quota_is_refused(buy, adult):
    adult.quota = 3
    adult.save()
    with pytest.raises(SoldOut):
        buy(quantity=4)


def test_unknown_ticket_type_is_404(buy, adult, event):
    with pytest.raises(TicketTypeNotFound):
        services.ticket_purchase(
            actor=None,
            event_code=event.code,
            ticket_type_code="vip",
            card_number=CARD,
            idempotency_key="x",
            card_token=f"tok-{CARD}",
        )


def test_inactive_type_is_not_on_sale(buy, adult):
    adult.is_active = False
    adult.save()
    with pytest.raises(NotOnSale):
        buy()


def test_forged_card_token_is_refused(fake_wallet, adult):
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_purchase(
            actor=None,
            event_code=adult.event.code,
            ticket_type_code=adult.code,
            card_number=CARD,
            idempotency_key="x",
            card_token="tok-9999",
        )
    assert exc.value.code == "invalid_card_token"
    assert fake_wallet.balances[CARD] == 100_000


def test_token_of_another_card_is_refused(fake_wallet, adult):
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_purchase(
            actor=None,
            event_code=adult.event.code,
            ticket_type_code=adult.code,
            card_number=CARD,
            idempotency_key="x",
            card_token=f"tok-{POOR_CARD}",
        )
    assert exc.value.code == "card_token_mismatch"


def test_anonymous_without_token_cannot_charge_a_card(fake_wallet, adult):
    with pytest.raises(PermissionDenied):
        services.ticket_purchase(
            actor=None,
            event_code=adult.event.code,
            ticket_type_code=adult.code,
            card_number=CARD,
            idempotency_key="x",
        )


def test_staff_sell_at_the_box_office_without_token(fake_wallet, adult, staff):
    result = services.ticket_purchase(
        actor=staff,
        event_code=adult.event.code,
        ticket_type_code=adult.code,
        card_number=CARD,
        idempotency_key="x",
    )
    assert result.amount_idr == 7_000


def test_owner_buys_with_own_card_when_signed_in(fake_wallet, adult, make_user):
    visitor = make_user()
    fake_wallet.owners[visitor.pk] = [CARD]
    result = services.ticket_purchase(
        actor=visitor,
        event_code=adult.event.code,
        ticket_type_code=adult.code,
        card_number=CARD,
        idempotency_key="x",
    )
    assert result.card_number == CARD


def test_quantity_zero_is_invalid(buy):
    with pytest.raises(ValidationFailed):
        buy(quantity=0)
