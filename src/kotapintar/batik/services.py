"""Writes of Batik Fusion. Every state change runs in one transaction, locks the rows it reads
(ticket type for quota, ticket for check-in, reward for redemption) and is audited.

Authorisation follows the check_/do_ split: `check_*` validates and locks, `do_*` mutates.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotapintar.batik import errors, wallet_port
from kotapintar.batik.models import (
    CheckIn,
    Event,
    EventSession,
    Reward,
    RewardRedemption,
    Stamp,
    Ticket,
    TicketOrder,
    TicketType,
    Venue,
)
from kotapintar.core import audit
from kotapintar.core.errors import PermissionDenied, ValidationFailed
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in, require_role

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed at a gate
TICKET_CODE_LENGTH = 12  # 31^12 ≈ 2^59: unguessable
MAX_QUANTITY = 10
MAX_BATCH = 500
CLOCK_SKEW = timedelta(minutes=10)
STAFF_ROLES = (Role.DINAS_PARIWISATA.value,)


def new_code(length: int = TICKET_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """What a person types or a scanner reads: 'abcd-efgh-jkmn ' -> 'ABCDEFGHJKMN'.
    A scanned ticket URL (…/batik/tiket/CODE/) yields its code."""
    text = (raw or "").strip()
    if "/tiket/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())


def holder_key(*, card_number: str = "", user: Any = None) -> str:
    if card_number:
        return f"card:{card_number}"
    if is_signed_in(user):
        return f"user:{user.pk}"
    raise errors.NoHolder()


def _is_staff(actor: Any) -> bool:
    return has_role(actor, *STAFF_ROLES)


# --- Catalogue (the tourism office and the demo) --------------------------------------------------


def venue_upsert(*, actor: Any, code: str, **fields: Any) -> Venue:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    from kotapintar.core.selectors import city_get_or_none, kelurahan_at

    city = city_get_or_none()
    if city is not None and not city.contains_point(lon=fields["lon"], lat=fields["lat"]):
        raise ValidationFailed(_("The venue must lie inside the city."), code="venue_outside_city")
    if not fields.get("kelurahan_code"):
        kel = kelurahan_at(lon=fields["lon"], lat=fields["lat"])
        fields["kelurahan_code"] = kel.code if kel is not None else ""
    with transaction.atomic():
        venue, created = Venue.objects.update_or_create(code=code, defaults=fields)
        if created:
            audit.record(action="batik.venue_create", actor=actor, obj=venue, data={"code": code})
    return venue


def event_upsert(*, actor: Any, code: str, venue_codes: list[str], **fields: Any) -> Event:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    for name in ("starts_at", "ends_at"):
        if timezone.is_naive(fields[name]):
            fields[name] = timezone.make_aware(fields[name], timezone.get_default_timezone())
    if fields["ends_at"] < fields["starts_at"]:
        raise ValidationFailed(_("An event cannot end before it starts."), code="event_dates")
    if not 2000 <= fields["starts_at"].year <= 2100 or not 2000 <= fields["ends_at"].year <= 2100:
        raise ValidationFailed(_("Event dates must lie between 2000 and 2100."), code="event_dates")
    unknown = sorted(
        set(venue_codes) - set(Venue.objects.filter(code__in=venue_codes).values_list("code", flat=True))
    )
    if unknown:
        raise errors.VenueNotFound(detail={"venue_codes": unknown})
    with transaction.atomic():
        event, created = Event.objects.update_or_create(code=code, defaults=fields)
        event.venues.set(Venue.objects.filter(code__in=venue_codes))
        if created:
            audit.record(action="batik.event_create", actor=actor, obj=event, data={"code": code})
    return event


def session_upsert(
    *, actor: Any, event: Event, title_id: str, starts_at: datetime, ends_at: datetime, **fields: Any
) -> EventSession:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    session, _created = EventSession.objects.update_or_create(
        event=event, title_id=title_id, starts_at=starts_at, defaults={"ends_at": ends_at, **fields}
    )
    return session


def ticket_type_upsert(*, actor: Any, event: Event, code: str, quota: int, **fields: Any) -> TicketType:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    with transaction.atomic():
        existing = TicketType.objects.select_for_update().filter(event=event, code=code).first()
        if existing is not None and quota < existing.sold:
            raise ValidationFailed(
                _("The quota cannot be lower than the tickets already issued."), code="quota_below_sold"
            )
        tt, created = TicketType.objects.update_or_create(
            event=event, code=code, defaults={"quota": quota, **fields}
        )
        if created:
            audit.record(action="batik.ticket_type_create", actor=actor, obj=tt, data={"quota": quota})
    return tt


def reward_upsert(*, actor: Any, code: str, stamps_required: int, **fields: Any) -> Reward:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    if stamps_required < 1:
        raise ValidationFailed(_("A reward needs at least one stamp."), code="reward_stamps")
    with transaction.atomic():
        reward, created = Reward.objects.update_or_create(
            code=code, defaults={"stamps_required": stamps_required, **fields}
        )
        audit.record(
            action="batik.reward_create" if created else "batik.reward_update",
            actor=actor,
            obj=reward,
            data={"stamps_required": stamps_required, "stock": reward.stock},
        )
    return reward


# --- Tickets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderResult:
    order_id: str
    event_code: str
    ticket_type_code: str
    quantity: int
    amount_idr: int
    payment_id: str
    card_number: str
    ticket_codes: list[str]
    created_at: datetime
    replayed: bool = False
    card_balance_idr: int | None = None


def _order_result(order: TicketOrder, *, replayed: bool, balance: int | None = None) -> OrderResult:
    return OrderResult(
        order_id=str(order.public_id),
        event_code=order.ticket_type.event.code,
        ticket_type_code=order.ticket_type.code,
        quantity=order.quantity,
        amount_idr=order.amount_idr,
        payment_id=order.payment_id,
        card_number=order.card_number,
        ticket_codes=list(order.tickets.order_by("pk").values_list("code", flat=True)),
        created_at=order.created_at,
        replayed=replayed,
        card_balance_idr=balance,
    )


def _replay(*, key: str, tt_id: int | None, quantity: int, hkey: str) -> OrderResult | None:
    order = TicketOrder.objects.select_related("ticket_type__event").filter(idempotency_key=key).first()
    if order is None:
        return None
    if (order.ticket_type_id, order.quantity, order.holder_key) != (tt_id, quantity, hkey):
        raise errors.IdempotencyMismatch(detail={"order_id": str(order.public_id)})
    return _order_result(order, replayed=True)


def check_holder_access(*, actor: Any, card_number: str, card_token: str | None, user: Any = None) -> None:
    """The visitor proves the card is theirs (its signed QR token, or their account owns it);
    tourism-office staff may act for any visitor at the box office."""
    if card_number:
        if card_token:
            if wallet_port.card_from_token(token=card_token) != card_number:
                raise ValidationFailed(
                    _("The card QR token does not belong to this card."), code="card_token_mismatch"
                )
            return
        if _is_staff(actor):
            if not wallet_port.card_exists(number=card_number):
                raise ValidationFailed(_("Unknown card number."), code="unknown_card")
            return
        if (
            actor is not None
            and actor.is_authenticated
            and card_number in wallet_port.cards_for_user(user=actor)
        ):
            return
        raise PermissionDenied(_("Show the card's QR code or sign in as its owner."), code="card_not_yours")
    if user is not None and actor is not None and actor.is_authenticated:
        if user.pk == actor.pk or _is_staff(actor):
            return
        raise PermissionDenied()
    raise errors.NoHolder()


def check_ticket_order(*, event_code: str, ticket_type_code: str, quantity: int) -> TicketType:
    """Validate and lock the ticket type (the quota's single writer)."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(
            _("Order between 1 and %(max)d tickets at a time.") % {"max": MAX_QUANTITY}, code="bad_quantity"
        )
    event = Event.objects.filter(code=event_code, is_published=True).first()
    if event is None:
        raise errors.EventNotFound()
    tt = TicketType.objects.select_for_update().filter(event=event, code=ticket_type_code).first()
    if tt is None:
        raise errors.TicketTypeNotFound()
    if not tt.is_active or (not event.ongoing and event.ends_at < timezone.now()):
        raise errors.NotOnSale()
    if tt.sold + quantity > tt.quota:
        raise errors.SoldOut(detail={"remaining": tt.remaining})
    return tt


