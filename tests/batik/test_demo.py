"""Batik demo data: the real events and venues, idempotent."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from kotapintar.batik.demo import WIB, coming_events
from kotapintar.batik.models import CheckIn, Event, Reward, Stamp, Ticket, TicketType, Venue

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
