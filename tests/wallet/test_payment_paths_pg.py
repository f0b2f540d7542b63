"""The two payment paths cannot drift: every refusal and every success, through both.

On PostgreSQL a payment runs in the PL/pgSQL function `wallet_payment_post` (`payment_post_pg`); on
SQLite in Python (`payment_post_python`). Here both run on PostgreSQL from the same state, each case
inside a savepoint rolled back afterwards, and must give the same outcome (error code and detail, or
result), the same balances and the same new rows (payment, transfer, idempotency key).

Not covered: `in_flight` (a concurrent first use of the key rolled back between the two statements of
the claim; it needs two connections racing) — tests/wallet/test_concurrency_pg.py exercises that area.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from kotapintar.core.errors import DomainError
from kotapintar.core.models import Role
from kotapintar.wallet import services
from kotapintar.wallet.models import Account, IdempotencyKey, Merchant, Payment, PaymentMethod, Transfer
from kotapintar.wallet.services import payments
from tests.wallet.conftest import PIN

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFERENCE = "INV-1"
PATHS = {"plpgsql": payments.payment_post_pg, "python": payments.payment_post_python}


@dataclass
class World:
    operator: Any
    owner: Any
    holder: Any
    stranger: Any
    other_merchant_user: Any
    shop: Merchant
    closed: Merchant
    card: str  # anonymous, Rp20.000
    held: str  # held by `holder`, Rp20.000
    blocked: str
    replaced: str


@pytest.fixture
def world(operator: Any, make_user: Callable[..., Any], funded_card: Callable[..., Any]) -> World:
    owner = make_user(Role.MERCHANT, username="pemilik_toko")
    holder = make_user(username="pemegang")
    shop = services.merchant_create(actor=operator, code="toko", name="Toko", category="batik", owner=owner)
    services.merchant_register_for_event(actor=operator, merchant_code="toko", event_code="pbn-2025")
    closed = services.merchant_create(actor=operator, code="tutup", name="Tutup", owner=owner)
    Merchant.objects.filter(pk=closed.pk).update(active=False)
    card = funded_card(20_000)
    held = funded_card(20_000, holder_user=holder, anonymous=False)
    blocked = funded_card(20_000)
    services.card_block(actor=operator, number=blocked.number)
    replaced = funded_card(20_000)
    services.card_replace(actor=operator, number=replaced.number, idempotency_key="replace")
    services.payment_create(
        actor=owner,
        merchant_code="toko",
        card_number=card.number,
        pin=PIN,
        amount_idr=1_000,
        idempotency_key="used",
        reference=REFERENCE,
    )
    return World(
        operator=operator,
        owner=owner,
        holder=holder,
        stranger=make_user(username="orang_lain"),
        other_merchant_user=make_user(Role.MERCHANT, username="toko_lain"),
        shop=shop,
        closed=closed,
        card=card.number,
        held=held.number,
        blocked=blocked.number,
        replaced=replaced.number,
    )


@dataclass(frozen=True)
class Case:
    name: str
    actor: str  # a World attribute, or "anonymous"
    card: str = "card"  # a World attribute, or a literal card number
    merchant: str = "toko"
    amount: int = 5_000
    key: str = "k-new"
    event: str = ""
    token: bool = False  # the actor scanned the card's genuine QR token
    expect: str = "posted"  # "posted", "replay" or the error code


CASES = [
    # successes
    Case("the shop's own POS", actor="owner"),
    Case("the card's holder pays", actor="holder", card="held"),
    Case("a tourism-office operator charges", actor="operator"),
    Case("a visitor scans the card's QR", actor="anonymous", token=True),
    Case("a signed-in visitor scans the card's QR", actor="stranger", token=True),
    Case("at a registered event", actor="owner", event="pbn-2025"),
    Case("the whole balance", actor="owner", amount=19_000),
    Case("a retry with the same key", actor="owner", amount=1_000, key="used", expect="replay"),
    Case("another caller's key is theirs alone", actor="operator", amount=1_000, key="used"),
    Case(
        "a visitor's QR payment with the shop's key", actor="anonymous", amount=1_000, key="used", token=True
    ),
    # refusals, one per reason of wallet_payment_post
    Case("the key used for another payment", actor="owner", key="used", expect="idempotency_key_reused"),
    Case(
        "the key used for another operation", actor="operator", key="replace", expect="idempotency_key_reused"
    ),
    Case("another caller's key, without rights", actor="stranger", key="used", expect="permission_denied"),
    Case("an unknown card", actor="owner", card="3375000000000001", expect="card_not_found"),
    Case("an unknown merchant", actor="owner", merchant="tidak-ada", expect="merchant_not_found"),
    Case(
        "unknown card and merchant",
        actor="owner",
        card="3375000000000001",
        merchant="x",
        expect="merchant_not_found",
    ),
    Case("an inactive merchant", actor="owner", merchant="tutup", expect="merchant_inactive"),
    Case("a stranger without the card", actor="stranger", expect="permission_denied"),
    Case(
        "another shop's account with the QR",
        actor="other_merchant_user",
        token=True,
        expect="permission_denied",
    ),
    Case("nobody signed in, no QR", actor="anonymous", expect="not_authenticated"),
    Case("a blocked card", actor="operator", card="blocked", expect="card_blocked"),
    Case("a replaced card", actor="operator", card="replaced", expect="card_blocked"),
    Case("an event the shop is not at", actor="owner", event="lain", expect="merchant_not_registered"),
    Case("more than the balance", actor="owner", amount=19_001, expect="insufficient_balance"),
    Case("a blocked card and no rights", actor="stranger", card="blocked", expect="permission_denied"),
]


def _snapshot() -> dict[str, Any]:
    return {
        "balances": dict(Account.objects.values_list("code", "balance_idr")),
        "transfers": list(
            Transfer.objects.order_by("pk").values_list(
                "debit_account__code",
                "credit_account__code",
                "amount_idr",
                "kind",
                "ref_type",
                "ref_id",
                "memo",
            )
        ),
        "payments": list(
            Payment.objects.order_by("pk").values_list(
                "public_id",
                "card__number",
                "merchant__code",
                "event_code",
                "amount_idr",
                "refunded_idr",
                "status",
                "method",
                "reference",
                "card_balance_after_idr",
                "created_by__username",
            )
        ),
        "keys": list(
            IdempotencyKey.objects.order_by("scope", "key").values_list(
                "scope", "key", "operation", "fingerprint", "object_id"
            )
        ),
    }


def _request(case: Case, world: World) -> payments.PaymentRequest:
    """The request payment_create would pass to either path (one new payment id for both)."""
    number = getattr(world, case.card, case.card)
    return payments.PaymentRequest(
        actor=AnonymousUser() if case.actor == "anonymous" else getattr(world, case.actor),
        key=case.key,
        payment_id=uuid.uuid4(),
        merchant_code=case.merchant,
        number=number,
        amount_idr=case.amount,
        event_code=case.event,
        reference=REFERENCE,
        method=PaymentMethod.CARD,
        token_presented=case.token,
    )


def _run(path: str, req: payments.PaymentRequest) -> dict[str, Any]:
    """The outcome of `req` through one path, and the rows it left, rolled back afterwards."""
    savepoint = transaction.savepoint()
    try:
        try:
            result = asdict(PATHS[path](req))
            del result["created_at"]  # the time of the call
            outcome: dict[str, Any] = {"result": result}
        except DomainError as exc:
            outcome = {"error": exc.code, "status": exc.status, "detail": exc.detail}
        return {**outcome, **_snapshot()}
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_both_payment_paths_give_the_same_outcome(world: World, case: Case) -> None:
    before = _snapshot()
    req = _request(case, world)  # one request (one new payment id) through both paths
    plpgsql, python = _run("plpgsql", req), _run("python", req)
    assert _snapshot() == before  # both rolled back
    expected = case.expect if case.expect not in ("posted", "replay") else None
    assert plpgsql.get("error") == expected, plpgsql.get("detail")
    if case.expect == "posted":
        assert plpgsql["result"]["status"] == "posted"
        assert len(plpgsql["payments"]) == len(before["payments"]) + 1
    else:
        assert {k: plpgsql[k] for k in ("balances", "transfers", "payments")} == {
            k: before[k] for k in ("balances", "transfers", "payments")
        }
    assert python == plpgsql
