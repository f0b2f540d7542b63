"""The Pekalongan demo: a full 2019–2028 plan, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kotapintar.core.models import AuditEntry
from kotapintar.masterplan import selectors
from kotapintar.masterplan.models import Dimension, Programme, Stage, Worksheet
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db


def test_demo_has_30_programmes_in_6_dimensions_from_10_opds(demo):
    progs = Programme.objects.filter(plan=demo)
    assert progs.count() >= 30
    assert progs.values("worksheet__element__dimension").distinct().count() == Dimension.objects.count() == 6
    assert Worksheet.objects.filter(plan=demo).values("opd").distinct().count() >= 10


def test_demo_quick_wins_link_to_their_modules(demo):
    urls = {q["module_url"] for q in selectors.quick_wins(plan=demo, reader=EVERYTHING, live=False)}
    assert urls == {"/tte/", "/batik/", "/banjir/"}


def test_demo_has_the_2018_history_of_tahap_i_to_iv(demo):
    stages = {s.code: s for s in Stage.objects.filter(plan=demo)}
    assert str(stages["T1"].start_date) == "2018-07-16"
    assert stages["T1"].venue == "Pusdiklat Kospin Jaya"
    assert str(stages["T3"].start_date) == "2018-09-25"
    assert str(stages["T4"].end_date) == "2018-10-25"


def test_seed_twice_changes_nothing(demo, settings):
    before = (Programme.objects.count(), AuditEntry.objects.count())
    with open("/dev/null", "w") as sink:
        call_command("seed_demo", "--only", "core", "masterplan", stdout=sink)
    assert (Programme.objects.count(), AuditEntry.objects.count()) == before


def test_demo_story_follows_the_time_rules(demo):
    """Each verdict after its clinic slot started, each endorsement after its meeting started, and the
    events of a worksheet in the order they happened."""
    from kotapintar.masterplan.models import ClinicSession, WorksheetEvent

    slots = {c.worksheet_id: c.slot.starts_at for c in ClinicSession.objects.select_related("slot")}
    meetings = {
        ws.pk: ws.endorsed_meeting.held_at
        for ws in Worksheet.objects.select_related("endorsed_meeting")
        if ws.endorsed_meeting is not None
    }
    events = list(WorksheetEvent.objects.order_by("pk"))
    verdicts = [e for e in events if e.to_status in ("reviewed", "revision")]
    endorsements = [e for e in events if e.to_status == "endorsed"]
    assert verdicts and endorsements
    assert all(e.at >= slots[e.worksheet_id] for e in verdicts)
    assert all(e.at >= meetings[e.worksheet_id] for e in endorsements)
    for ws in Worksheet.objects.filter(plan=demo):
        times = [e.at for e in events if e.worksheet_id == ws.pk]
        assert times == sorted(times), ws
    endorsed = Worksheet.objects.exclude(endorsed_at=None)
    assert all(ws.endorsed_at is not None and ws.endorsed_at >= meetings[ws.pk] for ws in endorsed)
