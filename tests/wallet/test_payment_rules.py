"""Who may charge a card, and the rules every payment follows.

On PostgreSQL a payment runs in the database function `wallet_payment_post`, on SQLite in Python;
these tests run on both (`make test` on SQLite, CI again on PostgreSQL), so both keep the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from kotapintar.core.errors import IdempotencyKeyReused, NotAuthenticated, PermissionDenied
from kotapintar.core.models import Role
from kotapintar.core.types import Actor
from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import (
    InsufficientBalance,
    MerchantInactive,
)
from kotapintar.wallet.models import IdempotencyKey, Merchant, Payment, Transfer
from kotapintar.wallet.types import PaymentResult
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def _pay(
    actor: Actor, merchant: Merchant, number: str, amount: int, key: str, **kwargs: Any
) -> PaymentResult:
    return services.payment_create(
        actor=actor,
        merchant_code=merchant.code,
        card_number=number,
        amount_idr=amount,
        idempotency_key=key,
        **{"pin": PIN if number else "", **kwargs},
    )


def test_tourism_office_operator_may_charge_for_any_merchant(
    operator: Any, merchant: Merchant, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    result = _pay(operator, merchant, card.number, 5_000, key())
    assert result.card_balance_idr == 15_000
    assert Payment.objects.get(public_id=result.payment_id).created_by_id == operator.pk


def test_card_holder_may_pay_a_merchant_without_scanning(
    operator: Any,
    make_user: Callable[..., Any],
    merchant: Merchant,
    funded_card: Callable[..., Any],
    key: Callable[[], str],
) -> None:
    visitor = make_user(username="pengunjung")
    card = funded_card(20_000, holder_user=visitor, anonymous=False)
    result = _pay(visitor, merchant, card.number, 7_500, key())
    assert result.card_balance_idr == 12_500


def test_other_signed_in_user_may_not_charge_a_card(
    make_user: Callable[..., Any], merchant: Merchant, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    stranger = make_user(Role.OPD, username="orang_lain")
    card = funded_card(20_000)
    with pytest.raises(PermissionDenied):
        _pay(stranger, merchant, card.number, 1_000, key())
    assert selectors.card_balance(number=card.number) == 20_000


def test_anonymous_caller_without_card_token_is_not_authenticated(
    merchant: Merchant, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    with pytest.raises(NotAuthenticated):
        _pay(AnonymousUser(), merchant, card.number, 1_000, key())
    assert Payment.objects.count() == 0


def test_anonymous_caller_with_the_card_token_pays(
    merchant: Merchant, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    result = _pay(AnonymousUser(), merchant, "", 2_000, key(), card_token=card.qr_token)
    assert result.card_balance_idr == 18_000
    assert Payment.objects.get(public_id=result.payment_id).created_by_id is None


def test_inactive_merchant_cannot_take_payments(
    merchant: Merchant, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    Merchant.objects.filter(pk=merchant.pk).update(active=False)
    with pytest.raises(MerchantInactive):
        _pay(merchant_user, merchant, card.number, 1_000, key())
    assert selectors.card_balance(number=card.number) == 20_000


def test_key_of_a_top_up_cannot_be_reused_for_a_payment(
    operator: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    services.topup_cash(
        actor=operator, card_number=card.number, amount_idr=10_000, idempotency_key="k-shared"
    )
    with pytest.raises(IdempotencyKeyReused):  # the same caller's key, for another operation
        _pay(operator, merchant, card.number, 1_000, "k-shared")
    assert selectors.card_balance(number=card.number) == 10_000


def test_refused_payment_leaves_its_key_free_for_a_corrected_retry(
    operator: Any,
    merchant: Merchant,
    merchant_user: Any,
    funded_card: Callable[..., Any],
    key: Callable[[], str],
) -> None:
    card = funded_card(1_000)
    with pytest.raises(InsufficientBalance):
        _pay(merchant_user, merchant, card.number, 5_000, "k-retry")
    assert not IdempotencyKey.objects.filter(key="k-retry").exists()
    services.topup_cash(actor=operator, card_number=card.number, amount_idr=10_000, idempotency_key=key())
    result = _pay(merchant_user, merchant, card.number, 5_000, "k-retry")
    assert result.card_balance_idr == 6_000


def test_payment_at_a_registered_event_records_the_event(
    merchant: Merchant, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    result = _pay(
        merchant_user, merchant, card.number, 3_000, key(), event_code="pbn-2025", reference="nota-7"
    )
    payment = Payment.objects.get(public_id=result.payment_id)
    assert (payment.event_code, payment.reference, payment.method) == ("pbn-2025", "nota-7", "card")
    transfer = Transfer.objects.get(ref_id=result.payment_id)
    assert (transfer.kind, transfer.ref_type, transfer.memo) == ("payment", "payment", "pbn-2025")
    assert (transfer.debit_account_id, transfer.credit_account_id) == (
        payment.card.account_id,
        merchant.account_id,
    )


def test_card_issued_before_the_merchant_pays_and_balances_stay_whole(
    operator: Any, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    # the card's account is older than the merchant's: the other lock order of the two accounts
    card = funded_card(20_000)
    shop = services.merchant_create(
        actor=operator, code="warung-baru", name="Warung Baru", category="kuliner", owner=merchant_user
    )
    result = _pay(merchant_user, shop, card.number, 4_000, key())
    assert result.card_balance_idr == 16_000
    shop.account.refresh_from_db()
    assert shop.account.balance_idr == 4_000
    assert selectors.ledger_check().ok


def test_posted_payment_reads_back_as_returned(
    merchant: Merchant, merchant_user: Any, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    card = funded_card(20_000)
    result = _pay(merchant_user, merchant, card.number, 3_000, key())
    assert selectors.payment_get(payment_id=result.payment_id) == result


def test_deleting_the_user_who_rang_up_a_payment_keeps_the_payment_without_them(
    make_user: Callable[..., Any], merchant: Merchant, funded_card: Callable[..., Any], key: Callable[[], str]
) -> None:
    # Payment.created_by has no database constraint since wallet 0008; Django still nulls it.
    cashier = make_user(Role.DINAS_PARIWISATA, username="kasir_booth")
    card = funded_card(10_000)
    paid = _pay(cashier, merchant, card.number, 2_500, key())
    cashier.delete()
    payment = Payment.objects.get(public_id=paid.payment_id)
    assert (payment.created_by_id, payment.amount_idr) == (None, 2_500)
