"""The payment API: Idempotency-Key replay, key reuse, bad input -> clear 4xx with no money moved."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from kotapintar.wallet import selectors, services
from kotapintar.wallet.models import Merchant, Payment, Transfer
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db
URL = "/api/v1/wallet/payments"


def _pay(client: Any, key: str, **body: Any) -> Any:
    return client.post(URL, body, content_type="application/json", headers={"Idempotency-Key": key})


@pytest.fixture
def pos(token_client: Callable[[Any], Any], merchant_user: Any) -> Any:
    return token_client(merchant_user)


def test_retry_with_same_key_returns_first_result_and_moves_no_money(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    key = str(uuid.uuid4())
    first = _pay(pos, key, merchant_code=merchant.code, pin=PIN, card_number=card.number, amount_idr=20_000)
    again = _pay(pos, key, merchant_code=merchant.code, pin=PIN, card_number=card.number, amount_idr=20_000)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert selectors.card_balance(number=card.number) == 30_000
    assert Payment.objects.count() == 1


def test_same_key_with_other_amount_is_409(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    key = str(uuid.uuid4())
    assert (
        _pay(
            pos, key, merchant_code=merchant.code, pin=PIN, card_number=card.number, amount_idr=1_000
        ).status_code
        == 201
    )
    resp = _pay(pos, key, merchant_code=merchant.code, pin=PIN, card_number=card.number, amount_idr=2_000)
    assert resp.status_code == 409
    assert resp.json()["code"] == "idempotency_key_reused"
    assert selectors.card_balance(number=card.number) == 49_000


def test_pay_with_signed_card_token(pos: Any, merchant: Merchant, funded_card: Callable[..., Any]) -> None:
    card = funded_card(50_000)
    resp = _pay(pos, "k-token", merchant_code=merchant.code, card_token=card.qr_token, amount_idr=7_500)
    assert resp.status_code == 201, resp.json()
    assert resp.json()["card_number"] == card.number
    assert resp.json()["card_balance_idr"] == 42_500


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount_idr": 0}, 422, "amount_out_of_range"),
        ({"amount_idr": -5_000}, 422, "amount_out_of_range"),
        ({"amount_idr": 5_000_001}, 422, "amount_out_of_range"),
        ({"amount_idr": 60_000}, 409, "insufficient_balance"),
        ({"card_number": "3375000000000000"}, 404, "card_not_found"),
        ({"card_number": "3375000000000001"}, 404, "card_not_found"),
        ({"event_code": "festival-sarung-batik-2026"}, 403, "merchant_not_registered"),
        ({"merchant_code": "tidak-ada"}, 404, "merchant_not_found"),
    ],
)
def test_bad_payment_is_refused_and_moves_no_money(
    pos: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    card = funded_card(50_000)
    body = {
        "merchant_code": merchant.code,
        "card_number": card.number,
        "amount_idr": 10_000,
        "pin": PIN,
        **change,
    }
    before = Transfer.objects.count()
    resp = _pay(pos, str(uuid.uuid4()), **body)
    assert resp.status_code == status, resp.json()
    assert resp.json()["code"] == code
    assert Transfer.objects.count() == before
    assert selectors.card_balance(number=card.number) == 50_000


def test_blocked_card_is_refused(
    pos: Any, operator: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    services.card_block(actor=operator, number=card.number, reason="hilang")
    resp = _pay(
        pos, "k-blocked", merchant_code=merchant.code, pin=PIN, card_number=card.number, amount_idr=1_000
    )
    assert resp.status_code == 409
    assert resp.json()["code"] == "card_blocked"
    assert selectors.card_balance(number=card.number) == 50_000


@pytest.mark.parametrize("mutate", ["digit", "signature", "garbage"])
def test_forged_or_altered_token_is_refused(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any], mutate: str
) -> None:
    victim = funded_card(50_000)
    token = victim.qr_token
    prefix, kid, number, sig = token.split(".")
    if mutate == "digit":  # point a genuine signature at another card number
        other = funded_card(50_000)
        token = f"{prefix}.{kid}.{other.number}.{sig}"
    elif mutate == "signature":
        token = f"{prefix}.{kid}.{number}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"
    else:
        token = "KP1.k1.1234.abc"
    resp = _pay(pos, str(uuid.uuid4()), merchant_code=merchant.code, card_token=token, amount_idr=1_000)
    assert resp.status_code == 422
    assert resp.json()["code"] == "invalid_card_token"
    assert Payment.objects.count() == 0


def test_missing_idempotency_key_is_422(
    pos: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    resp = pos.post(
        URL,
        {"merchant_code": merchant.code, "card_number": card.number, "amount_idr": 1},
        content_type="application/json",
    )
    assert resp.status_code == 422
    assert Payment.objects.count() == 0


def test_merchant_cannot_charge_for_another_shop(
    token_client: Callable[[Any], Any],
    make_user: Callable[..., Any],
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    other = token_client(make_user("merchant", username="warung_lain"))
    card = funded_card(50_000)
    resp = _pay(other, "k-other", merchant_code=merchant.code, card_token=card.qr_token, amount_idr=1_000)
    assert resp.status_code == 403
    assert selectors.card_balance(number=card.number) == 50_000
