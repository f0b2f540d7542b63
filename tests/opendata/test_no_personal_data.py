"""Nothing personal in any public resource: the whole demo city is seeded and published, a verified
citizen report carries a name and a phone number in its description, and every public resource in every
format is read back: no person's name, no phone number, no card number, no report's own words."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from kotapintar.core.models import Kelurahan
from kotapintar.flood.models import CitizenReport, ReportStatus
from kotapintar.opendata import registry, selectors, services
from kotapintar.wallet.models import Card

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PHONE = "0812-2345-6789"
NAME = "Siti Nurhaliza Rahmawati"
DESCRIPTION = f"Air masuk rumah {NAME}, hubungi {PHONE}"


def test_no_public_resource_holds_anything_personal(client, settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    call_command("seed_demo", stdout=io.StringIO())
    kel = Kelurahan.objects.first()
    assert kel is not None
    CitizenReport.objects.create(
        created_at=timezone.now() - timedelta(hours=2),
        lon=109.6801234,
        lat=-6.8801234,
        kelurahan=kel,
        depth_cm=40,
        text=DESCRIPTION,
        status=ReportStatus.VERIFIED,
        reviewed_at=timezone.now(),
    )
    services.states_refresh()
    entries = selectors.catalogue()
    assert {e.dataset.name for e in entries} == {d.name for d in registry.datasets() if not d.personal}

    full_names = (
        f"{first} {last}".strip()
        for first, last in get_user_model().objects.values_list("first_name", "last_name")
    )
    people = [n for n in full_names if len(n) >= 8]
    cards = list(Card.objects.values_list("number", flat=True))
    texts = [t for t in CitizenReport.objects.exclude(text="").values_list("text", flat=True)]
    assert people and cards and DESCRIPTION in texts
    forbidden = [*people, *cards, *texts, NAME, PHONE, "6.8801234", "109.6801234"]

    read = 0
    for e in entries:
        for resource in e.dataset.resources:
            for fmt in resource.formats:
                r = client.get(f"/data/{e.dataset.name}/{resource.name}.{fmt}")
                assert r.status_code == 200
                body = b"".join(r.streaming_content).decode() if r.streaming else r.content.decode()
                found = [f for f in forbidden if f in body]
                assert not found, (e.dataset.name, resource.name, fmt, found[:3])
                assert not re.search(r"\b08\d{2}-?\d{4}-?\d{3,4}\b", body), (e.dataset.name, resource.name)
                read += 1
    assert read >= 20