def do_ticket_issue(
    *,
    actor: Any,
    tt: TicketType,
    quantity: int,
    key: str,
    hkey: str,
    card_number: str,
    user: Any,
    amount_idr: int,
    payment_id: str,
) -> TicketOrder:
    updated = TicketType.objects.filter(pk=tt.pk, sold__lte=tt.quota - quantity).update(
        sold=F("sold") + quantity
    )
    if updated != 1:  # guarded increment: the quota is never exceeded even without the row lock
        raise errors.SoldOut()
    order = TicketOrder.objects.create(
        idempotency_key=key,
        ticket_type=tt,
        quantity=quantity,
        holder_key=hkey,
        card_number=card_number,
        user=user if user is not None and user.is_authenticated else None,
        amount_idr=amount_idr,
        payment_id=payment_id,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for _i in range(quantity):
        Ticket.objects.create(
            code=new_code(),
            order=order,
            ticket_type=tt,
            event=tt.event,
            holder_key=hkey,
            card_number=card_number,
            user=order.user,
            price_idr=tt.price_idr,
        )
    audit.record(
        action="batik.ticket_issue",
        actor=actor,
        obj=order,
        data={
            "event": tt.event.code,
            "type": tt.code,
            "quantity": quantity,
            "amount_idr": amount_idr,
            "payment_id": payment_id,
            "holder": hkey,
        },
    )
    return order


def _validate_key(key: str) -> str:
    key = (key or "").strip()
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed(
            _("Send an Idempotency-Key of 1 to 200 characters."), code="bad_idempotency_key"
        )
    return key


def ticket_purchase(
    *,
    actor: Any,
    event_code: str,
    ticket_type_code: str,
    card_number: str,
    idempotency_key: str,
    quantity: int = 1,
    card_token: str | None = None,
) -> OrderResult:
    """Buy tickets with the city card: one wallet payment to the event's organiser merchant.

    A retry with the same key returns the first result and pays nothing again; the same key with a
    different request is a 409. The quota never goes over, even under concurrent buyers.
    """
    key = _validate_key(idempotency_key)
    card_number = (card_number or "").strip()
    if not card_number:
        raise errors.NoHolder()
    hkey = holder_key(card_number=card_number)
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token)
    try:
        with transaction.atomic():
            tt = check_ticket_order(
                event_code=event_code, ticket_type_code=ticket_type_code, quantity=quantity
            )
            replay = _replay(key=key, tt_id=tt.pk, quantity=quantity, hkey=hkey)
            if replay is not None:
                return replay
            amount = tt.price_idr * quantity
            payment_id, balance = "", None
            if amount > 0:
                payment = wallet_port.pay(
                    actor=actor,
                    merchant_code=tt.event.merchant_code,
                    card_number=card_number,
                    amount_idr=amount,
                    idempotency_key=f"batik-order:{key}",
                    event_code=tt.event.code,
                    reference=f"{tt.event.code}/{tt.code} x{quantity}",
                    card_token=card_token,
                )
                payment_id, balance = payment.payment_id, payment.card_balance_idr
            elif quantity != 1:
                raise ValidationFailed(
                    _("A free ticket is issued one per visitor."), code="free_ticket_quantity"
                )
            elif TicketOrder.objects.filter(ticket_type=tt, holder_key=hkey).exists():
                raise errors.FreeTicketAlreadyIssued()
            order = do_ticket_issue(
                actor=actor,
                tt=tt,
                quantity=quantity,
                key=key,
                hkey=hkey,
                card_number=card_number,
                user=None,
                amount_idr=amount,
                payment_id=payment_id,
            )
            return _order_result(order, replayed=False, balance=balance)
    except IntegrityError:
        # a concurrent request with the same key won the race: answer as its retry would be answered
        if not TicketOrder.objects.filter(idempotency_key=key).exists():
            raise
        tt_id = (
            TicketType.objects.filter(event__code=event_code, code=ticket_type_code)
            .values_list("pk", flat=True)
            .first()
        )
        replay = _replay(key=key, tt_id=tt_id, quantity=quantity, hkey=hkey)
        assert replay is not None
        return replay


