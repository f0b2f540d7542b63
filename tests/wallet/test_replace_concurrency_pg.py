"""A lost card is replaced while its holder's card keeps being charged at four stalls (PostgreSQL).

Payments on the old card (the PL/pgSQL function `wallet_payment_post`, the card row locked) race the
booth's replacement (the old card locked, its balance moved, the card retired). Afterwards: every
payment acknowledged before the replacement is in the ledger once, every one after it was refused as
`card_blocked`, and the money the holder had is exactly what was paid plus what the replacement card
holds — neither lost nor duplicated.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import CardBlocked
from kotapintar.wallet.models import Payment, Transfer, TransferKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START = 2_000_000
STALLS = 4


def test_replacement_under_concurrent_payments_moves_the_balance_exactly_once(
    operator: Any, merchant_user: Any, key: Callable[[], str]
) -> None:
    merchants = [
        services.merchant_create(actor=operator, code=f"stan-{i}", name=f"Stan {i}", owner=merchant_user).code
        for i in range(STALLS)
    ]
    lost = services.card_issue(actor=operator)
    services.topup_cash(actor=operator, card_number=lost.number, amount_idr=START, idempotency_key=key())
    spare = services.card_issue(actor=operator)
    stop = threading.Event()
    paid: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def stall(code: str) -> None:
        try:
            while not stop.is_set():
                amount = 1_000
                try:
                    services.payment_create(
                        actor=merchant_user,
                        merchant_code=code,
                        card_number="",
                        card_token=lost.qr_token,
                        amount_idr=amount,
                        idempotency_key=str(uuid.uuid4()),
                    )
                except CardBlocked as exc:
                    with lock:
                        refused.append(exc.code)
                    continue
                with lock:
                    paid.append(amount)
        except BaseException as exc:  # noqa: BLE001 - a thread hands every outcome to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=stall, args=(code,)) for code in merchants]
    for t in threads:
        t.start()
    time.sleep(1.0)  # the stalls are charging the card
    new = services.card_replace(actor=operator, number=lost.number, idempotency_key="lost", onto=spare.number)
    time.sleep(0.5)  # and keep trying after it was replaced
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert paid and refused, "the race did not happen: payments on both sides of the replacement"
    assert set(refused) == {"card_blocked"}
    assert new.number == spare.number
    replacement_balance = selectors.card_balance(number=spare.number)
    assert sum(paid) + replacement_balance == START
    assert selectors.card_balance(number=lost.number) == 0
    assert Payment.objects.filter(card__number=lost.number).count() == len(paid)
    moves = Transfer.objects.filter(kind=TransferKind.CARD_MOVE)
    assert moves.count() == 1 and moves.get().amount_idr == replacement_balance
    assert selectors.ledger_check().ok
