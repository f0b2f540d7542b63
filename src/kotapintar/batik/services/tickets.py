"""Tickets: bought with the city card (one wallet payment to the organiser), issued free, cancelled
(refunded). The ticket type row is the quota's single writer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.batik import errors, wallet_port
from kotapintar.batik.models import (
    Event,
    Ticket,
    TicketOrder,
    TicketType,
)
from kotapintar.batik.services.holders import (
    STAFF_ROLES,
    check_holder_access,
    holder_key,
    new_code,
    normalise_code,
)
from kotapintar.core import audit
from kotapintar.core.idempotency import key_scope
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor

MAX_QUANTITY = 10


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


def _replay(*, scope: str, key: str, tt_id: int | None, quantity: int, hkey: str) -> OrderResult | None:
    """The caller's earlier order with this key (None: a fresh request); another caller's key is not
    theirs to replay (`core.idempotency.key_scope`)."""
    order = (
        TicketOrder.objects.select_related("ticket_type__event")
        .filter(key_scope=scope, idempotency_key=key)
        .first()
    )
    if order is None:
        return None
    if (order.ticket_type_id, order.quantity, order.holder_key) != (tt_id, quantity, hkey):
        raise errors.IdempotencyMismatch(detail={"order_id": str(order.public_id)})
    return _order_result(order, replayed=True)


def check_ticket_order(*, event_code: str, ticket_type_code: str, quantity: int) -> TicketType:
    """Validate and lock the ticket type (the quota's single writer)."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise errors.BadQuantity(_("Order between 1 and %(max)d tickets at a time.") % {"max": MAX_QUANTITY})
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
    actor: Actor,
    tt: TicketType,
    quantity: int,
    key: str,
    scope: str,
    hkey: str,
    card_number: str,
    user: Actor,
    amount_idr: int,
    payment_id: str,
) -> TicketOrder:
    """Issue the order's tickets (the quota taken with a guarded increment); `scope` and `key`: whose
    Idempotency-Key the order answers (`core.idempotency.key_scope`)."""
    updated = TicketType.objects.filter(pk=tt.pk, sold__lte=tt.quota - quantity).update(
        sold=F("sold") + quantity
    )
    if updated != 1:  # guarded increment: the quota is never exceeded even without the row lock
        raise errors.SoldOut()
    order = TicketOrder.objects.create(
        key_scope=scope,
        idempotency_key=key,
        ticket_type=tt,
        quantity=quantity,
        holder_key=hkey,
        card_number=card_number,
        user=user if is_signed_in(user) else None,
        amount_idr=amount_idr,
        payment_id=payment_id,
        created_by=actor if is_signed_in(actor) else None,
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
        raise errors.BadIdempotencyKey()
    return key


def _is_replay(*, scope: str, key: str) -> bool:
    """A retry of an order already made: it answers as before and needs no PIN again."""
    return TicketOrder.objects.filter(key_scope=scope, idempotency_key=key).exists()


def ticket_purchase(
    *,
    actor: Actor,
    event_code: str,
    ticket_type_code: str,
    card_number: str,
    idempotency_key: str,
    quantity: int = 1,
    card_token: str | None = None,
    pin: str = "",
    one_time_code: str = "",
) -> OrderResult:
    """Buy tickets with the city card: one wallet payment to the event's organiser merchant.

    A scanned card (`card_token`) pays in one step; a typed number needs the holder's `pin` or a
    `one_time_code` from their card page (the box office asks for it), unless the buyer is the card's
    signed-in holder. Free tickets need neither.

    A retry with the same key returns the first result and pays nothing again; the same key with a
    different request is a 409. The quota never goes over, even under concurrent buyers.
    """
    key = _validate_key(idempotency_key)
    card_number = (card_number or "").strip()
    if not card_number:
        raise errors.NoHolder()
    hkey = holder_key(card_number=card_number)
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token)
    scope = key_scope(actor, card_number=card_number if card_token else "")
    grant = None
    price = (
        TicketType.objects.filter(event__code=event_code, code=ticket_type_code)
        .values_list("price_idr", flat=True)
        .first()
    )
    if not card_token and price and not _is_replay(scope=scope, key=key):
        grant = wallet_port.authorise(
            actor=actor,
            card_number=card_number,
            pin=pin,
            one_time_code=one_time_code,
            used_for=f"{scope}:{key}",
        )
    try:
        with transaction.atomic():
            tt = check_ticket_order(
                event_code=event_code, ticket_type_code=ticket_type_code, quantity=quantity
            )
            replay = _replay(scope=scope, key=key, tt_id=tt.pk, quantity=quantity, hkey=hkey)
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
                    grant=grant,
                )
                payment_id, balance = payment.payment_id, payment.card_balance_idr
            elif quantity != 1:
                raise errors.FreeTicketQuantity()
            elif TicketOrder.objects.filter(ticket_type=tt, holder_key=hkey).exists():
                raise errors.FreeTicketAlreadyIssued()
            order = do_ticket_issue(
                actor=actor,
                tt=tt,
                quantity=quantity,
                key=key,
                scope=scope,
                hkey=hkey,
                card_number=card_number,
                user=None,
                amount_idr=amount,
                payment_id=payment_id,
            )
            return _order_result(order, replayed=False, balance=balance)
    except IntegrityError:
        # a concurrent request with the same key won the race: answer as its retry would be answered
        if not TicketOrder.objects.filter(key_scope=scope, idempotency_key=key).exists():
            raise
        tt_id = (
            TicketType.objects.filter(event__code=event_code, code=ticket_type_code)
            .values_list("pk", flat=True)
            .first()
        )
        replay = _replay(scope=scope, key=key, tt_id=tt_id, quantity=quantity, hkey=hkey)
        assert replay is not None
        return replay


def ticket_issue_free(
    *,
    actor: Actor,
    event_code: str,
    ticket_type_code: str,
    card_number: str = "",
    user: Actor = None,
    card_token: str | None = None,
    idempotency_key: str = "",
) -> OrderResult:
    """Issue one free ticket (price 0) to a card or an account; one per visitor and ticket type."""
    card_number = (card_number or "").strip()
    hkey = holder_key(card_number=card_number, user=user)
    key = _validate_key(idempotency_key or f"free:{event_code}:{ticket_type_code}:{hkey}")
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token, user=user)
    scope = key_scope(actor, card_number=card_number if card_token else "")
    with transaction.atomic():
        tt = check_ticket_order(event_code=event_code, ticket_type_code=ticket_type_code, quantity=1)
        if tt.price_idr > 0:
            raise errors.NotFree()
        if TicketOrder.objects.filter(ticket_type=tt, holder_key=hkey).exists():
            raise errors.FreeTicketAlreadyIssued()
        if TicketOrder.objects.filter(key_scope=scope, idempotency_key=key).exists():
            raise errors.IdempotencyMismatch()
        order = do_ticket_issue(
            actor=actor,
            tt=tt,
            quantity=1,
            key=key,
            scope=scope,
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


def ticket_cancel(*, actor: Actor, code: str) -> CancelResult:
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
