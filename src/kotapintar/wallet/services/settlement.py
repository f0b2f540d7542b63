"""Merchant settlement: each merchant's takings of a business day (local), less refunds and the MDR fee,
move to the settlement payable; the city's bank transfer to the merchant is then paid out of it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kotapintar.core import audit, localtime
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor, User
from kotapintar.lib.money import fee_idr
from kotapintar.wallet import conf
from kotapintar.wallet.errors import DayNotOver, MerchantBalanceTooLow, MerchantNotFound, SettlementNotFound
from kotapintar.wallet.models import Account, AccountKind, Merchant, Payment, Refund, Settlement, TransferKind
from kotapintar.wallet.results import settlement_row
from kotapintar.wallet.services.ledger import book, system_account
from kotapintar.wallet.types import SettlementRow


def wib_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=localtime.zone())
    return start, start + timedelta(days=1)


def settlement_run(
    *, actor: Actor, business_date: date, merchant_code: str | None = None
) -> list[SettlementRow]:
    """Settle each merchant's takings of one business day (local): gross payments minus that day's
    refunds, minus the MDR fee (WALLET_SETTLEMENT_FEE_BPS), moved from the merchant account to the
    settlement payable (what the city's bank transfers to the merchant). Once per merchant and day."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    if business_date >= timezone.now().astimezone(localtime.zone()).date():
        raise DayNotOver()
    merchants = Merchant.objects.select_related("account").order_by("pk")
    if merchant_code:
        merchants = merchants.filter(code=merchant_code)
        if not merchants.exists():
            raise MerchantNotFound()
    rows: list[SettlementRow] = []
    for merchant in merchants:
        with transaction.atomic():
            row = _merchant_settle(user=user, merchant=merchant, business_date=business_date)
            if row is not None:
                rows.append(settlement_row(row))
    return rows


def _merchant_settle(*, user: User, merchant: Merchant, business_date: date) -> Settlement | None:
    """One merchant's settlement of one day (None: already settled, or nothing happened that day)."""
    if Settlement.objects.filter(merchant=merchant, business_date=business_date).exists():
        return None
    start, end = wib_day_bounds(business_date)
    day = Payment.objects.filter(merchant=merchant, created_at__gte=start, created_at__lt=end)
    gross = int(day.aggregate(total=Sum("amount_idr"))["total"] or 0)
    count = day.count()
    refunds = (
        Refund.objects.filter(
            payment__merchant=merchant, created_at__gte=start, created_at__lt=end
        ).aggregate(total=Sum("amount_idr"))["total"]
        or 0
    )
    if count == 0 and refunds == 0:
        return None
    fee = fee_idr(gross, bps=conf.limit("WALLET_SETTLEMENT_FEE_BPS"))
    net = max(gross - refunds - fee, 0)
    settlement_id = uuid.uuid4()
    balance = Account.objects.select_for_update().get(pk=merchant.account_id).balance_idr
    fee = min(fee, balance)
    net = min(net, balance - fee)
    legs = (
        (AccountKind.FEES, TransferKind.FEE, fee, ""),
        (AccountKind.SETTLEMENT, TransferKind.SETTLEMENT, net, business_date.isoformat()),
    )
    for account_kind, kind, amount, memo in legs:
        if amount > 0:
            book(
                debit=merchant.account,
                credit=system_account(account_kind),
                amount_idr=amount,
                kind=kind,
                ref_type="settlement",
                ref_id=settlement_id,
                debit_error=MerchantBalanceTooLow,
                memo=memo,
            )
    row = Settlement.objects.create(
        public_id=settlement_id,
        merchant=merchant,
        business_date=business_date,
        payments_count=count,
        gross_idr=gross,
        refunds_idr=refunds,
        fee_idr=fee,
        net_idr=net,
        created_by=user,
    )
    audit.record(
        action="wallet.settlement",
        actor=user,
        obj=row,
        data={"merchant": merchant.code, "date": business_date, "gross": gross, "net": net, "fee": fee},
    )
    return row


def settlement_payout(*, actor: Actor, settlement_id: UUID) -> SettlementRow:
    """The city's bank transferred a settlement to the merchant: settlement payable -> float.
    Once per settlement (a repeat returns it unchanged)."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    with transaction.atomic():
        row = (
            Settlement.objects.select_for_update()
            .select_related("merchant")
            .filter(public_id=settlement_id)
            .first()
        )
        if row is None:
            raise SettlementNotFound()
        if row.paid_at is None:
            if row.net_idr > 0:
                book(
                    debit=system_account(AccountKind.SETTLEMENT),
                    credit=system_account(AccountKind.FLOAT),
                    amount_idr=row.net_idr,
                    kind=TransferKind.PAYOUT,
                    ref_type="payout",
                    ref_id=row.public_id,
                    memo=row.merchant.code,
                )
            row.paid_at = timezone.now()
            row.save(update_fields=["paid_at"])
            audit.record(
                action="wallet.settlement_payout", actor=user, obj=row, data={"net_idr": row.net_idr}
            )
    return settlement_row(row)
