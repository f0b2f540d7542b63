"""Check-in at the gates: one entry per ticket (the ticket row locked), exits, offline batches keyed
by each scan's nonce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotapintar.batik import errors
from kotapintar.batik.models import (
    CheckIn,
    Event,
    Ticket,
)
from kotapintar.batik.services.holders import STAFF_ROLES, normalise_code
from kotapintar.batik.services.passport import stamp_award
from kotapintar.core import audit, localtime
from kotapintar.core.errors import BadKind, BatchTooLarge, Conflict, NotFound, ValidationFailed
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor

MAX_BATCH = 500
CLOCK_SKEW = timedelta(minutes=10)


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
    """The scanner's clock: naive times are local; older than a year or in the future is refused."""
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
        raise errors.ScanTooOld()
    return value


def check_checkin(*, actor: Actor, code: str, event_code: str, kind: str, scanned_at: datetime) -> Ticket:
    require_role(actor, *STAFF_ROLES)
    if kind not in CheckIn.Kind.values:
        raise BadKind(_("Scan type must be entry or exit."))
    if scanned_at > timezone.now() + CLOCK_SKEW:
        raise errors.ScanInFuture()
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
                gettext("Ticket already used: first entry at %(gate)s on %(time)s %(zone)s.")
                % {
                    "gate": first.gate or gettext("an unnamed gate"),
                    "time": _when(first.scanned_at),
                    "zone": localtime.abbreviation(),
                },
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
    actor: Actor,
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
        actor=actor if is_signed_in(actor) else None,
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
    actor: Actor,
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
    *, actor: Actor, event_code: str, gate: str, items: list[dict[str, Any]]
) -> BatchResult:
    """An offline scanner's queue: each scan has a nonce, so uploading the same batch twice adds nothing."""
    require_role(actor, *STAFF_ROLES)
    if len(items) > MAX_BATCH:
        raise BatchTooLarge(_("At most %(n)d scans per upload.") % {"n": MAX_BATCH})
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
        except (NotFound, Conflict, ValidationFailed) as exc:
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
