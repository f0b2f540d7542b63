"""Batik demo data: the real events and venues, idempotent."""

import io

import pytest
from django.core.management import call_command

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
    from django.utils import timezone

    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    coming = set(
        Event.objects.filter(ends_at__gte=timezone.now())
        .exclude(code="museum-batik-workshop")
        .values_list("code", flat=True)
    )
    assert {"pbn-2026", "batik-night-market-2027", "festival-sarung-batik-2027"} <= coming
    assert Event.objects.get(code="festival-sarung-batik-2027").starts_at.date().isoformat() == "2027-04-01"
    prices = dict(
        TicketType.objects.filter(event__code="museum-batik-workshop").values_list("code", "price_idr")
    )
    assert prices == {"pelajar": 3_000, "dewasa": 7_000, "wisman": 20_000}
    assert all(v.kelurahan_code for v in Venue.objects.all())


def test_demo_twice_changes_nothing(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first
