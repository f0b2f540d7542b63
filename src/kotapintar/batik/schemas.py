"""Request and response schemas of /api/v1/batik/. Strings are constrained so that malformed input
(control characters, absurd lengths) is a 422, never a database error."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictInt, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=60)]
CardNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{4,40}$")]
CardToken = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,4000}$")]
TicketCode = Annotated[str, StringConstraints(pattern=r"^[\x20-\x7e]{1,200}$")]
Nonce = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,100}$")]
Text100 = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=100)]
Text200 = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]+$", min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", max_length=5000)]


class VenueOut(Schema):
    code: str
    name: str
    address: str
    lat: float
    lon: float
    description: str


class SessionOut(Schema):
    id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_code: str | None


class TicketTypeOut(Schema):
    code: str
    name: str
    price_idr: int
    quota: int
    sold: int
    remaining: int
    allow_reentry: bool
    on_sale: bool


class EventOut(Schema):
    code: str
    name: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    ongoing: bool
    organiser: str
    venue_codes: list[str]
    url: str
    ical_url: str


class EventDetailOut(EventOut):
    description: str
    name_id: str
    name_en: str
    sessions: list[SessionOut]
    venues: list[VenueOut]
    ticket_types: list[TicketTypeOut]


class VenueIn(Schema):
    code: Slug
    name: Text200
    address: Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=300)] = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    description_id: LongText = ""
    description_en: LongText = ""


class EventIn(Schema):
    code: Slug
    name_id: Text200
    name_en: Text100 = ""
    summary_id: Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=300)] = ""
    summary_en: Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=300)] = ""
    description_id: LongText = ""
    description_en: LongText = ""
    starts_at: datetime
    ends_at: datetime
    ongoing: bool = False
    organiser: Text100 = ""
    merchant_code: Slug = "dinparbudpora-tiket"
    venue_codes: list[Slug] = Field(default_factory=list, max_length=50)
    is_published: bool = True


class TicketTypeIn(Schema):
    code: Slug
    name_id: Text200
    name_en: Text100 = ""
    price_idr: StrictInt = Field(ge=0, le=10_000_000)
    quota: int = Field(ge=0, le=1_000_000)
    allow_reentry: bool = False
    is_active: bool = True


class PurchaseIn(Schema):
    event_code: Slug
    ticket_type_code: Slug
    card_number: CardNumber
    card_token: CardToken | None = None
    quantity: int = Field(default=1, ge=1, le=10)
    pin: str = Field(default="", max_length=12, description="the holder's PIN, for a typed card number")
    one_time_code: str = Field(
        default="",
        max_length=12,
        description="a one-time code from the holder's card page, instead of the PIN",
    )


class FreeTicketIn(Schema):
    event_code: Slug
    ticket_type_code: Slug
    card_number: CardNumber | None = None
    card_token: CardToken | None = None


class OrderOut(Schema):
    order_id: UUID
    event_code: str
    ticket_type_code: str
    quantity: int
    amount_idr: int
    payment_id: str
    card_number: str
    ticket_codes: list[str]
    created_at: datetime
    replayed: bool
    card_balance_idr: int | None


class CancelOut(Schema):
    ticket_code: str
    refunded_idr: int
    card_balance_idr: int | None


class CheckInRecordOut(Schema):
    kind: str
    gate: str
    scanned_at: datetime
    offline: bool


class TicketOut(Schema):
    code: str
    event_code: str
    ticket_type_code: str
    ticket_type: str
    price_idr: int
    status: str
    inside: bool
    created_at: datetime
    checkins: list[CheckInRecordOut]


class CheckInIn(Schema):
    event_code: Slug
    code: TicketCode
    kind: Literal["entry", "exit"] = "entry"
    gate: Text100 = ""
    nonce: Nonce | None = None
    scanned_at: datetime | None = None


class CheckInOut(Schema):
    status: Literal["ok", "duplicate"]
    checkin_id: UUID
    ticket_code: str
    event_code: str
    ticket_type: str
    kind: str
    gate: str
    scanned_at: datetime
    offline: bool
    stamp_awarded: bool


class BatchScanIn(Schema):
    nonce: Nonce
    code: TicketCode
    kind: Literal["entry", "exit"] = "entry"
    scanned_at: datetime
    gate: Text100 = ""


class BatchIn(Schema):
    event_code: Slug
    gate: Text100 = ""
    scans: list[BatchScanIn] = Field(max_length=500)


class BatchItemOut(Schema):
    nonce: str
    ticket_code: str
    status: Literal["ok", "duplicate", "refused"]
    code: str
    message: str
    detail: dict[str, object] | None = None
    checkin: CheckInOut | None = None


class BatchOut(Schema):
    accepted: int
    duplicates: int
    refused: int
    items: list[BatchItemOut]


class StampOut(Schema):
    scope: str
    event_code: str | None
    venue_code: str | None
    name: str
    created_at: datetime


class VenueStampIn(Schema):
    venue_code: Slug
    card_token: CardToken


class VenueStampOut(Schema):
    awarded: bool


class RewardIn(Schema):
    code: Slug
    name_id: Text200
    name_en: Text100 = ""
    description_id: LongText = ""
    description_en: LongText = ""
    stamps_required: int = Field(ge=1, le=100)
    stock: int | None = Field(default=None, ge=0, le=1_000_000)
    is_active: bool = True


class RewardOut(Schema):
    code: str
    name: str
    description: str
    stamps_required: int
    stock: int | None
    redeemed_count: int
    is_active: bool


class RedeemIn(Schema):
    card_number: CardNumber | None = None
    card_token: CardToken | None = None


class RedemptionOut(Schema):
    redemption_id: UUID
    reward_code: str
    voucher_code: str
    stamps: int
    created_at: datetime


class DayCountOut(Schema):
    day: date
    visitors: int


class EventFiguresOut(Schema):
    code: str
    name: str
    visitors: int
    entries: int
    tickets: int
    ticket_revenue_idr: int
    turnover_idr: int
    turnover_text: str
    by_day: list[DayCountOut]


class AmountOut(Schema):
    key: str
    name: str
    amount_idr: int
    text: str


class AnalyticsOut(Schema):
    events: list[EventFiguresOut]
    total_visitors: int
    repeat_visitors: int
    turnover_idr: int
    turnover_text: str
    by_category: list[AmountOut]
    top_merchants: list[AmountOut]
