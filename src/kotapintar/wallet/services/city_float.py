"""The city float (the city's bank account for the wallet): booth cash paid in, QRIS acquirer
settlements received."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction

from kotapintar.core import audit
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor, User
from kotapintar.wallet import conf
from kotapintar.wallet.models import Account, AccountKind, Transfer, TransferKind
from kotapintar.wallet.services.idempotency import idempotent_claim, key_check
from kotapintar.wallet.services.ledger import amount_check, book, cash_account, system_account

MAX_FLOAT_MOVE_IDR = 10**12


@dataclass(frozen=True)
class FloatMove:
    transfer_id: UUID
    amount_idr: int
    float_balance_idr: int


def _float_receive(
    *,
    user: User,
    idempotency_key: str,
    operation: str,
    credit: Account,
    amount_idr: int,
    kind: str,
    memo: str,
) -> FloatMove:
    """Move `amount_idr` from the float to `credit`, an account the float is owed by (its balance
    cannot go above zero: at most what it owes)."""
    amount = amount_check(amount_idr, maximum=MAX_FLOAT_MOVE_IDR)
    key = key_check(idempotency_key)
    new_id = uuid.uuid4()
    float_account = system_account(AccountKind.FLOAT)
    with transaction.atomic():
        first = idempotent_claim(user, key, operation, new_id, amount=amount, account=credit.code, memo=memo)
        if first is not None:
            transfer = Transfer.objects.get(ref_id=first, kind=kind)
            return FloatMove(
                transfer_id=first,
                amount_idr=transfer.amount_idr,
                float_balance_idr=Account.objects.get(pk=float_account.pk).balance_idr,
            )
        balances = book(
            debit=float_account,
            credit=credit,
            amount_idr=amount,
            kind=kind,
            ref_type=operation,
            ref_id=new_id,
            guard_debit=False,
            credit_cap=0,
            memo=memo,
        )
        audit.record(
            action=f"wallet.{operation}",
            actor=user,
            object_type="wallet.transfer",
            object_id=str(new_id),
            data={"amount_idr": amount, "debit": float_account.code, "credit": credit.code, "memo": memo},
        )
    return FloatMove(transfer_id=new_id, amount_idr=amount, float_balance_idr=balances[float_account.pk])


def cash_deposit(*, actor: Actor, amount_idr: int, idempotency_key: str) -> FloatMove:
    """A booth operator pays the cash of their drawer into the city's bank: booth cash -> float.
    At most what the drawer holds (its balance cannot go above zero)."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    return _float_receive(
        user=user,
        idempotency_key=idempotency_key,
        operation="cash_deposit",
        credit=cash_account(user),
        amount_idr=amount_idr,
        kind=TransferKind.CASH_DEPOSIT,
        memo="",
    )


def qris_clearing_settle(
    *, actor: Actor, amount_idr: int, idempotency_key: str, reference: str = ""
) -> FloatMove:
    """The acquirer paid QRIS top-ups into the city's bank: QRIS clearing -> float (at most what
    the clearing account is owed)."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    return _float_receive(
        user=user,
        idempotency_key=idempotency_key,
        operation="qris_settle",
        credit=system_account(AccountKind.QRIS_CLEARING),
        amount_idr=amount_idr,
        kind=TransferKind.ACQUIRER_SETTLEMENT,
        memo=reference[:64],
    )