def ticket_issue_free(
    *,
    actor: Any,
    event_code: str,
    ticket_type_code: str,
    card_number: str = "",
    user: Any = None,
    card_token: str | None = None,
    idempotency_key: str = "",
) -> OrderResult:
    """Issue one free ticket (price 0) to a card or an account; one per visitor and ticket type."""
    card_number = (card_number or "").strip()
    hkey = holder_key(card_number=card_number, user=user)
    key = _validate_key(idempotency_key or f"free:{event_code}:{ticket_type_code}:{hkey}")
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token, user=user)
    with transaction.atomic():
        tt = check_ticket_order(event_code=event_code, ticket_type_code=ticket_type_code, quantity=1)
        if tt.price_idr > 0:
            raise ValidationFailed(_("This ticket type is not free."), code="not_free")
        if TicketOrder.objects.filter(ticket_type=tt, holder_key=hkey).exists():
            raise errors.FreeTicketAlreadyIssued()
        if TicketOrder.objects.filter(idempotency_key=key).exists():
            raise errors.IdempotencyMismatch()
        order = do_ticket_issue(
            actor=actor,
            tt=tt,
            quantity=1,
            key=key,
            hkey=hkey,
            card_number=card_number,
            user=user,
            amount_idr=0,
            payment_id="",
        )
        return _order_result(order, replayed=False)


