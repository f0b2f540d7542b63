"""Reads of Batik Fusion: the public catalogue, a visitor's tickets and stamps, and the tourism
office's analytics (turnover comes from the wallet's selectors)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
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
    TicketType,
    Venue,
)
from kotapintar.batik.services.holders import normalise_code
from kotapintar.core import localtime
from kotapintar.core.permissions import is_signed_in
from kotapintar.core.types import Actor
from kotapintar.lib.idr_words import format_idr_short

#: the wallet's merchant categories, named for the tourism office's report
CATEGORY_LABELS = {
    "batik": _("Batik"),
    "kuliner": _("Food and drink"),
    "kerajinan": _("Crafts"),
    "tiket": _("Tickets"),
    "other": _("Other"),
}


def event_list(*, include_past: bool = True) -> QuerySet[Event]:
    qs = Event.objects.filter(is_published=True).prefetch_related("venues")
    if not include_past:
        qs = qs.filter(Q(ends_at__gte=timezone.now()) | Q(ongoing=True))
    return qs.order_by("starts_at", "code")


def event_get(*, code: str) -> Event:
    event = (
        Event.objects.filter(code=code, is_published=True)
        .prefetch_related(
            "venues",
            Prefetch(
                "sessions", queryset=EventSession.objects.select_related("venue").order_by("starts_at", "pk")
            ),
            Prefetch("ticket_types", queryset=TicketType.objects.order_by("price_idr", "code")),
        )
        .first()
    )
    if event is None:
        raise errors.EventNotFound()
    return event


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.order_by("name")


def venue_get(*, code: str) -> Venue:
    venue = Venue.objects.filter(code=code).first()
    if venue is None:
        raise errors.VenueNotFound()
    return venue


def ticket_type_list(*, event: Event) -> QuerySet[TicketType]:
    return TicketType.objects.filter(event=event).order_by("price_idr", "code")


def ticket_get(*, code: str) -> Ticket:
    norm = normalise_code(code)
    ticket = (
        Ticket.objects.select_related("event", "ticket_type").filter(code=norm).first()
        if 0 < len(norm) <= 16
        else None
    )
    if ticket is None:
        raise errors.TicketNotFound()
    return ticket


def ticket_checkins(*, ticket: Ticket) -> QuerySet[CheckIn]:
    return ticket.checkins.order_by("scanned_at", "pk")


def holder_keys(*, card_numbers: list[str], user: Actor = None) -> list[str]:
    keys = [f"card:{n}" for n in card_numbers if n]
    if is_signed_in(user):
        keys.append(f"user:{user.pk}")
    return keys


def tickets_for_holders(*, keys: list[str]) -> QuerySet[Ticket]:
    return (
        Ticket.objects.select_related("event", "ticket_type")
        .filter(holder_key__in=keys)
        .order_by("-created_at")
    )


def stamps_for_holders(*, keys: list[str]) -> QuerySet[Stamp]:
    return (
        Stamp.objects.select_related("event", "venue")
        .filter(holder_key__in=keys)
        .order_by("created_at", "pk")
    )


def reward_list(*, active_only: bool = True) -> QuerySet[Reward]:
    qs = Reward.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("stamps_required", "code")


@dataclass(frozen=True)
class RewardProgress:
    reward: Reward
    stamps: int
    redeemed_voucher: str

    @property
    def eligible(self) -> bool:
        return not self.redeemed_voucher and self.stamps >= self.reward.stamps_required

    @property
    def percent(self) -> int:
        return min(100, self.stamps * 100 // max(1, self.reward.stamps_required))


def reward_progress(*, holder: str) -> list[RewardProgress]:
    stamps = Stamp.objects.filter(holder_key=holder).count()
    vouchers = dict(
        RewardRedemption.objects.filter(holder_key=holder).values_list("reward_id", "voucher_code")
    )
    return [RewardProgress(r, stamps, vouchers.get(r.pk, "")) for r in reward_list()]


# --- Analytics -------------------------------------------------------------------------------------


@dataclass
class EventFigures:
    code: str
    name: str
    visitors: int = 0
    entries: int = 0
    tickets: int = 0
    ticket_revenue_idr: int = 0
    turnover_idr: int = 0
    by_day: dict[date, int] = field(default_factory=dict)

    @property
    def turnover_text(self) -> str:
        return format_idr_short(self.turnover_idr)


@dataclass
class Analytics:
    events: list[EventFigures]
    days: list[date]
    repeat_visitors: int
    total_visitors: int
    turnover_idr: int
    by_category: list[tuple[str, str, int]]  # (category, label, turnover)
    top_merchants: list[tuple[str, str, int]]

    @property
    def turnover_text(self) -> str:
        return format_idr_short(self.turnover_idr)


def visitors_by_event_day(*, event_code: str | None = None) -> dict[str, dict[date, int]]:
    """Distinct tickets that entered, per event and local day (the city's time zone)."""
    qs = CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY)
    if event_code:
        qs = qs.filter(event__code=event_code)
    rows = (
        qs.annotate(day=TruncDate("scanned_at", tzinfo=localtime.zone()))
        .values("event__code", "day")
        .annotate(n=Count("ticket", distinct=True))
        .order_by("day")
    )
    out: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows:
        out[row["event__code"]][row["day"]] = row["n"]
    return out


