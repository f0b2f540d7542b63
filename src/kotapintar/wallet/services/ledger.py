"""The double-entry ledger: every movement of money is one `book()`.

One immutable `Transfer` row and two balance updates in the caller's transaction, in ascending
account order (no deadlocks), the debit guarded by `WHERE balance_idr + delta >= floor` and its row
count checked (no negative card, no double spend). System accounts (QRIS clearing, fees, the city
float, settlement payable, booth cash) are created on first use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from kotapintar.core.errors import DomainError, ValidationFailed
from kotapintar.core.permissions import is_signed_in
from kotapintar.core.types import Actor
from kotapintar.wallet import conf
from kotapintar.wallet.errors import AmountOutOfRange, BalanceLimit, InsufficientBalance
from kotapintar.wallet.models import Account, AccountKind, Transfer


def amount_check(amount_idr: Any, *, maximum: int, field: str = "amount_idr") -> int:
    """A whole number of rupiah between WALLET_MIN_AMOUNT_IDR and `maximum`; AmountOutOfRange otherwise."""
    minimum = conf.limit("WALLET_MIN_AMOUNT_IDR")
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool):
        raise AmountOutOfRange(_("The amount must be a whole number of rupiah."), detail={"field": field})
    if amount_idr < minimum or amount_idr > maximum:
        raise AmountOutOfRange(
            detail={"field": field, "min_idr": minimum, "max_idr": maximum, "amount_idr": amount_idr}
        )
    return amount_idr


_SYSTEM_NAMES: dict[str, str] = {
    AccountKind.QRIS_CLEARING: "QRIS top-up clearing",
    AccountKind.FEES: "Fees",
    AccountKind.FLOAT: "City float",
    AccountKind.SETTLEMENT: "Merchant settlement payable",
}


def system_account(kind: str, code: str = "", name: str = "") -> Account:
    code = code or f"system:{kind}"
    account, _created = Account.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name or _SYSTEM_NAMES.get(kind, kind)}
    )
    return account


def cash_account(actor: Actor) -> Account:
    """The cash drawer of the booth operator `actor`."""
    label = actor.get_username() if is_signed_in(actor) else "system"
    return system_account(
        AccountKind.CASH,
        code=f"cash:{label}"[:64],
        name=gettext_noop("Booth cash (%(operator)s)") % {"operator": label},
    )


@dataclass
class _Leg:
    account_id: int
    delta: int
    floor: int | None  # the balance after must be >= floor (debit guard)
    cap: int | None  # the balance after must be <= cap (credit guard)
    error: type[DomainError]


def book(
    *,
    debit: Account,
    credit: Account,
    amount_idr: int,
    kind: str,
    ref_type: str,
    ref_id: UUID,
    memo: str = "",
    guard_debit: bool = True,
    debit_error: type[DomainError] = InsufficientBalance,
    credit_cap: int | None = None,
) -> dict[int, int]:
    """Post one transfer; returns {account id: balance after}. The caller holds a transaction."""
    if amount_idr <= 0 or debit.pk == credit.pk:
        raise ValidationFailed(_("A transfer needs a positive amount between two accounts."))
    legs = [
        _Leg(debit.pk, -amount_idr, 0 if (guard_debit or debit.no_negative) else None, None, debit_error),
        _Leg(credit.pk, amount_idr, None, credit_cap, BalanceLimit),
    ]
    balances: dict[int, int] = {}
    table = Account._meta.db_table
    with connection.cursor() as cursor:
        for leg in sorted(legs, key=lambda item: item.account_id):  # fixed lock order
            # the guarded update and the balance it leaves, in one statement (the ORM's update()
            # returns only a row count)
            sql = f"UPDATE {table} SET balance_idr = balance_idr + %s WHERE id = %s"  # noqa: S608
            params: list[int] = [leg.delta, leg.account_id]
            if leg.floor is not None:
                sql += " AND balance_idr + %s >= %s"
                params += [leg.delta, leg.floor]
            if leg.cap is not None:
                sql += " AND balance_idr + %s <= %s"
                params += [leg.delta, leg.cap]
            cursor.execute(sql + " RETURNING balance_idr", params)
            row = cursor.fetchone()
            if row is None:
                raise leg.error()
            balances[leg.account_id] = int(row[0])
    Transfer.objects.create(
        public_id=uuid.uuid4(),
        debit_account_id=debit.pk,
        credit_account_id=credit.pk,
        amount_idr=amount_idr,
        kind=kind,
        ref_type=ref_type,
        ref_id=ref_id,
        memo=memo[:200],
    )
    return balances