@dataclass(frozen=True)
class CancelResult:
    ticket_code: str
    refunded_idr: int
    card_balance_idr: int | None


def ticket_cancel(*, actor: Any, code: str) -> CancelResult:
    """Cancel an unused ticket: its place goes back to the quota and its price back to the card
    (a wallet refund keyed on the ticket, so a retry refunds nothing twice). A used ticket stays."""
    require_role(actor, *STAFF_ROLES)
    norm = normalise_code(code)
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update().select_related("order").filter(code=norm).first()
            if 0 < len(norm) <= 16
            else None
        )
        if ticket is None:
            raise errors.TicketNotFound()
        if ticket.status == Ticket.Status.CANCELLED:
            raise errors.TicketCancelled()
        first = ticket.checkins.order_by("scanned_at", "pk").first()
        if first is not None:
            raise errors.TicketAlreadyUsed(
                detail={"first_used_at": first.scanned_at.isoformat(), "gate": first.gate}
            )
        TicketType.objects.select_for_update().filter(pk=ticket.ticket_type_id).update(sold=F("sold") - 1)
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CANCELLED)
        balance = None
        refunded = 0
        if ticket.order.payment_id and ticket.price_idr > 0:
            balance = wallet_port.refund(
                actor=actor,
                payment_id=ticket.order.payment_id,
                amount_idr=ticket.price_idr,
                idempotency_key=f"batik-cancel:{ticket.code}",
            )
            refunded = ticket.price_idr
        audit.record(
            action="batik.ticket_cancel",
            actor=actor,
            obj=ticket,
            data={"ticket": ticket.code, "refunded_idr": refunded, "payment_id": ticket.order.payment_id},
        )
    return CancelResult(ticket_code=ticket.code, refunded_idr=refunded, card_balance_idr=balance)


# --- Check-in --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInResult:
    status: Literal["ok", "duplicate"]  # duplicate: the same nonce uploaded again
    checkin_id: str
    ticket_code: str
    event_code: str
    ticket_type: str
    kind: str
    gate: str
    scanned_at: datetime
    offline: bool
    stamp_awarded: bool = False


