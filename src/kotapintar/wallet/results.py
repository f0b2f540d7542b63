"""Model rows → the plain result types of wallet services and selectors (`wallet/types.py`).

Both the services (after a write) and the selectors (on a read) answer with these, so they live
apart from either.
"""

from __future__ import annotations

from kotapintar.wallet import cardtoken, conf
from kotapintar.wallet.models import Card, CashOut, Payment, Refund, Settlement, TopUp
from kotapintar.wallet.types import CardInfo, CashOutResult, PaymentResult, SettlementRow, TopUpResult


def card_info(card: Card) -> CardInfo:
    return CardInfo(
        number=card.number,
        public_id=card.public_id,
        status=card.status,
        balance_idr=card.account.balance_idr,
        anonymous=card.holder_id is None,
        holder_username=card.holder.get_username() if card.holder is not None else "",
        nfc_uid=card.nfc_uid,
        qr_token=cardtoken.sign(card.number),
        created_at=card.created_at,
        replaced_by=card.replaced_by.number if card.replaced_by is not None else "",
        pin_set=bool(card.pin_hash),
        pin_locked=card.pin_failures >= conf.limit("WALLET_PIN_MAX_ATTEMPTS"),
    )


def payment_result(payment: Payment, *, refund: Refund | None = None) -> PaymentResult:
    """A payment; with `refund`, that refund of it (its id, amount, time and the card's balance after)."""
    return PaymentResult(
        payment_id=payment.public_id,
        status=payment.status,
        amount_idr=refund.amount_idr if refund is not None else payment.amount_idr,
        card_number=payment.card.number,
        merchant_code=payment.merchant.code,
        event_code=payment.event_code,
        created_at=refund.created_at if refund is not None else payment.created_at,
        card_balance_idr=refund.card_balance_after_idr
        if refund is not None
        else payment.card_balance_after_idr,
        refund_id=refund.public_id if refund is not None else None,
        reference=payment.reference,
        merchant_name=payment.merchant.name,
    )


def topup_result(topup: TopUp) -> TopUpResult:
    return TopUpResult(
        topup_id=topup.public_id,
        card_number=topup.card.number,
        amount_idr=topup.amount_idr,
        method=topup.method,
        status=topup.status,
        qris_payload=topup.qris_payload,
        created_at=topup.created_at,
        expires_at=topup.expires_at,
        card_balance_idr=topup.card_balance_after_idr,
    )


def cashout_result(row: CashOut, *, card_balance_idr: int) -> CashOutResult:
    return CashOutResult(
        cashout_id=row.public_id,
        card_number=row.card.number,
        amount_idr=row.amount_idr,
        fee_idr=row.fee_idr,
        created_at=row.created_at,
        card_balance_idr=card_balance_idr,
    )


def settlement_row(row: Settlement) -> SettlementRow:
    return SettlementRow(
        settlement_id=row.public_id,
        merchant_code=row.merchant.code,
        merchant_name=row.merchant.name,
        category=row.merchant.category,
        business_date=row.business_date,
        payments_count=row.payments_count,
        gross_idr=row.gross_idr,
        refunds_idr=row.refunds_idr,
        fee_idr=row.fee_idr,
        net_idr=row.net_idr,
        paid_at=row.paid_at,
    )
