"""Top-ups: cash at a booth (posted at once) and QRIS (pending until the acquirer confirms)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import ValidationFailed
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor
from kotapintar.lib import qris
from kotapintar.wallet import conf
from kotapintar.wallet.errors import (
    AmountMismatch,
    BalanceLimit,
    InvalidSignature,
    InvalidStatus,
    NotQris,
    TopUpAlreadyResolved,
    TopUpNotFound,
)
from kotapintar.wallet.models import AccountKind, Card, TopUp, TopUpMethod, TopUpStatus, TransferKind
from kotapintar.wallet.results import topup_result
from kotapintar.wallet.services.cards import card_active_locked, card_current_locked, card_number_normalise
from kotapintar.wallet.services.idempotency import idempotent_claim, key_check
from kotapintar.wallet.services.ledger import amount_check, book, cash_account, system_account
from kotapintar.wallet.types import TopUpResult


def _topup_create(
    *,
    actor: Actor,
    operation: str,
    action: str,
    card_number: str,
    amount_idr: int,
    idempotency_key: str,
    make: Callable[[Card, int, UUID], TopUp],
) -> TopUpResult:
    """The frame of both top-ups: check amount, key and card number; claim the key (a retry returns
    the first top-up); lock the active card; `make(card, amount, new id)` the top-up; audit it as
    `wallet.<action>`."""
    amount = amount_check(amount_idr, maximum=conf.limit("WALLET_MAX_TOPUP_IDR"))
    key = key_check(idempotency_key)
    number = card_number_normalise(card_number)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = idempotent_claim(actor, key, operation, new_id, card=number, amount=amount)
        if first is not None:
            return topup_result(TopUp.objects.select_related("card").get(public_id=first))
        topup = make(card_active_locked(number), amount, new_id)
        audit.record(
            action=f"wallet.{action}",
            actor=actor,
            obj=topup,
            data={"card": number, "amount_idr": amount},
        )
    return topup_result(topup)


def topup_cash(*, actor: Actor, card_number: str, amount_idr: int, idempotency_key: str) -> TopUpResult:
    """Cash paid at a booth: booth cash -> card, posted at once."""
    user = require_role(actor, *conf.OPERATOR_ROLES)

    def post(card: Card, amount: int, new_id: UUID) -> TopUp:
        balances = book(
            debit=cash_account(user),
            credit=card.account,
            amount_idr=amount,
            kind=TransferKind.TOPUP_CASH,
            ref_type="topup",
            ref_id=new_id,
            guard_debit=False,
            credit_cap=conf.limit("WALLET_MAX_BALANCE_IDR"),
        )
        return TopUp.objects.create(
            public_id=new_id,
            card=card,
            amount_idr=amount,
            method=TopUpMethod.CASH,
            status=TopUpStatus.POSTED,
            card_balance_after_idr=balances[card.account_id],
            created_by=user,
            resolved_at=timezone.now(),
        )

    return _topup_create(
        actor=user,
        operation="topup_cash",
        action="topup_cash",
        card_number=card_number,
        amount_idr=amount_idr,
        idempotency_key=idempotency_key,
        make=post,
    )


def topup_qris_create(
    *, actor: Actor, card_number: str, amount_idr: int, idempotency_key: str
) -> TopUpResult:
    """A pending top-up with a dynamic QRIS to pay. No money moves until the acquirer confirms
    (`topup_qris_notify`); it is voided on failure or after WALLET_QRIS_TOPUP_TTL_S."""

    def pending(card: Card, amount: int, new_id: UUID) -> TopUp:
        if card.account.balance_idr + amount > conf.limit("WALLET_MAX_BALANCE_IDR"):
            raise BalanceLimit()
        reference = "TU" + new_id.hex[:20].upper()
        return TopUp.objects.create(
            public_id=new_id,
            card=card,
            amount_idr=amount,
            method=TopUpMethod.QRIS,
            status=TopUpStatus.PENDING,
            qris_payload=qris.encode(
                conf.city_qris_merchant(), amount_idr=amount, reference=reference, purpose="TOPUP"
            ),
            provider_reference="",
            created_by=actor if is_signed_in(actor) else None,
            expires_at=timezone.now() + timedelta(seconds=conf.limit("WALLET_QRIS_TOPUP_TTL_S")),
        )

    return _topup_create(
        actor=actor,
        operation="topup_qris",
        action="topup_qris_create",
        card_number=card_number,
        amount_idr=amount_idr,
        idempotency_key=idempotency_key,
        make=pending,
    )


def qris_notify_signature(body: bytes) -> str:
    """The hex HMAC-SHA256 the acquirer puts in `X-Kotapintar-Signature` over the raw body."""
    return hmac.new(conf.qris_webhook_secret(), body, hashlib.sha256).hexdigest()


def topup_qris_notify(*, body: bytes, signature: str) -> TopUpResult:
    """The acquirer's notification: `{"topup_id", "status": "paid"|"failed"|"expired", "amount_idr",
    "provider_reference"}`, signed. Paid posts QRIS clearing -> card; failed/expired voids. Repeated
    notifications return the current state and move nothing."""
    if not hmac.compare_digest(qris_notify_signature(body), (signature or "").strip().lower()):
        raise InvalidSignature()
    try:
        data = json.loads(body.decode("utf-8"))
        topup_id = UUID(str(data["topup_id"]))
        status = str(data["status"])
        amount = data.get("amount_idr")
        provider_ref = str(data.get("provider_reference", ""))[:64]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise ValidationFailed(_("The notification is not valid JSON of the documented shape.")) from None
    if status not in ("paid", "failed", "expired"):
        raise InvalidStatus()
    with transaction.atomic():
        topup = (
            TopUp.objects.select_for_update()
            .select_related("card__account")
            .filter(public_id=topup_id)
            .first()
        )
        if topup is None:
            raise TopUpNotFound()
        if topup.method != TopUpMethod.QRIS:
            raise NotQris()
        if topup.status != TopUpStatus.PENDING:
            posted_again = status == "paid" and topup.status == TopUpStatus.POSTED
            voided_again = status != "paid" and topup.status == TopUpStatus.VOIDED
            if posted_again or voided_again:
                return topup_result(topup)
            raise TopUpAlreadyResolved(detail={"status": topup.status})
        if status == "paid":
            if amount != topup.amount_idr:
                raise AmountMismatch()
            card = card_current_locked(topup.card_id)
            balances = book(
                debit=system_account(AccountKind.QRIS_CLEARING),
                credit=card.account,
                amount_idr=topup.amount_idr,
                kind=TransferKind.TOPUP_QRIS,
                ref_type="topup",
                ref_id=topup.public_id,
                guard_debit=False,
                memo=provider_ref,
            )
            topup.status = TopUpStatus.POSTED
            topup.card_balance_after_idr = balances[card.account_id]
        else:
            topup.status = TopUpStatus.VOIDED
        topup.provider_reference = provider_ref
        topup.resolved_at = timezone.now()
        topup.save(update_fields=["status", "card_balance_after_idr", "provider_reference", "resolved_at"])
        audit.record(
            action="wallet.topup_qris_" + ("post" if status == "paid" else "void"),
            actor=None,
            obj=topup,
            data={"provider_reference": provider_ref, "status": status},
        )
    return topup_result(topup)


def topup_qris_expire(*, now: datetime | None = None) -> int:
    """Void pending QRIS top-ups past their expiry; returns how many."""
    now = now or timezone.now()
    count = 0
    for pk in TopUp.objects.filter(status=TopUpStatus.PENDING, expires_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            topup = TopUp.objects.select_for_update().get(pk=pk)
            if topup.status != TopUpStatus.PENDING:
                continue
            topup.status = TopUpStatus.VOIDED
            topup.resolved_at = now
            topup.save(update_fields=["status", "resolved_at"])
            audit.record(action="wallet.topup_qris_expire", actor=None, obj=topup, data={})
            count += 1
    return count