def _result(ci: CheckIn, *, status: Literal["ok", "duplicate"], stamp: bool = False) -> CheckInResult:
    return CheckInResult(
        status=status,
        checkin_id=str(ci.public_id),
        ticket_code=ci.ticket.code,
        event_code=ci.event.code,
        ticket_type=ci.ticket.ticket_type.t("name"),
        kind=ci.kind,
        gate=ci.gate,
        scanned_at=ci.scanned_at,
        offline=ci.offline,
        stamp_awarded=stamp,
    )


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")


MAX_SCAN_AGE = timedelta(days=366)


def _scan_time(value: datetime | None) -> datetime:
    """The scanner's clock: naive times are WIB; older than a year or in the future is refused."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    try:
        too_old = value < now - MAX_SCAN_AGE
    except OverflowError:  # pragma: no cover - extreme offsets
        too_old = True
    if too_old:
        raise ValidationFailed(_("The scan time is too old to upload."), code="scan_too_old")
    return value


def check_checkin(*, actor: Any, code: str, event_code: str, kind: str, scanned_at: datetime) -> Ticket:
    require_role(actor, *STAFF_ROLES)
    if kind not in CheckIn.Kind.values:
        raise ValidationFailed(_("Scan type must be entry or exit."), code="bad_kind")
    if scanned_at > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed(_("The scan time lies in the future."), code="scan_in_future")
    norm = normalise_code(code)
    if not norm or len(norm) > 16:
        raise errors.TicketNotFound()
    ticket = (
        Ticket.objects.select_for_update().select_related("event", "ticket_type").filter(code=norm).first()
    )
    if ticket is None:
        raise errors.TicketNotFound()
    if ticket.event.code != event_code:
        raise errors.WrongEvent(
            gettext("This ticket is for another event: %(event)s.") % {"event": ticket.event.t("name")},
            detail={"ticket_event": ticket.event.code},
        )
    if ticket.status != Ticket.Status.VALID:
        raise errors.TicketCancelled()
    if kind == CheckIn.Kind.ENTRY:
        first = ticket.checkins.filter(kind=CheckIn.Kind.ENTRY).order_by("scanned_at", "pk").first()
        if first is not None and (ticket.inside or not ticket.ticket_type.allow_reentry):
            raise errors.TicketAlreadyUsed(
                gettext("Ticket already used: first entry at %(gate)s on %(time)s WIB.")
                % {"gate": first.gate or gettext("an unnamed gate"), "time": _when(first.scanned_at)},
                detail={
                    "first_used_at": first.scanned_at.isoformat(),
                    "gate": first.gate,
                    "ticket": ticket.code,
                },
            )
    elif not ticket.inside:
        raise errors.TicketNotInside()
    return ticket


def do_checkin(
    *,
    actor: Any,
    ticket: Ticket,
    kind: str,
    gate: str,
    scanned_at: datetime,
    nonce: str | None,
    offline: bool,
) -> tuple[CheckIn, bool]:
    ci = CheckIn.objects.create(
        ticket=ticket,
        event=ticket.event,
        kind=kind,
        gate=gate[:100],
        scanned_at=scanned_at,
        offline=offline,
        nonce=nonce or None,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    Ticket.objects.filter(pk=ticket.pk).update(inside=kind == CheckIn.Kind.ENTRY)
    ticket.inside = kind == CheckIn.Kind.ENTRY
    stamped = False
    if kind == CheckIn.Kind.ENTRY:
        stamped = stamp_award(
            holder=ticket.holder_key,
            card_number=ticket.card_number,
            user=ticket.user,
            event=ticket.event,
            venue=None,
            checkin=ci,
            at=scanned_at,
        )
    audit.record(
        action="batik.checkin",
        actor=actor,
        obj=ci,
        data={
            "ticket": ticket.code,
            "event": ticket.event.code,
            "kind": kind,
            "gate": gate,
            "offline": offline,
            "scanned_at": scanned_at,
        },
    )
    return ci, stamped


def checkin_scan(
    *,
    actor: Any,
    code: str,
    event_code: str,
    kind: str = "entry",
    gate: str = "",
    scanned_at: datetime | None = None,
    nonce: str | None = None,
    offline: bool = False,
) -> CheckInResult:
    """Check a ticket in (entry) or out (exit) at a gate. A second entry is refused with where and
    when the ticket was first used; the same nonce uploaded again returns the first result."""
    when = _scan_time(scanned_at)
    nonce = (nonce or "").strip()[:100] or None
    if nonce:
        existing = CheckIn.objects.select_related("ticket__ticket_type", "event").filter(nonce=nonce).first()
        if existing is not None:
            if existing.ticket.code != normalise_code(code):
                raise errors.IdempotencyMismatch()
            return _result(existing, status="duplicate")
    try:
        with transaction.atomic():
            if nonce:
                # lock the ticket first, then look for the nonce again: a concurrent upload of the same
                # scan that committed while we waited is a duplicate, not a second use
                list(
                    Ticket.objects.select_for_update()
                    .filter(code=normalise_code(code)[:16])
                    .values_list("pk")
                )
                existing = (
                    CheckIn.objects.select_related("ticket__ticket_type", "event").filter(nonce=nonce).first()
                )
                if existing is not None:
                    if existing.ticket.code != normalise_code(code):
                        raise errors.IdempotencyMismatch()
                    return _result(existing, status="duplicate")
            ticket = check_checkin(actor=actor, code=code, event_code=event_code, kind=kind, scanned_at=when)
            ci, stamped = do_checkin(
                actor=actor,
                ticket=ticket,
                kind=kind,
                gate=gate,
                scanned_at=when,
                nonce=nonce,
                offline=offline,
            )
            return _result(ci, status="ok", stamp=stamped)
    except IntegrityError:
        if nonce:
            existing = (
                CheckIn.objects.select_related("ticket__ticket_type", "event").filter(nonce=nonce).first()
            )
            if existing is not None:
                return _result(existing, status="duplicate")
        raise


@dataclass(frozen=True)
class BatchItemResult:
    nonce: str
    ticket_code: str
    status: Literal["ok", "duplicate", "refused"]
    code: str = ""
    message: str = ""
    detail: Any = None
    checkin: CheckInResult | None = None


@dataclass(frozen=True)
class BatchResult:
    accepted: int
    duplicates: int
    refused: int
    items: list[BatchItemResult] = field(default_factory=list)


def checkin_batch_upload(
    *, actor: Any, event_code: str, gate: str, items: list[dict[str, Any]]
) -> BatchResult:
    """An offline scanner's queue: each scan has a nonce, so uploading the same batch twice adds nothing."""
    require_role(actor, *STAFF_ROLES)
    if len(items) > MAX_BATCH:
        raise ValidationFailed(
            _("At most %(n)d scans per upload.") % {"n": MAX_BATCH}, code="batch_too_large"
        )
    if not Event.objects.filter(code=event_code).exists():
        raise errors.EventNotFound()
    results: list[BatchItemResult] = []
    for item in items:
        nonce = str(item.get("nonce", ""))
        code = str(item.get("code", ""))
        try:
            res = checkin_scan(
                actor=actor,
                code=code,
                event_code=event_code,
                kind=str(item.get("kind", "entry")),
                gate=str(item.get("gate") or gate),
                scanned_at=item.get("scanned_at"),
                nonce=nonce,
                offline=True,
            )
            results.append(
                BatchItemResult(nonce=nonce, ticket_code=res.ticket_code, status=res.status, checkin=res)
            )
        except (errors.NotFound, errors.Conflict, ValidationFailed) as exc:
            results.append(
                BatchItemResult(
                    nonce=nonce,
                    ticket_code=normalise_code(code),
                    status="refused",
                    code=exc.code,
                    message=str(exc.message),
                    detail=exc.detail,
                )
            )
    return BatchResult(
        accepted=sum(r.status == "ok" for r in results),
        duplicates=sum(r.status == "duplicate" for r in results),
        refused=sum(r.status == "refused" for r in results),
        items=results,
    )


