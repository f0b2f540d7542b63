"""Batik demo data: the real events and venues, idempotent."""

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kotapintar.batik.demo import (
    MUSEUM_SESSION_DAYS,
    MUSEUM_VISIT_DAYS,
    WIB,
    coming_events,
    museum_sessions,
)
from kotapintar.batik.models import CheckIn, Event, Reward, Stamp, Ticket, TicketOrder, TicketType, Venue

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", "--only", "core", "batik", stdout=io.StringIO())


def _counts():
    return tuple(m.objects.count() for m in (Venue, Event, TicketType, Ticket, CheckIn, Stamp, Reward))


def test_demo_seeds_the_batik_events(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    codes = set(Event.objects.values_list("code", flat=True))
    assert {
        "pbn-2025",
        "batik-night-carnival-2025",
        "batik-night-market-2026",
        "festival-sarung-batik-2026",
        "museum-batik-workshop",
    } <= codes


def test_demo_has_coming_events_besides_the_museum(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    now = timezone.now()
    coming = set(
        Event.objects.filter(ends_at__gte=now)
        .exclude(code="museum-batik-workshop")
        .values_list("code", flat=True)
    )
    prefixes = {c.rsplit("-", 1)[0] for c in coming}
    assert {"pbn", "batik-night-market", "festival-sarung-batik"} <= prefixes
    sarung = Event.objects.get(code__in=coming, code__startswith="festival-sarung-batik")
    assert sarung.starts_at.astimezone(WIB).strftime("%m-%d %H") == "04-01 07"
    assert Event.objects.get(code="museum-batik-workshop").ends_at > now
    prices = dict(
        TicketType.objects.filter(event__code="museum-batik-workshop").values_list("code", "price_idr")
    )
    assert prices == {"pelajar": 3_000, "dewasa": 7_000, "wisman": 20_000}
    assert all(v.kelurahan_code for v in Venue.objects.all())


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            datetime(2026, 3, 1, tzinfo=WIB),
            {"pbn-2026", "batik-night-market-2027", "festival-sarung-batik-2027"},
        ),
        (
            datetime(2026, 12, 8, tzinfo=WIB),
            {"pbn-2027", "batik-night-market-2027", "festival-sarung-batik-2027"},
        ),
        (
            datetime(2031, 4, 2, tzinfo=WIB),
            {"pbn-2031", "batik-night-market-2032", "festival-sarung-batik-2032"},
        ),
    ],
)
def test_the_coming_editions_follow_the_seeding_day(today, expected):
    events = coming_events(today)
    assert {e["code"] for e in events} == expected
    assert all(e["ends_at"] >= today and e["starts_at"] < e["ends_at"] for e in events)


def test_each_coming_edition_can_be_ticketed(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    for event in coming_events(timezone.now()):
        assert TicketType.objects.filter(event__code=event["code"]).exists()


def test_demo_twice_changes_nothing(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first


def test_the_museum_sessions_are_on_the_days_from_the_seeding_day():
    now = datetime(2031, 11, 30, 23, 30, tzinfo=WIB)
    sessions = museum_sessions(now)
    days = sorted({start.astimezone(WIB).date() for _ev, _t, _e, _v, start, _end in sessions})
    assert days == [date(2031, 11, 30) + timedelta(days=d) for d in range(MUSEUM_SESSION_DAYS)]
    assert {(s.astimezone(WIB).hour, e.astimezone(WIB).hour) for *_x, s, e in sessions} == {(9, 11), (13, 15)}


def test_the_museum_had_visitors_on_each_of_the_days_before_the_seeding_day(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    moment = datetime(2031, 11, 30, 23, 30, tzinfo=WIB)
    with time_machine.travel(moment):
        _seed()
    entries = CheckIn.objects.filter(event__code="museum-batik-workshop", kind=CheckIn.Kind.ENTRY)
    days: dict[date, int] = {}
    for at in entries.values_list("scanned_at", flat=True):
        local = at.astimezone(WIB)
        assert 8 <= local.hour < 15, local
        days[local.date()] = days.get(local.date(), 0) + 1
    assert sorted(days) == [date(2031, 11, 30) - timedelta(days=d) for d in range(MUSEUM_VISIT_DAYS, 0, -1)]
    assert all(80 <= n <= 130 for d, n in days.items() if d.weekday() < 5), days
    assert all(n >= 240 for d, n in days.items() if d.weekday() >= 5), days


def test_museum_tickets_were_paid_at_the_counter_not_with_the_city_card(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    orders = TicketOrder.objects.filter(ticket_type__event__code="museum-batik-workshop")
    assert orders.exists()
    for amount, quantity, price, payment, card in orders.values_list(
        "amount_idr", "quantity", "ticket_type__price_idr", "payment_id", "card_number"
    ):
        assert (amount, payment, card) == (price * quantity, "", "")
