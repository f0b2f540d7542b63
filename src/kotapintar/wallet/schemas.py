"""Request and response schemas of the wallet API (truthful: what the handlers really return)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictInt, StringConstraints

BIG = 10**15
Amount = Annotated[
    StrictInt, Field(ge=-BIG, le=BIG, description="whole rupiah; the service checks the limits")
]
CardNumber = Annotated[str, StringConstraints(pattern=r"^[0-9 -]{1,32}$")]
CardToken = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,200}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]
EventCode = Annotated[str, StringConstraints(pattern=r"^([a-z0-9][a-z0-9_-]{0,63})?$")]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=200)]
Reference = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=64)]
NfcUid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Fa-f: ]{0,32}$")]
Username = Annotated[str, StringConstraints(pattern=r"^[\w.@+-]{1,150}$")]
QrisText = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,512}$")]


class KeyOut(Schema):
    kid: str
    alg: str
    crv: str
    x: str = Field(description="raw Ed25519 public key, base64url")
    pem: str
    active: bool


class KeysOut(Schema):
    token_format: str
    keys: list[KeyOut]


Pin = Annotated[str, StringConstraints(pattern=r"^[0-9]{0,12}$")]


class CardIssueIn(Schema):
    holder_username: Username | None = None
    anonymous: bool = True
    nfc_uid: NfcUid = ""
    pin: Pin = Field("", description="the holder's PIN (6 digits) for charging the card by its number")


class CardOut(Schema):
    number: str
    status: str
    balance_idr: int
    anonymous: bool
    holder_username: str
    nfc_uid: str
    qr_token: str
    created_at: datetime
    replaced_by: str
    pin_set: bool
    pin_locked: bool = Field(description="too many wrong PINs or codes: charging by number is locked")


class CardPinIn(Schema):
    pin: Pin
    current_pin: Pin = Field("", description="needed to change a PIN already set, unless booth staff")
    card_secret: CardToken | None = Field(None, description="the card's QR token (whoever holds the card)")


class CardCodeIn(Schema):
    card_secret: CardToken | None = None


class CardCodeOut(Schema):
    code: str = Field(description="6 digits, used once, for charging the card by its typed number")
    expires_at: datetime


class CardLinkIn(Schema):
    card_token: CardToken


class CardBlockIn(Schema):
    reason: Text = ""


class CardReplaceIn(Schema):
    nfc_uid: NfcUid = ""
    onto: CardNumber | None = Field(
        None, description="an empty active card from the booth's stock to move the balance onto"
    )


class TokenVerifyIn(Schema):
    token: Annotated[str, StringConstraints(max_length=300)]


class TokenVerifyOut(Schema):
    valid: bool
    card_number: str


class HistoryItemOut(Schema):
    id: UUID
    created_at: datetime
    kind: str
    kind_label: str
    amount_idr: int
    counterparty: str
    event_code: str
    reference: str


class TopUpIn(Schema):
    card_number: CardNumber
    amount_idr: Amount


class TopUpOut(Schema):
    topup_id: UUID
    card_number: str
    amount_idr: int
    method: str
    status: str
    qris_payload: str
    created_at: datetime
    expires_at: datetime | None
    card_balance_idr: int | None


class PaymentIn(Schema):
    merchant_code: Code
    amount_idr: Amount
    card_number: Annotated[str, StringConstraints(pattern=r"^[0-9 -]{0,32}$")] = ""
    card_token: CardToken | None = None
    pin: Pin = Field("", description="the holder's PIN, for a typed card number")
    one_time_code: Pin = Field("", description="a one-time code from the holder's card page, instead")
    event_code: EventCode = ""
    reference: Reference = ""


class PaymentOut(Schema):
    payment_id: UUID
    status: str
    amount_idr: int
    card_number: str
    merchant_code: str
    merchant_name: str
    event_code: str
    reference: str
    created_at: datetime
    card_balance_idr: int
    refund_id: UUID | None


class RefundIn(Schema):
    amount_idr: Amount | None = None


class QrisPayIn(Schema):
    payload: QrisText
    card_token: CardToken
    amount_idr: Amount | None = None


class CashOutIn(Schema):
    card_number: CardNumber
    amount_idr: Amount | None = None


class CashOutOut(Schema):
    cashout_id: UUID
    card_number: str
    amount_idr: int
    fee_idr: int
    created_at: datetime
    card_balance_idr: int


class MerchantIn(Schema):
    code: Code
    name: Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,120}$")]
    category: Annotated[str, StringConstraints(pattern=r"^(batik|kuliner|kerajinan|tiket|other)$")] = "other"
    owner_username: Username | None = None
    location: Text = ""
    mcc: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")] = "5999"
    postal_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{0,10}$")] = ""


class MerchantOut(Schema):
    code: str
    name: str
    category: str
    location: str
    active: bool
    events: list[str]


class MerchantEventIn(Schema):
    event_code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class RegisteredOut(Schema):
    merchant_code: str
    event_code: str
    created: bool


class QrisPayloadOut(Schema):
    payload: str
    dynamic: bool
    amount_idr: int | None


class SettlementIn(Schema):
    business_date: date
    merchant_code: Code | None = None


class SettlementOut(Schema):
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
    paid_at: datetime | None


class CashDepositIn(Schema):
    amount_idr: Amount


class QrisClearingIn(Schema):
    amount_idr: Amount
    reference: Reference = ""


class FloatMoveOut(Schema):
    transfer_id: UUID
    amount_idr: int
    float_balance_idr: int


class LedgerCheckOut(Schema):
    ok: bool
    total_idr: int
    accounts: int
    transfers: int
    negative_accounts: list[str]
    mismatched_accounts: list[str]


class QrisDecodeIn(Schema):
    payload: Annotated[str, StringConstraints(max_length=2000)]
    strict_qris: bool = False


class QrisTagOut(Schema):
    tag: str
    name: str
    length: int
    value: str
    children: list[QrisTagOut] = []


class QrisDecodeOut(Schema):
    valid: bool
    initiation: str
    merchant_name: str
    merchant_city: str
    currency: str
    amount: str | None
    crc: str
    warnings: list[str]
    tags: list[QrisTagOut]


class NotifyOut(Schema):
    topup_id: UUID
    status: str


def as_dict(obj: Any) -> dict[str, Any]:
    """A result dataclass as the response body: one level deep (the schema validates nested
    dataclasses from their attributes; dataclasses.asdict would deep-copy every value)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
