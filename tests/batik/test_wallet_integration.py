"""Batik on the real wallet app (through its services and selectors only): tickets paid by card,
forged QR tokens refused, the wallet page opened with the card's QR, analytics turnover."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from kotapintar.batik import services as batik
from kotapintar.batik.models import Ticket
from kotapintar.core.errors import DomainError
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet import services as wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(staff, event):
    wallet.merchant_create(
        actor=staff, code="dinparbudpora-tiket", name="Tiket Dinparbudpora", category="tiket"
    )
    wallet.merchant_register_for_event(
        actor=staff, merchant_code="dinparbudpora-tiket", event_code=event.code
    )
    return "dinparbudpora-tiket"


@pytest.fixture
def card(staff):
    info = wallet.card_issue(actor=staff)
    wallet.topup_cash(
        actor=staff, card_number=info.number, amount_idr=50_000, idempotency_key=str(uuid.uuid4())
    )
    return info


def _buy(card, adult, *, token=None, key="k1", quantity=1):
    return batik.ticket_purchase(
        actor=None,
        event_code=adult.event.code,
        ticket_type_code=adult.code,
        card_number=card.number,
        idempotency_key=key,
        quantity=quantity,
        card_token=token if token is not None else card.qr_token,
    )


def test_ticket_paid_from_the_card_to_the_organiser(organiser, card, adult):
    result = _buy(card, adult, quantity=2)
    assert wallet_selectors.card_balance(number=card.number) == 50_000 - 14_000
    assert result.card_balance_idr == 36_000
    assert wallet_selectors.turnover_by_event()[adult.event.code] == 14_000


def test_retry_pays_once_on_the_ledger(organiser, card, adult):
    _buy(card, adult, key="same")
    _buy(card, adult, key="same")
    assert wallet_selectors.card_balance(number=card.number) == 43_000
    assert Ticket.objects.count() == 1


def test_forged_token_moves_no_money_and_issues_nothing(organiser, card, adult):
    forged = card.qr_token[:-4] + ("AAAA" if not card.qr_token.endswith("AAAA") else "BBBB")
    with pytest.raises(DomainError) as exc:
        _buy(card, adult, token=forged)
    assert 400 <= exc.value.status < 500
    assert wallet_selectors.card_balance(number=card.number) == 50_000
    assert not Ticket.objects.exists()


def test_insufficient_balance_leaves_quota_untouched(organiser, card, adult):
    with pytest.raises(DomainError) as exc:
        _buy(card, adult, quantity=10)
    assert exc.value.status == 409
    adult.refresh_from_db()
    assert adult.sold == 0


def test_event_without_registered_organiser_is_refused(staff, card, adult):
    wallet.merchant_create(actor=staff, code="dinparbudpora-tiket", name="Tiket", category="tiket")
    with pytest.raises(DomainError) as exc:
        _buy(card, adult)
    assert 400 <= exc.value.status < 500
    assert not Ticket.objects.exists()


def test_wallet_page_opens_with_the_card_qr_token(client, organiser, card, adult):
    client.post(reverse("batik:me_login"), {"card": card.number, "secret": card.qr_token})
    page = client.get(reverse("batik:me")).content.decode()
    assert card.number in page and "Rp50.000" in page


def test_wallet_page_refuses_a_forged_token(client, card):
    client.post(reverse("batik:me_login"), {"card": card.number, "secret": card.qr_token + "x"})
    assert "batik_card" not in client.session


def test_venue_stamp_from_a_scanned_card(staff, card, venue):
    assert batik.stamp_collect_at_venue(actor=staff, venue_code=venue.code, card_token=card.qr_token)
    assert not batik.stamp_collect_at_venue(actor=staff, venue_code=venue.code, card_token=card.qr_token)


def test_cancelled_ticket_is_refunded_and_frees_its_place(organiser, card, adult, staff):
    code = _buy(card, adult).ticket_codes[0]
    result = batik.ticket_cancel(actor=staff, code=code)
    assert result.refunded_idr == 7_000
    assert wallet_selectors.card_balance(number=card.number) == 50_000
    adult.refresh_from_db()
    assert adult.sold == 0


def test_used_ticket_cannot_be_cancelled(organiser, card, adult, staff):
    code = _buy(card, adult).ticket_codes[0]
    batik.checkin_scan(actor=staff, code=code, event_code=adult.event.code)
    with pytest.raises(DomainError) as exc:
        batik.ticket_cancel(actor=staff, code=code)
    assert exc.value.code == "ticket_already_used"
    assert wallet_selectors.card_balance(number=card.number) == 43_000


def test_cancelled_ticket_is_refused_at_the_gate(organiser, card, adult, staff):
    code = _buy(card, adult).ticket_codes[0]
    batik.ticket_cancel(actor=staff, code=code)
    with pytest.raises(DomainError) as exc:
        batik.checkin_scan(actor=staff, code=code, event_code=adult.event.code)
    assert exc.value.code == "ticket_cancelled"


def test_wallet_page_refuses_the_qr_token_of_a_blocked_card(client, staff, card):
    wallet.card_block(actor=staff, number=card.number, reason="hilang")
    client.post(reverse("batik:me_login"), {"card": card.number, "secret": card.qr_token})
    assert "batik_card" not in client.session


def test_wallet_page_refuses_the_qr_token_of_a_replaced_card(client, staff, card):
    wallet.card_replace(actor=staff, number=card.number, idempotency_key=str(uuid.uuid4()))
    client.post(reverse("batik:me_login"), {"card": card.number, "secret": card.qr_token})
    assert "batik_card" not in client.session


def test_another_visitors_key_is_a_fresh_purchase(organiser, staff, card, adult):
    """Ticket order keys belong to their caller (issue 12 item 7): another card's visitor sending
    the same key buys their own ticket; they neither get the first order nor a 409 naming it."""
    other = wallet.card_issue(actor=staff)
    wallet.topup_cash(actor=staff, card_number=other.number, amount_idr=50_000, idempotency_key="t-other")
    first = _buy(card, adult, key="same")
    theirs = _buy(other, adult, key="same")
    assert not theirs.replayed
    assert theirs.order_id != first.order_id and set(theirs.ticket_codes).isdisjoint(first.ticket_codes)
    assert wallet_selectors.card_balance(number=other.number) == 43_000
    assert wallet_selectors.card_balance(number=card.number) == 43_000
    again = _buy(other, adult, key="same")  # their own retry: their order
    assert again.replayed and again.order_id == theirs.order_id


@pytest.fixture
def card_with_pin(staff):
    info = wallet.card_issue(actor=staff, pin="246810")
    wallet.topup_cash(
        actor=staff, card_number=info.number, amount_idr=50_000, idempotency_key=str(uuid.uuid4())
    )
    return info


def _box_office(staff, card, adult, **auth):
    return batik.ticket_purchase(
        actor=staff,
        event_code=adult.event.code,
        ticket_type_code=adult.code,
        card_number=card.number,
        idempotency_key=f"loket-{uuid.uuid4()}",
        **auth,
    )


def test_the_box_office_sells_by_typed_number_with_the_holders_pin(organiser, staff, card_with_pin, adult):
    _box_office(staff, card_with_pin, adult, pin="246810")
    assert wallet_selectors.card_balance(number=card_with_pin.number) == 43_000
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("auth", "code"),
    [({}, "card_auth_required"), ({"pin": "111111"}, "wrong_pin")],
    ids=["no-pin", "wrong-pin"],
)
def test_a_typed_number_without_the_right_pin_buys_nothing(
    organiser, staff, card_with_pin, adult, auth, code
):
    with pytest.raises(DomainError) as exc:
        _box_office(staff, card_with_pin, adult, **auth)
    assert exc.value.code == code
    assert wallet_selectors.card_balance(number=card_with_pin.number) == 50_000
    assert not Ticket.objects.exists()
    adult.refresh_from_db()
    assert adult.sold == 0


def test_the_box_office_sells_with_a_one_time_code(organiser, staff, card_with_pin, adult):
    code = wallet.card_code_create(actor=staff, number=card_with_pin.number)
    _box_office(staff, card_with_pin, adult, one_time_code=code.code)
    assert Ticket.objects.count() == 1
