"""A card number alone does not move money (issue 15 item 2): the holder's PIN or a one-time code from
the card page; wrong PINs lock charging by number until a booth unlocks it; scanning the QR stays one
step; a lost card's balance moves to a replacement exactly once, never onto a card with money or a
blocked one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.utils import timezone

from kotapintar.core.models import AuditEntry, Role
from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import CodeExpired, PinNotSet
from kotapintar.wallet.models import Card, Merchant, Payment, Transfer, TransferKind
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db

API = "/api/v1/wallet"


@pytest.fixture
def pos(token_client: Callable[[Any], Any], merchant_user: Any) -> Any:
    return token_client(merchant_user)


def _pay(client: Any, key: str, **body: Any) -> Any:
    return client.post(f"{API}/payments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def _moved_nothing(card: Any, balance: int) -> None:
    assert selectors.card_balance(number=card.number) == balance
    assert not Payment.objects.filter(card__number=card.number).exists()


def test_a_typed_number_without_pin_or_code_is_refused(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    resp = _pay(pos, "k1", merchant_code=merchant.code, card_number=card.number, amount_idr=10_000)
    assert resp.status_code == 403 and resp.json()["code"] == "card_auth_required"
    _moved_nothing(card, 50_000)


def test_the_right_pin_charges_a_typed_number(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    resp = _pay(pos, "k1", merchant_code=merchant.code, card_number=card.number, pin=PIN, amount_idr=10_000)
    assert resp.status_code == 201, resp.json()
    assert selectors.card_balance(number=card.number) == 40_000


def test_a_wrong_pin_is_refused_with_the_attempts_left(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    resp = _pay(pos, "k1", merchant_code=merchant.code, card_number=card.number, pin="000000", amount_idr=1)
    assert resp.status_code == 403 and resp.json()["code"] == "wrong_pin"
    assert resp.json()["detail"]["attempts_left"] == 4
    _moved_nothing(card, 50_000)


def test_a_card_without_pin_needs_a_code_or_the_qr(
    merchant_user: Any, operator: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000, pin="")
    with pytest.raises(PinNotSet):
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_number=card.number,
            pin=PIN,
            amount_idr=1,
            idempotency_key="k",
        )
    _moved_nothing(card, 50_000)


@override_settings(WALLET_PIN_MAX_ATTEMPTS=3)
def test_the_pin_locks_after_the_allowed_wrong_tries_until_a_booth_unlocks_it(
    pos: Any, token_client: Callable[[Any], Any], operator: Any, merchant: Merchant, funded_card: Any
) -> None:
    card = funded_card(50_000)
    codes = [
        _pay(
            pos, f"k{i}", merchant_code=merchant.code, card_number=card.number, pin="111111", amount_idr=1
        ).json()["code"]
        for i in range(3)
    ]
    assert codes == ["wrong_pin", "wrong_pin", "pin_locked"]
    right = _pay(pos, "k-right", merchant_code=merchant.code, card_number=card.number, pin=PIN, amount_idr=1)
    assert right.status_code == 409 and right.json()["code"] == "pin_locked"
    _moved_nothing(card, 50_000)
    assert selectors.card_get(number=card.number).pin_locked
    assert AuditEntry.objects.filter(action="wallet.card_pin_locked").count() == 1
    # the card itself still pays when scanned
    scanned = _pay(pos, "k-qr", merchant_code=merchant.code, card_token=card.qr_token, amount_idr=1_000)
    assert scanned.status_code == 201
    # the holder is at the booth: staff unlock it
    unlock = token_client(operator).post(f"{API}/cards/{card.number}/pin/unlock")
    assert unlock.status_code == 200 and unlock.json()["pin_locked"] is False
    again = _pay(pos, "k-after", merchant_code=merchant.code, card_number=card.number, pin=PIN, amount_idr=1)
    assert again.status_code == 201
    assert selectors.card_balance(number=card.number) == 48_999


def test_a_merchant_cannot_unlock_a_pin(
    token_client: Callable[[Any], Any], merchant_user: Any, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    resp = token_client(merchant_user).post(f"{API}/cards/{card.number}/pin/unlock")
    assert resp.status_code == 403


def test_the_pin_is_stored_as_a_slow_hash(operator: Any) -> None:
    card = services.card_issue(actor=operator, pin="135790")
    stored = Card.objects.get(number=card.number).pin_hash
    assert "135790" not in stored and check_password("135790", stored)
    assert card.pin_set


@pytest.mark.parametrize("pin", ["12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_a_pin_is_six_ascii_digits(token_client: Callable[[Any], Any], operator: Any, pin: str) -> None:
    resp = token_client(operator).post(f"{API}/cards", {"pin": pin}, content_type="application/json")
    assert resp.status_code == 422
    assert Card.objects.count() == 0


def test_the_holder_sets_a_pin_with_the_card_and_changes_it_only_with_the_old_one(
    client: Any, operator: Any
) -> None:
    card = services.card_issue(actor=operator)
    url = f"{API}/cards/{card.number}/pin"
    first = client.post(url, {"pin": "112233", "card_secret": card.qr_token}, content_type="application/json")
    assert first.status_code == 204
    change = client.post(
        url, {"pin": "445566", "card_secret": card.qr_token}, content_type="application/json"
    )
    assert change.status_code == 403 and change.json()["code"] == "wrong_pin"
    body = {"pin": "445566", "current_pin": "112233", "card_secret": card.qr_token}
    assert client.post(url, body, content_type="application/json").status_code == 204
    assert check_password("445566", Card.objects.get(number=card.number).pin_hash)


def test_setting_a_pin_without_the_card_is_refused(client: Any, operator: Any) -> None:
    card = services.card_issue(actor=operator)
    resp = client.post(f"{API}/cards/{card.number}/pin", {"pin": "112233"}, content_type="application/json")
    assert resp.status_code == 403
    assert Card.objects.get(number=card.number).pin_hash == ""


def _code(client: Any, card: Any) -> str:
    resp = client.post(
        f"{API}/cards/{card.number}/codes", {"card_secret": card.qr_token}, content_type="application/json"
    )
    assert resp.status_code == 201, resp.json()
    code: str = resp.json()["code"]
    return code


def test_a_one_time_code_charges_once(
    client: Any, pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000, pin="")
    code = _code(client, card)
    body = {"merchant_code": merchant.code, "card_number": card.number, "one_time_code": code}
    assert _pay(pos, "k1", **body, amount_idr=5_000).status_code == 201
    retry = _pay(pos, "k1", **body, amount_idr=5_000)  # the same charge retried: its first answer
    assert retry.status_code == 201
    reuse = _pay(pos, "k2", **body, amount_idr=5_000)
    assert reuse.status_code == 403 and reuse.json()["code"] == "code_wrong"
    assert selectors.card_balance(number=card.number) == 45_000


def test_an_expired_code_is_refused(
    operator: Any, merchant_user: Any, merchant: Merchant, funded_card: Any
) -> None:
    card = funded_card(50_000, pin="")
    made = services.card_code_create(
        actor=operator, number=card.number, now=timezone.now() - timedelta(minutes=10)
    )
    with pytest.raises(CodeExpired):
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_number=card.number,
            one_time_code=made.code,
            amount_idr=1_000,
            idempotency_key="k",
        )
    _moved_nothing(card, 50_000)


def test_a_new_code_retires_the_previous_one(
    client: Any, pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000, pin="")
    old, new = _code(client, card), _code(client, card)
    body = {"merchant_code": merchant.code, "card_number": card.number, "amount_idr": 1_000}
    assert _pay(pos, "k1", **body, one_time_code=old).json()["code"] == "code_wrong"
    assert _pay(pos, "k2", **body, one_time_code=new).status_code == 201


def test_the_signed_in_holder_pays_by_number_without_a_pin(
    make_user: Callable[..., Any], merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    visitor = make_user(username="pengunjung")
    card = funded_card(20_000, holder_user=visitor, anonymous=False)
    result = services.payment_create(
        actor=visitor,
        merchant_code=merchant.code,
        card_number=card.number,
        amount_idr=2_000,
        idempotency_key="k",
    )
    assert result.card_balance_idr == 18_000


# --- a lost card ---------------------------------------------------------------------------------------


def _replace(client: Any, number: str, key: str, **body: Any) -> Any:
    return client.post(
        f"{API}/cards/{number}/replace", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_lost_card_is_blocked_and_its_balance_moves_onto_an_empty_card_once(
    token_client: Callable[[Any], Any], operator: Any, pos: Any, merchant: Merchant, funded_card: Any
) -> None:
    booth = token_client(operator)
    lost, spare = funded_card(64_000), funded_card(0)
    assert (
        booth.post(
            f"{API}/cards/{lost.number}/block", {"reason": "hilang"}, content_type="application/json"
        ).status_code
        == 200
    )
    first = _replace(booth, lost.number, "r1", onto=spare.number)
    again = _replace(booth, lost.number, "r1", onto=spare.number)
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["number"] == spare.number and first.json()["balance_idr"] == 64_000
    assert Transfer.objects.filter(kind=TransferKind.CARD_MOVE).count() == 1
    other = _replace(booth, lost.number, "r2", onto=funded_card(0).number)
    assert other.status_code == 409 and other.json()["code"] == "card_blocked"
    paid = _pay(pos, "k", merchant_code=merchant.code, card_token=lost.qr_token, amount_idr=1)
    assert paid.status_code == 409 and paid.json()["code"] == "card_blocked"
    assert selectors.card_balance(number=lost.number) == 0
    assert AuditEntry.objects.filter(action="wallet.card_replace").count() == 1
    assert selectors.ledger_check().ok


def test_a_replacement_onto_a_card_with_money_is_refused(
    token_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    lost, full = funded_card(30_000), funded_card(5_000)
    resp = _replace(token_client(operator), lost.number, "r", onto=full.number)
    assert resp.status_code == 409 and resp.json()["code"] == "replacement_has_money"
    assert selectors.card_balance(number=lost.number) == 30_000
    assert selectors.card_get(number=lost.number).status == "active"
    assert not Transfer.objects.filter(kind=TransferKind.CARD_MOVE).exists()


def test_a_replacement_onto_a_blocked_card_is_refused(
    token_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    lost, blocked = funded_card(30_000), funded_card(0)
    services.card_block(actor=operator, number=blocked.number)
    resp = _replace(token_client(operator), lost.number, "r", onto=blocked.number)
    assert resp.status_code == 409 and resp.json()["code"] == "replacement_blocked"
    assert selectors.card_balance(number=lost.number) == 30_000
    assert not Transfer.objects.filter(kind=TransferKind.CARD_MOVE).exists()


def test_a_card_cannot_replace_itself(
    token_client: Callable[[Any], Any], operator: Any, funded_card: Any
) -> None:
    lost = funded_card(30_000)
    resp = _replace(token_client(operator), lost.number, "r", onto=lost.number)
    assert resp.status_code == 422 and resp.json()["code"] == "replacement_same_card"


def test_only_the_booth_replaces_cards(
    token_client: Callable[[Any], Any], make_user: Callable[..., Any], funded_card: Callable[..., Any]
) -> None:
    lost, spare = funded_card(30_000), funded_card(0)
    resp = _replace(
        token_client(make_user(Role.MERCHANT, username="m2")), lost.number, "r", onto=spare.number
    )
    assert resp.status_code == 403
    assert selectors.card_balance(number=lost.number) == 30_000
