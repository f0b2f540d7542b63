"""Plain result types of wallet services and selectors (the contract other apps code against)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from kotapintar.wallet.models import PaymentStatus


@dataclass(frozen=True)
class PaymentResult:
    payment_id: UUID
    status: str
    amount_idr: int
    card_number: str
    merchant_code: str
    event_code: str
    created_at: datetime
    card_balance_idr: int
    #: set on a refund result: the refund's id; `amount_idr` is then the refunded amount
    refund_id: UUID | None = None
    reference: str = ""
    merchant_name: str = ""

    @property
    def status_label(self) -> str:
        """The status as a person reads it, in the active language ("Dikembalikan", not "refunded")."""
        return str(PaymentStatus(self.status).label) if self.status in PaymentStatus.values else self.status


@dataclass(frozen=True)
class CardInfo:
    number: str
    public_id: UUID
    status: str
    balance_idr: int
    anonymous: bool
    holder_username: str
    nfc_uid: str
    qr_token: str
    created_at: datetime
    replaced_by: str = ""
    pin_set: bool = False
    pin_locked: bool = False


@dataclass(frozen=True)
class CardHistoryItem:
    id: UUID
    created_at: datetime
    kind: str
    kind_label: str
    amount_idr: int  # signed: + into the card, - out of it
    counterparty: str
    event_code: str
    reference: str


@dataclass(frozen=True)
class TopUpResult:
    topup_id: UUID
    card_number: str
    amount_idr: int
    method: str
    status: str
    qris_payload: str
    created_at: datetime
    expires_at: datetime | None
    card_balance_idr: int | None


@dataclass(frozen=True)
class CashOutResult:
    cashout_id: UUID
    card_number: str
    amount_idr: int
    fee_idr: int
    created_at: datetime
    card_balance_idr: int


@dataclass(frozen=True)
class MerchantTurnover:
    merchant_code: str
    name: str
    category: str
    amount_idr: int
    payments: int


@dataclass(frozen=True)
class SettlementRow:
    settlement_id: UUID
    merchant_code: str
    merchant_name: str
    category: str
    business_date: date
    payments_count: int
    gross_idr: int
    refunds_idr: int
    fee_idr: int
    net_idr: int
    paid_at: datetime | None = None


@dataclass(frozen=True)
class LedgerCheck:
    ok: bool
    total_idr: int
    accounts: int
    transfers: int
    negative_accounts: list[str]
    mismatched_accounts: list[str]