# --- Batik passport --------------------------------------------------------------------------------


def stamp_award(
    *,
    holder: str,
    card_number: str,
    user: Any,
    event: Event | None,
    venue: Venue | None,
    checkin: CheckIn | None,
    at: datetime,
) -> bool:
    """Add the holder's stamp for an event or a venue; False if they already have it."""
    scope = f"event:{event.code}" if event is not None else f"venue:{venue.code}" if venue is not None else ""
    if not scope:
        raise ValidationFailed(code="stamp_scope")
    if Stamp.objects.filter(holder_key=holder, scope=scope).exists():
        return False
    try:
        with transaction.atomic():
            Stamp.objects.create(
                holder_key=holder,
                card_number=card_number,
                user=user,
                scope=scope,
                event=event,
                venue=venue,
                checkin=checkin,
                created_at=at,
            )
    except IntegrityError:  # the same holder checked in at two gates at once
        return False
    return True


def stamp_collect_at_venue(*, actor: Any, venue_code: str, card_token: str) -> bool:
    """A stamp for visiting a venue: staff scan the visitor's card QR (its signed token)."""
    require_role(actor, *STAFF_ROLES)
    venue = Venue.objects.filter(code=venue_code).first()
    if venue is None:
        raise errors.VenueNotFound()
    number = wallet_port.card_from_token(token=card_token)
    with transaction.atomic():
        awarded = stamp_award(
            holder=holder_key(card_number=number),
            card_number=number,
            user=None,
            event=None,
            venue=venue,
            checkin=None,
            at=timezone.now(),
        )
        if awarded:
            audit.record(action="batik.stamp_venue", actor=actor, obj=venue, data={"card": number})
    return awarded


