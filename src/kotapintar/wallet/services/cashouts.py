"""Cash-out: a card's leftover balance paid out in cash at a booth (minus WALLET_CASHOUT_FEE_IDR)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.wallet import conf
from kotapintar.wallet.errors import InsufficientBalance
from kotapintar.wallet.models import Account, AccountKind, CashOut, TransferKind
from kotapintar.wallet.results import cashout_result
from kotapintar.wallet.services.cards import card_active_locked, card_number_normalise
from kotapintar.wallet.services.idempotency import idempotent_claim, key_check
from kotapintar.wallet.services.ledger import amount_check, book, cash_account, system_account
from kotapintar.wallet.types import CashOutResult


def cashout_create(
    *, actor: Actor, card_number: str, idempotency_key: str, amount_idr: int | None = None
) -> CashOutResult:
    """Pay out a card's leftover balance in cash at a booth (all of it unless `amount_idr`)."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    key = key_check(idempotency_key)
    number = card_number_normalise(card_number)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = idempotent_claim(actor, key, "cashout", new_id, card=number, amount=amount_idr)
        if first is not None:
            row = CashOut.objects.select_related("card__account").get(public_id=first)
            return cashout_result(row, card_balance_idr=row.card.account.balance_idr)
        card = card_active_locked(number)
        balance = Account.objects.select_for_update().get(pk=card.account_id).balance_idr
        amount = balance if amount_idr is None else amount_check(amount_idr, maximum=max(balance, 1))
        if amount <= 0:
            raise InsufficientBalance(_("The card is empty: nothing to pay out."))
        fee = min(conf.limit("WALLET_CASHOUT_FEE_IDR"), amount)
        after = balance
        legs: tuple[tuple[Callable[[], Account], int, str], ...] = (
            (lambda: system_account(AccountKind.FEES), fee, TransferKind.FEE),
            (lambda: cash_account(user), amount - fee, TransferKind.CASHOUT),
        )
        for credit, part, kind in legs:
            if part > 0:
                after = book(
                    debit=card.account,
                    credit=credit(),
                    amount_idr=part,
                    kind=kind,
                    ref_type="cashout",
                    ref_id=new_id,
                )[card.account_id]
        row = CashOut.objects.create(
            public_id=new_id, card=card, amount_idr=amount - fee, fee_idr=fee, created_by=user
        )
        audit.record(
            action="wallet.cashout",
            actor=user,
            obj=row,
            data={"card": number, "amount_idr": amount, "fee_idr": fee},
        )
    return cashout_result(row, card_balance_idr=after)
