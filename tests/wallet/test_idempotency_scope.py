"""An Idempotency-Key belongs to its caller (issue 12 item 7).

A key is scoped to the signed-in user, or, for an anonymous payment, to the card whose QR token was
scanned. The same key from anyone else is a fresh request: never the first caller's response (the
card number and balance of someone else's card), and never a 409 either.
Runs on SQLite (the Python path) and on PostgreSQL (the `wallet_payment_post` function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from kotapintar.core.models import Role
from kotapintar.wallet import selectors, services
from kotapintar.wallet.models import Merchant, Payment
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db
URL = "/api/v1/wallet/payments"
KEY = "pos-0001"


def _pay(client: Any, key: str, **body: Any) -> Any:
    return client.post(URL, body, content_type="application/json", headers={"Idempotency-Key": key})


def test_a_stranger_replaying_a_merchants_key_does_not_get_its_response(
    token_client: Callable[[Any], Any],
    merchant_user: Any,
    make_user: Callable[..., Any],
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(50_000)
    body = {"merchant_code": merchant.code, "card_number": card.number, "amount_idr": 20_000, "pin": PIN}
    assert _pay(token_client(merchant_user), KEY, **body).status_code == 201
    stranger = token_client(make_user(username="orang_lain"))
    resp = _pay(stranger, KEY, **body)
    assert resp.status_code == 403, resp.json()
    assert resp.json()["code"] == "permission_denied"
    assert "card_balance_idr" not in resp.json()


def test_another_caller_reusing_a_key_makes_a_fresh_payment(
    token_client: Callable[[Any], Any],
    merchant_user: Any,
    operator: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    mine, theirs = funded_card(50_000), funded_card(50_000)
    first = _pay(
        token_client(merchant_user),
        KEY,
        merchant_code=merchant.code,
        card_number=mine.number,
        pin=PIN,
        amount_idr=1_000,
    )
    other = _pay(
        token_client(operator),
        KEY,
        merchant_code=merchant.code,
        card_number=theirs.number,
        amount_idr=2_000,
        pin=PIN,
    )
    assert first.status_code == 201 and other.status_code == 201, other.json()
    assert other.json()["card_number"] == theirs.number
    assert other.json()["payment_id"] != first.json()["payment_id"]
    assert selectors.card_balance(number=theirs.number) == 48_000
    assert selectors.card_balance(number=mine.number) == 49_000


def test_the_same_caller_replaying_gets_the_same_response(
    token_client: Callable[[Any], Any],
    merchant_user: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(50_000)
    pos = token_client(merchant_user)
    body = {"merchant_code": merchant.code, "card_number": card.number, "amount_idr": 20_000, "pin": PIN}
    first = _pay(pos, KEY, **body)
    again = _pay(pos, KEY, **body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Payment.objects.count() == 1


def test_anonymous_qr_payments_are_scoped_to_the_scanned_card(
    merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    one, two = funded_card(50_000), funded_card(50_000)
    visitor = AnonymousUser()

    def pay(card: Any) -> Any:
        return services.payment_create(
            actor=visitor,
            merchant_code=merchant.code,
            card_number="",
            card_token=card.qr_token,
            amount_idr=5_000,
            idempotency_key=KEY,
        )

    first = pay(one)
    assert pay(one) == first  # the same card's retry: the first result
    second = pay(two)  # another card, same key: a payment of its own
    assert second.card_number == two.number and second.payment_id != first.payment_id
    assert selectors.card_balance(number=two.number) == 45_000
    assert selectors.card_balance(number=one.number) == 45_000


def test_top_up_keys_are_scoped_to_the_operator(
    make_user: Callable[..., Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    colleague = make_user(Role.DINAS_PARIWISATA, username="operator_lain")
    first = services.topup_cash(
        actor=operator, card_number=card.number, amount_idr=10_000, idempotency_key=KEY
    )
    other = services.topup_cash(
        actor=colleague, card_number=card.number, amount_idr=10_000, idempotency_key=KEY
    )
    assert other != first
    assert selectors.card_balance(number=card.number) == 20_000
    again = services.topup_cash(
        actor=operator, card_number=card.number, amount_idr=10_000, idempotency_key=KEY
    )
    assert again == first
    assert selectors.card_balance(number=card.number) == 20_000
