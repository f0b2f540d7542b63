"""Refunds: money back from the merchant to the card (or to its replacement)."""

from __future__ import annotations

import uuid
from uuid import UUID

from django.db import transaction

from kotapintar.core import audit
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.permissions import has_role, require_login
from kotapintar.core.types import Actor
from kotapintar.wallet import conf
from kotapintar.wallet.errors import MerchantBalanceTooLow, PaymentNotFound, RefundNotAllowed
from kotapintar.wallet.models import Payment, PaymentStatus, Refund, TransferKind
from kotapintar.wallet.results import payment_result
from kotapintar.wallet.services.cards import card_current_locked
from kotapintar.wallet.services.idempotency import idempotent_claim, key_check
from kotapintar.wallet.services.ledger import amount_check, book
from kotapintar.wallet.types import PaymentResult


def payment_refund(
    *, actor: Actor, payment_id: UUID, idempotency_key: str, amount_idr: int | None = None
) -> PaymentResult:
    """Refund a payment (all that is left, or `amount_idr` of it) from the merchant to the card.

    The result carries the refund's id and amount; its status is the payment's new status. If the
    card was replaced meanwhile, the money goes to its replacement."""
    user = require_login(actor)
    key = key_check(idempotency_key)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = idempotent_claim(actor, key, "refund", new_id, payment=str(payment_id), amount=amount_idr)
        if first is not None:
            refund = Refund.objects.select_related("payment__card", "payment__merchant").get(public_id=first)
            return payment_result(refund.payment, refund=refund)
        payment = (
            Payment.objects.select_for_update()
            .select_related("card__account", "merchant__account")
            .filter(public_id=payment_id)
            .first()
        )
        if payment is None:
            raise PaymentNotFound()
        merchant = payment.merchant
        if not (has_role(user, *conf.OPERATOR_ROLES) or merchant.owner_id == user.pk):
            raise PermissionDenied()
        left = payment.amount_idr - payment.refunded_idr
        if left <= 0:
            raise RefundNotAllowed()
        amount = left if amount_idr is None else amount_check(amount_idr, maximum=left)
        card = card_current_locked(payment.card_id)
        balances = book(
            debit=merchant.account,
            credit=card.account,
            amount_idr=amount,
            kind=TransferKind.REFUND,
            ref_type="refund",
            ref_id=new_id,
            debit_error=MerchantBalanceTooLow,
            memo=str(payment.public_id),
        )
        payment.refunded_idr += amount
        payment.status = (
            PaymentStatus.REFUNDED
            if payment.refunded_idr >= payment.amount_idr
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded_idr", "status"])
        refund = Refund.objects.create(
            public_id=new_id,
            payment=payment,
            amount_idr=amount,
            card_balance_after_idr=balances[card.account_id],
            created_by=user,
        )
        audit.record(
            action="wallet.payment_refund",
            actor=user,
            obj=payment,
            data={"amount_idr": amount, "refund": str(new_id), "card": card.number},
        )
    return payment_result(payment, refund=refund)
