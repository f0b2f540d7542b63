"""Refunds, cash-out of leftover balance and the daily merchant settlement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from kotapintar.core.types import Actor
from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import MerchantBalanceTooLow, RefundNotAllowed
from kotapintar.wallet.models import Merchant
from kotapintar.wallet.types import PaymentResult
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def _pay(actor: Actor, merchant: Merchant, number: str, amount: int, key: str) -> PaymentResult:
    return services.payment_create(
        actor=actor,
        merchant_code=merchant.code,
        card_number=number,
        amount_idr=amount,
        idempotency_key=key,
        pin=PIN,
    )


def test_partial_then_full_refund(
    merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(100_000)
    p = _pay(merchant_user, merchant, card.number, 40_000, "p1")
    part = services.payment_refund(
        actor=merchant_user, payment_id=p.payment_id, idempotency_key="r1", amount_idr=15_000
    )
    assert (
        part.status == "partially_refunded" and part.amount_idr == 15_000 and part.card_balance_idr == 75_000
    )
    rest = services.payment_refund(actor=merchant_user, payment_id=p.payment_id, idempotency_key="r2")
    assert rest.status == "refunded" and rest.amount_idr == 25_000
    assert services.payment_refund(actor=merchant_user, payment_id=p.payment_id, idempotency_key="r2") == rest
    with pytest.raises(RefundNotAllowed):
        services.payment_refund(actor=merchant_user, payment_id=p.payment_id, idempotency_key="r3")
    assert selectors.card_balance(number=card.number) == 100_000


def test_refund_after_settlement_needs_merchant_balance(
    operator: Any, merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(100_000)
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        p = _pay(merchant_user, merchant, card.number, 30_000, "p2")
    services.settlement_run(actor=operator, business_date=timezone.localdate() - timedelta(days=2))
    with pytest.raises(MerchantBalanceTooLow):
        services.payment_refund(actor=merchant_user, payment_id=p.payment_id, idempotency_key="r4")
    assert selectors.card_balance(number=card.number) == 70_000


def test_cashout_pays_out_the_whole_balance(operator: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(37_500)
    out = services.cashout_create(actor=operator, card_number=card.number, idempotency_key="c1")
    assert out.amount_idr == 37_500 and out.card_balance_idr == 0
    assert services.cashout_create(actor=operator, card_number=card.number, idempotency_key="c1") == out
    assert selectors.card_balance(number=card.number) == 0
    assert selectors.ledger_check().ok


def test_cashout_fee(operator: Any, funded_card: Callable[..., Any], settings: Any) -> None:
    settings.WALLET_CASHOUT_FEE_IDR = 2_500
    card = funded_card(20_000)
    out = services.cashout_create(actor=operator, card_number=card.number, idempotency_key="c2")
    assert (out.amount_idr, out.fee_idr, out.card_balance_idr) == (17_500, 2_500, 0)


def test_daily_settlement_report(
    operator: Any, merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any], settings: Any
) -> None:
    settings.WALLET_SETTLEMENT_FEE_BPS = 30  # 0.3 % MDR
    card = funded_card(500_000)
    day = timezone.localdate() - timedelta(days=1)
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        p1 = _pay(merchant_user, merchant, card.number, 100_000, "s1")
        _pay(merchant_user, merchant, card.number, 50_000, "s2")
        services.payment_refund(
            actor=merchant_user, payment_id=p1.payment_id, idempotency_key="s3", amount_idr=10_000
        )
    rows = services.settlement_run(actor=operator, business_date=day)
    assert len(rows) == 1
    row = rows[0]
    assert (row.payments_count, row.gross_idr, row.refunds_idr, row.fee_idr) == (2, 150_000, 10_000, 450)
    assert row.net_idr == 150_000 - 10_000 - 450
    merchant.account.refresh_from_db()
    assert merchant.account.balance_idr == 0
    assert services.settlement_run(actor=operator, business_date=day) == []  # once per merchant and day
    assert selectors.ledger_check().ok


def test_today_cannot_be_settled(operator: Any) -> None:
    from kotapintar.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.settlement_run(actor=operator, business_date=timezone.localdate())


def test_settlement_api_retry_returns_the_same_rows(
    token_client: Callable[[Any], Any],
    operator: Any,
    merchant_user: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(100_000)
    day = timezone.localdate() - timedelta(days=1)
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        _pay(merchant_user, merchant, card.number, 20_000, "api-s1")
    client = token_client(operator)
    first = client.post(
        "/api/v1/wallet/settlements", {"business_date": day.isoformat()}, content_type="application/json"
    )
    again = client.post(
        "/api/v1/wallet/settlements", {"business_date": day.isoformat()}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json() == again.json()
    assert [r["net_idr"] for r in first.json()] == [20_000]
    assert selectors.ledger_check().ok


def test_refund_to_a_replaced_card_goes_to_its_replacement(
    operator: Any, merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    p = _pay(merchant_user, merchant, card.number, 20_000, "p-repl")
    new = services.card_replace(actor=operator, number=card.number, idempotency_key="repl")
    refund = services.payment_refund(actor=merchant_user, payment_id=p.payment_id, idempotency_key="r-repl")
    assert refund.card_balance_idr == 50_000
    assert selectors.card_balance(number=new.number) == 50_000
    assert selectors.card_balance(number=card.number) == 0