def analytics(*, event_code: str | None = None) -> Analytics:
    events = list(Event.objects.filter(code=event_code) if event_code else Event.objects.all())
    per_day = visitors_by_event_day(event_code=event_code)
    turnover = wallet_port.turnover_by_event()
    entries = dict(
        CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY)
        .values("event_id")
        .annotate(n=Count("pk"))
        .values_list("event_id", "n")
    )
    visitors = dict(
        CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY)
        .values("event_id")
        .annotate(n=Count("ticket__holder_key", distinct=True))
        .values_list("event_id", "n")
    )
    sold = {
        row["event_id"]: (row["n"], row["revenue"] or 0)
        for row in Ticket.objects.exclude(status=Ticket.Status.CANCELLED)  # its price went back: not sold
        .values("event_id")
        .annotate(n=Count("pk"), revenue=Sum("price_idr"))
    }
    figures = []
    for ev in events:
        n, revenue = sold.get(ev.pk, (0, 0))
        figures.append(
            EventFigures(
                code=ev.code,
                name=ev.t("name"),
                visitors=visitors.get(ev.pk, 0),
                entries=entries.get(ev.pk, 0),
                tickets=n,
                ticket_revenue_idr=int(revenue),
                turnover_idr=turnover.get(ev.code, 0),
                by_day=per_day.get(ev.code, {}),
            )
        )
    holder_events = (
        CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY)
        .values("ticket__holder_key")
        .annotate(n=Count("event", distinct=True))
    )
    if event_code:
        # within one event: visitors who came back on another day
        holder_days = (
            CheckIn.objects.filter(kind=CheckIn.Kind.ENTRY, event__code=event_code)
            .annotate(day=TruncDate("scanned_at", tzinfo=localtime.zone()))
            .values("ticket__holder_key")
            .annotate(n=Count("day", distinct=True))
        )
        repeat = sum(1 for r in holder_days if r["n"] > 1)
        total = len(holder_days)
    else:
        repeat = sum(1 for r in holder_events if r["n"] > 1)
        total = len(holder_events)
    days = sorted({d for f in figures for d in f.by_day})
    return Analytics(
        events=figures,
        days=days,
        repeat_visitors=repeat,
        total_visitors=total,
        turnover_idr=sum(f.turnover_idr for f in figures),
        by_category=[
            (key, str(CATEGORY_LABELS.get(key, key)), amount)
            for key, amount in sorted(
                wallet_port.turnover_by_category(event_code=event_code).items(), key=lambda kv: -kv[1]
            )
        ],
        top_merchants=wallet_port.turnover_by_merchant(event_code=event_code)[:10],
    )
