"""/api/v1/batik/: events, venues, ticket types, tickets, check-in (also offline batches), stamps,
rewards and analytics. Thin: parse, call one service or selector, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Header, Query, Router, Status
from ninja.params.functions import Path  # typed for mypy; the same parameter as ninja.Path

from kotapintar.batik import selectors, services
from kotapintar.batik.models import Event, Reward, Stamp, Ticket, TicketType, Venue
from kotapintar.batik.schemas import (
    AmountOut,
    AnalyticsOut,
    BatchIn,
    BatchItemOut,
    BatchOut,
    CancelOut,
    CardNumber,
    CardToken,
    CheckInIn,
    CheckInOut,
    CheckInRecordOut,
    DayCountOut,
    EventDetailOut,
    EventFiguresOut,
    EventIn,
    EventOut,
    FreeTicketIn,
    OrderOut,
    PurchaseIn,
    RedeemIn,
    RedemptionOut,
    RewardIn,
    RewardOut,
    SessionOut,
    Slug,
    StampOut,
    TicketOut,
    TicketTypeIn,
    TicketTypeOut,
    VenueIn,
    VenueOut,
    VenueStampIn,
    VenueStampOut,
)
from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.permissions import has_role, require_role
from kotapintar.core.schemas import ERRORS
from kotapintar.lib.idr_words import format_idr_short

router = Router(tags=["batik"])

PATH_SLUG = Path(..., pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)
IdemKey = Annotated[str, Header(alias="Idempotency-Key", pattern=r"^[\x21-\x7e]{1,200}$")]
STAFF = services.STAFF_ROLES


def _venue(v: Venue) -> VenueOut:
    return VenueOut(
        code=v.code, name=v.name, address=v.address, lat=v.lat, lon=v.lon, description=v.t("description")
    )


def _tt(tt: TicketType) -> TicketTypeOut:
    return TicketTypeOut(
        code=tt.code,
        name=tt.t("name"),
        price_idr=tt.price_idr,
        quota=tt.quota,
        sold=tt.sold,
        remaining=tt.remaining,
        allow_reentry=tt.allow_reentry,
        on_sale=tt.is_active,
    )


def _event_fields(e: Event) -> dict[str, Any]:
    return {
        "code": e.code,
        "name": e.t("name"),
        "summary": e.t("summary"),
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "ongoing": e.ongoing,
        "organiser": e.organiser,
        "venue_codes": [v.code for v in e.venues.all()],
        "url": reverse("batik:event", args=[e.code]),
        "ical_url": reverse("batik:event_ical", args=[e.code]),
    }


@router.get(
    "/events",
    response={200: list[EventOut], **ERRORS},
    auth=PUBLIC,
    summary="List events",
    url_name="batik_events",
)
def events(request: HttpRequest, upcoming: bool = False) -> Any:
    return [EventOut(**_event_fields(e)) for e in selectors.event_list(include_past=not upcoming)]


@router.get(
    "/events/{code}",
    response={200: EventDetailOut, **ERRORS},
    auth=PUBLIC,
    summary="One event",
    url_name="batik_event_detail",
)
def event_detail(request: HttpRequest, code: str = PATH_SLUG) -> Any:
    e = selectors.event_get(code=code)
    return EventDetailOut(
        **_event_fields(e),
        description=e.t("description"),
        name_id=e.name_id,
        name_en=e.name_en,
        sessions=[
            SessionOut(
                id=s.public_id,
                title=s.t("title"),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                venue_code=s.venue.code if s.venue else None,
            )
            for s in e.sessions.all()
        ],
        venues=[_venue(v) for v in e.venues.all()],
        ticket_types=[_tt(t) for t in e.ticket_types.all()],
    )


@router.get(
    "/venues",
    response={200: list[VenueOut], **ERRORS},
    auth=PUBLIC,
    summary="List venues",
    url_name="batik_venues",
)
def venues(request: HttpRequest) -> Any:
    return [_venue(v) for v in selectors.venue_list()]


@router.get(
    "/venues/{code}",
    response={200: VenueOut, **ERRORS},
    auth=PUBLIC,
    summary="One venue",
    url_name="batik_venue_detail",
)
def venue_detail(request: HttpRequest, code: str = PATH_SLUG) -> Any:
    return _venue(selectors.venue_get(code=code))


@router.put(
    "/venues",
    response={200: VenueOut, **ERRORS},
    auth=AUTH,
    summary="Create or change a venue (tourism office)",
    url_name="batik_venue_put",
)
def venue_put(request: HttpRequest, payload: VenueIn) -> Any:
    data = payload.dict()
    return _venue(services.venue_upsert(actor=request.user, code=data.pop("code"), **data))


@router.put(
    "/events",
    response={200: EventOut, **ERRORS},
    auth=AUTH,
    summary="Create or change an event (tourism office)",
    url_name="batik_event_put",
)
def event_put(request: HttpRequest, payload: EventIn) -> Any:
    data = payload.dict()
    event = services.event_upsert(
        actor=request.user, code=data.pop("code"), venue_codes=data.pop("venue_codes"), **data
    )
    return EventOut(**_event_fields(event))


@router.get(
    "/events/{code}/ticket-types",
    response={200: list[TicketTypeOut], **ERRORS},
    auth=PUBLIC,
    summary="Ticket types of an event",
    url_name="batik_ticket_types",
)
def ticket_types(request: HttpRequest, code: str = PATH_SLUG) -> Any:
    return [_tt(t) for t in selectors.ticket_type_list(event=selectors.event_get(code=code))]


@router.put(
    "/events/{code}/ticket-types",
    response={200: TicketTypeOut, **ERRORS},
    auth=AUTH,
    summary="Create or change a ticket type (tourism office)",
    url_name="batik_ticket_type_put",
)
def ticket_type_put(request: HttpRequest, payload: TicketTypeIn, code: str = PATH_SLUG) -> Any:
    require_role(request.user, *STAFF)
    event = selectors.event_get(code=code)
    data = payload.dict()
    return _tt(services.ticket_type_upsert(actor=request.user, event=event, code=data.pop("code"), **data))


def _order(result: services.OrderResult) -> OrderOut:
    return OrderOut(**result.__dict__)


@router.post(
    "/tickets/purchase",
    response={200: OrderOut, 201: OrderOut, **ERRORS},
    auth=AUTH,
    summary="Buy tickets with the city card (send an Idempotency-Key)",
    url_name="batik_ticket_purchase",
)
def ticket_purchase(request: HttpRequest, payload: PurchaseIn, idempotency_key: IdemKey) -> Any:
    result = services.ticket_purchase(
        actor=request.user,
        event_code=payload.event_code,
        ticket_type_code=payload.ticket_type_code,
        card_number=payload.card_number,
        card_token=payload.card_token,
        quantity=payload.quantity,
        idempotency_key=idempotency_key,
        pin=payload.pin,
        one_time_code=payload.one_time_code,
    )
    return Status(200 if result.replayed else 201, _order(result))


@router.post(
    "/tickets/free",
    response={201: OrderOut, **ERRORS},
    auth=AUTH,
    summary="Issue a free ticket to a card or to the signed-in account",
    url_name="batik_ticket_free",
)
def ticket_free(request: HttpRequest, payload: FreeTicketIn) -> Any:
    result = services.ticket_issue_free(
        actor=request.user,
        event_code=payload.event_code,
        ticket_type_code=payload.ticket_type_code,
        card_number=payload.card_number or "",
        card_token=payload.card_token,
        user=None if payload.card_number else request.user,
    )
    return Status(201, _order(result))


@router.get(
    "/tickets/{code}",
    response={200: TicketOut, **ERRORS},
    auth=AUTH,
    summary="A ticket and its scans",
    url_name="batik_ticket_detail",
)
def ticket_detail(
    request: HttpRequest, code: str = Path(..., max_length=40, pattern=r"^[\x21-\x7e]+$")
) -> Any:
    ticket: Ticket = selectors.ticket_get(code=code)
    if not has_role(request.user, *STAFF) and ticket.user_id != request.user.pk:
        raise PermissionDenied()
    return TicketOut(
        code=ticket.code,
        event_code=ticket.event.code,
        ticket_type_code=ticket.ticket_type.code,
        ticket_type=ticket.ticket_type.t("name"),
        price_idr=ticket.price_idr,
        status=ticket.status,
        inside=ticket.inside,
        created_at=ticket.created_at,
        checkins=[
            CheckInRecordOut(kind=c.kind, gate=c.gate, scanned_at=c.scanned_at, offline=c.offline)
            for c in selectors.ticket_checkins(ticket=ticket)
        ],
    )


@router.post(
    "/tickets/{code}/cancel",
    response={200: CancelOut, **ERRORS},
    auth=AUTH,
    summary="Cancel an unused ticket and refund it to the card (tourism office)",
    url_name="batik_ticket_cancel",
)
def ticket_cancel(
    request: HttpRequest, code: str = Path(..., max_length=40, pattern=r"^[\x21-\x7e]+$")
) -> Any:
    return CancelOut(**services.ticket_cancel(actor=request.user, code=code).__dict__)


def _checkin(r: services.CheckInResult) -> CheckInOut:
    return CheckInOut(**r.__dict__)


@router.post(
    "/checkins",
    response={200: CheckInOut, 201: CheckInOut, **ERRORS},
    auth=AUTH,
    summary="Scan a ticket at a gate (entry or exit); a repeated nonce returns the first result",
    url_name="batik_checkin",
)
def checkin(request: HttpRequest, payload: CheckInIn) -> Any:
    result = services.checkin_scan(
        actor=request.user,
        code=payload.code,
        event_code=payload.event_code,
        kind=payload.kind,
        gate=payload.gate,
        nonce=payload.nonce,
        scanned_at=payload.scanned_at,
        offline=payload.scanned_at is not None,
    )
    return Status(201 if result.status == "ok" else 200, _checkin(result))


@router.post(
    "/checkins/batch",
    response={200: BatchOut, **ERRORS},
    auth=AUTH,
    summary="Upload an offline scanner's queue (deduplicated by nonce)",
    url_name="batik_checkin_batch",
)
def checkin_batch(request: HttpRequest, payload: BatchIn) -> Any:
    result = services.checkin_batch_upload(
        actor=request.user,
        event_code=payload.event_code,
        gate=payload.gate,
        items=[s.dict() for s in payload.scans],
    )
    return BatchOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        refused=result.refused,
        items=[
            BatchItemOut(
                nonce=i.nonce,
                ticket_code=i.ticket_code,
                status=i.status,
                code=i.code,
                message=i.message,
                detail=i.detail if isinstance(i.detail, dict) else None,
                checkin=_checkin(i.checkin) if i.checkin else None,
            )
            for i in result.items
        ],
    )


def _stamp(s: Stamp) -> StampOut:
    name = s.event.t("name") if s.event else s.venue.name if s.venue else s.scope
    return StampOut(
        scope=s.scope,
        event_code=s.event.code if s.event else None,
        venue_code=s.venue.code if s.venue else None,
        name=name,
        created_at=s.created_at,
    )


@router.get(
    "/stamps",
    response={200: list[StampOut], **ERRORS},
    auth=AUTH,
    summary="A visitor's batik passport",
    url_name="batik_stamps",
)
def stamps(
    request: HttpRequest,
    card_number: Annotated[CardNumber | None, Query()] = None,
    card_token: Annotated[CardToken | None, Query()] = None,
) -> Any:
    if card_number:
        services.check_holder_access(actor=request.user, card_number=card_number, card_token=card_token)
        keys = [services.holder_key(card_number=card_number)]
    else:
        keys = [services.holder_key(user=request.user)]
    return [_stamp(s) for s in selectors.stamps_for_holders(keys=keys)]


@router.post(
    "/stamps/venue",
    response={200: VenueStampOut, **ERRORS},
    auth=AUTH,
    summary="Stamp a card's passport for visiting a venue (staff scan the card QR)",
    url_name="batik_stamp_venue",
)
def stamp_venue(request: HttpRequest, payload: VenueStampIn) -> Any:
    awarded = services.stamp_collect_at_venue(
        actor=request.user, venue_code=payload.venue_code, card_token=payload.card_token
    )
    return VenueStampOut(awarded=awarded)


def _reward(r: Reward) -> RewardOut:
    return RewardOut(
        code=r.code,
        name=r.t("name"),
        description=r.t("description"),
        stamps_required=r.stamps_required,
        stock=r.stock,
        redeemed_count=r.redeemed_count,
        is_active=r.is_active,
    )


@router.get(
    "/rewards",
    response={200: list[RewardOut], **ERRORS},
    auth=PUBLIC,
    summary="Passport rewards",
    url_name="batik_rewards",
)
def rewards(request: HttpRequest) -> Any:
    return [_reward(r) for r in selectors.reward_list()]


@router.put(
    "/rewards",
    response={200: RewardOut, **ERRORS},
    auth=AUTH,
    summary="Configure a reward (tourism office)",
    url_name="batik_reward_put",
)
def reward_put(request: HttpRequest, payload: RewardIn) -> Any:
    data = payload.dict()
    return _reward(services.reward_upsert(actor=request.user, code=data.pop("code"), **data))


@router.post(
    "/rewards/{code}/redeem",
    response={201: RedemptionOut, **ERRORS},
    auth=AUTH,
    summary="Redeem a reward once for a card or the signed-in account",
    url_name="batik_reward_redeem",
)
def reward_redeem(request: HttpRequest, payload: RedeemIn, code: str = PATH_SLUG) -> Any:
    result = services.reward_redeem_for(
        actor=request.user,
        reward_code=code,
        card_number=payload.card_number or "",
        card_token=payload.card_token,
        user=None if payload.card_number else request.user,
    )
    return Status(201, RedemptionOut(**result.__dict__))


@router.get(
    "/analytics",
    response={200: AnalyticsOut, **ERRORS},
    auth=AUTH,
    summary="Visitors, turnover, repeat visitors and top merchants (tourism office)",
    url_name="batik_analytics",
)
def analytics(request: HttpRequest, event_code: Annotated[Slug | None, Query()] = None) -> Any:
    require_role(request.user, *STAFF)
    if event_code:
        selectors.event_get(code=event_code)
    a = selectors.analytics(event_code=event_code)
    return AnalyticsOut(
        events=[
            EventFiguresOut(
                code=f.code,
                name=f.name,
                visitors=f.visitors,
                entries=f.entries,
                tickets=f.tickets,
                ticket_revenue_idr=f.ticket_revenue_idr,
                turnover_idr=f.turnover_idr,
                turnover_text=f.turnover_text,
                by_day=[DayCountOut(day=d, visitors=n) for d, n in sorted(f.by_day.items())],
            )
            for f in a.events
        ],
        total_visitors=a.total_visitors,
        repeat_visitors=a.repeat_visitors,
        turnover_idr=a.turnover_idr,
        turnover_text=a.turnover_text,
        by_category=[
            AmountOut(key=k, name=n, amount_idr=v, text=format_idr_short(v)) for k, n, v in a.by_category
        ],
        top_merchants=[
            AmountOut(key=c, name=n, amount_idr=v, text=format_idr_short(v)) for c, n, v in a.top_merchants
        ],
    )
