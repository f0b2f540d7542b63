"""The double-entry ledger: payments move money card -> merchant, balances sum to zero."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import InsufficientBalance
from kotapintar.wallet.models import Merchant, Transfer
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def test_payment_moves_money_from_card_to_merchant(
    merchant: Merchant, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(100_000)
    result = services.payment_create(
        actor=merchant_user,
        merchant_code=merchant.code,
        card_number=card.number,
        pin=PIN,
        amount_idr=35_000,
        idempotency_key=key(),
        event_code="pbn-2025",
    )
    assert result.status == "posted"
    assert result.card_balance_idr == 65_000
    assert selectors.card_balance(number=card.number) == 65_000
    merchant.account.refresh_from_db()
    assert merchant.account.balance_idr == 35_000
    assert Transfer.objects.filter(ref_id=result.payment_id, kind="payment").count() == 1


def test_ledger_sums_to_zero_after_mixed_operations(
    merchant: Merchant,
    merchant_user: Any,
    operator: Any,
    funded_card: Callable[..., Any],
    key: Callable[[], str],
) -> None:
    a, b = funded_card(80_000), funded_card(20_000)
    p = services.payment_create(
        actor=merchant_user,
        merchant_code=merchant.code,
        card_number=a.number,
        pin=PIN,
        amount_idr=30_000,
        idempotency_key=key(),
    )
    services.payment_refund(
        actor=merchant_user, payment_id=p.payment_id, idempotency_key=key(), amount_idr=10_000
    )
    services.cashout_create(actor=operator, card_number=b.number, idempotency_key=key())
    services.card_replace(actor=operator, number=a.number, idempotency_key=key())
    check = selectors.ledger_check()
    assert check.ok, check
    assert check.total_idr == 0
    assert check.transfers == 6  # 2 top-ups, payment, refund, cash-out, card move


def test_payment_above_balance_is_refused_and_moves_nothing(
    merchant: Merchant, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(10_000)
    before = Transfer.objects.count()
    with pytest.raises(InsufficientBalance) as err:
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_number=card.number,
            pin=PIN,
            amount_idr=10_001,
            idempotency_key=key(),
        )
    assert err.value.status == 409 and err.value.code == "insufficient_balance"
    assert selectors.card_balance(number=card.number) == 10_000
    assert Transfer.objects.count() == before
