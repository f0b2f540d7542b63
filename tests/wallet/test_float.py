"""The city float: booth cash paid into the bank, the acquirer's QRIS settlement, merchant payouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import BalanceLimit
from kotapintar.wallet.models import Account, Merchant
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def _balance(code: str) -> int:
    return Account.objects.get(code=code).balance_idr


def test_booth_cash_is_paid_into_the_float(operator: Any, funded_card: Callable[..., Any]) -> None:
    funded_card(80_000)
    cash = f"cash:{operator.username}"
    assert _balance(cash) == -80_000  # the drawer holds Rp80.000 that belongs to card holders
    move = services.cash_deposit(actor=operator, amount_idr=80_000, idempotency_key="d1")
    assert services.cash_deposit(actor=operator, amount_idr=80_000, idempotency_key="d1") == move
    assert _balance(cash) == 0 and move.float_balance_idr == -80_000
    with pytest.raises(BalanceLimit):  # cannot deposit more than the drawer holds
        services.cash_deposit(actor=operator, amount_idr=1, idempotency_key="d2")
    assert selectors.ledger_check().ok


def test_acquirer_settles_qris_clearing(operator: Any, client: Any, funded_card: Callable[..., Any]) -> None:
    import json

    card = funded_card(0)
    t = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=30_000, idempotency_key="q"
    )
    body = json.dumps({"topup_id": str(t.topup_id), "status": "paid", "amount_idr": 30_000}).encode()
    services.topup_qris_notify(body=body, signature=services.qris_notify_signature(body))
    assert _balance("system:qris_clearing") == -30_000
    services.qris_clearing_settle(actor=operator, amount_idr=30_000, idempotency_key="s1", reference="BANK-1")
    assert _balance("system:qris_clearing") == 0 and _balance("system:float") == -30_000


def test_settlement_payout_once(
    operator: Any, merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_number=card.number,
            pin=PIN,
            amount_idr=12_000,
            idempotency_key="p",
        )
    (row,) = services.settlement_run(actor=operator, business_date=timezone.localdate() - timedelta(days=1))
    paid = services.settlement_payout(actor=operator, settlement_id=row.settlement_id)
    again = services.settlement_payout(actor=operator, settlement_id=row.settlement_id)
    assert paid.paid_at is not None and again == paid
    assert _balance("system:settlement") == 0 and _balance("system:float") == 12_000
    assert selectors.ledger_check().ok