@dataclass(frozen=True)
class RedemptionResult:
    redemption_id: str
    reward_code: str
    voucher_code: str
    stamps: int
    created_at: datetime


def reward_redeem(*, actor: Any, reward_code: str, holder: str) -> RedemptionResult:
    """Redeem a reward once per holder, when they have enough stamps (reward row locked)."""
    with transaction.atomic():
        reward = Reward.objects.select_for_update().filter(code=reward_code, is_active=True).first()
        if reward is None:
            raise errors.RewardNotFound()
        if RewardRedemption.objects.filter(reward=reward, holder_key=holder).exists():
            raise errors.RewardAlreadyRedeemed()
        stamps = Stamp.objects.filter(holder_key=holder).count()
        if stamps < reward.stamps_required:
            raise errors.NotEnoughStamps(detail={"stamps": stamps, "required": reward.stamps_required})
        if reward.stock is not None and reward.redeemed_count >= reward.stock:
            raise errors.RewardOutOfStock()
        redemption = RewardRedemption.objects.create(
            reward=reward,
            holder_key=holder,
            voucher_code=f"BTK-{new_code(8)}",
            stamps_at_redemption=stamps,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        Reward.objects.filter(pk=reward.pk).update(redeemed_count=F("redeemed_count") + 1)
        audit.record(
            action="batik.reward_redeem",
            actor=actor,
            obj=redemption,
            data={"reward": reward.code, "holder": holder, "stamps": stamps},
        )
        return RedemptionResult(
            redemption_id=str(redemption.public_id),
            reward_code=reward.code,
            voucher_code=redemption.voucher_code,
            stamps=stamps,
            created_at=redemption.created_at,
        )


def reward_redeem_for(
    *, actor: Any, reward_code: str, card_number: str = "", card_token: str | None = None, user: Any = None
) -> RedemptionResult:
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token, user=user)
    return reward_redeem(
        actor=actor, reward_code=reward_code, holder=holder_key(card_number=card_number, user=user)
    )
