"""The workflow respects time: a clinic verdict waits for its slot, an endorsement and the minutes wait
for their meeting; "rescheduled to now" is explicit and audited; Bappeda sends a reviewed worksheet back.
Every test pins "now" (NOW); the slot and the meeting lie at fixed instants around it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from kotapintar.core.errors import Conflict, PermissionDenied, ValidationFailed
from kotapintar.core.models import AuditEntry, Notification
from kotapintar.masterplan import services
from kotapintar.masterplan.models import WorksheetStatus

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2030, 12, 2, 10, 0, tzinfo=WIB)
SLOT_AT = datetime(2030, 12, 5, 9, 0, tzinfo=WIB)  # three days after NOW
MEETING_AT = datetime(2030, 12, 10, 9, 0, tzinfo=WIB)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def in_clinic(clock, worksheet, opd_user, mentor_user):
    """The worksheet booked on a slot of 5 Dec, seen on 2 Dec."""
    slot = services.mentor_slot_create(
        actor=mentor_user, starts_at=SLOT_AT, ends_at=SLOT_AT + timedelta(hours=1, minutes=30)
    )
    services.worksheet_submit(actor=opd_user, worksheet=worksheet)
    services.clinic_book(actor=opd_user, worksheet=worksheet, slot=slot)
    worksheet.refresh_from_db()
    return worksheet, slot


@pytest.fixture
def accepted(in_clinic, clock, mentor_user, bappeda_user, plan):
    """The worksheet accepted by Bappeda after its clinic, and a council meeting on 10 Dec."""
    ws, slot = in_clinic
    clock.move_to(SLOT_AT + timedelta(minutes=30))
    services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="accepted")
    services.worksheet_accept(actor=bappeda_user, worksheet=ws)
    meeting = services.meeting_create(actor=bappeda_user, plan=plan, title="Rapat Dewan", held_at=MEETING_AT)
    ws.refresh_from_db()
    return ws, meeting


def test_a_verdict_before_the_slot_starts_is_refused_in_indonesian(in_clinic, mentor_user):
    ws, _slot = in_clinic
    with translation.override("id"), pytest.raises(Conflict) as exc:
        services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="accepted")
    assert exc.value.code == "slot_not_started"
    assert exc.value.status == 409
    assert "05-12-2030 09:00" in str(exc.value.message)
    assert "belum" in str(exc.value.message)
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.CLINIC


def test_a_verdict_once_the_slot_has_started_is_recorded(in_clinic, clock, mentor_user):
    ws, _slot = in_clinic
    clock.move_to(SLOT_AT)
    services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="revision", summary="Lengkapi target")
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.REVISION
    assert ws.events.last().at == SLOT_AT


def test_rescheduling_the_slot_to_now_keeps_its_length_and_is_audited(in_clinic, mentor_user):
    ws, slot = in_clinic
    moved = services.slot_reschedule_now(actor=mentor_user, slot=slot, reason="Dimajukan")
    assert (moved.starts_at, moved.ends_at) == (NOW, NOW + timedelta(hours=1, minutes=30))
    entry = AuditEntry.objects.get(action="masterplan.slot_reschedule_now")
    assert entry.object_id == str(slot.public_id)
    assert entry.data["reason"] == "Dimajukan"
    assert entry.data["worksheet"] == str(ws.public_id)
    services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="accepted")
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.REVIEWED


def test_another_mentor_cannot_reschedule_the_slot(in_clinic, make_user):
    _ws, slot = in_clinic
    with pytest.raises(PermissionDenied):
        services.slot_reschedule_now(actor=make_user("mentor", username="mentor_lain"), slot=slot)


def test_an_opd_user_cannot_reschedule_a_slot(in_clinic, opd_user):
    with pytest.raises(PermissionDenied):
        services.slot_reschedule_now(actor=opd_user, slot=in_clinic[1])


def test_endorsing_before_the_meeting_starts_is_refused(accepted, dewan_user):
    ws, meeting = accepted
    with pytest.raises(Conflict) as exc:
        services.worksheet_endorse(actor=dewan_user, worksheet=ws, meeting=meeting)
    assert exc.value.code == "meeting_not_started"
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.ACCEPTED


def test_endorsing_once_the_meeting_has_started_is_recorded(accepted, clock, dewan_user):
    ws, meeting = accepted
    clock.move_to(MEETING_AT + timedelta(minutes=45))
    services.worksheet_endorse(actor=dewan_user, worksheet=ws, meeting=meeting)
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.ENDORSED
    assert ws.endorsed_at == MEETING_AT + timedelta(minutes=45)


def test_minutes_before_the_meeting_starts_are_refused(accepted, bappeda_user):
    _ws, meeting = accepted
    with pytest.raises(Conflict) as exc:
        services.meeting_record(actor=bappeda_user, meeting=meeting, attendance=["Wali Kota"], decisions=[])
    assert exc.value.code == "meeting_not_started"
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_rescheduling_the_meeting_to_now_is_audited_and_unlocks_the_minutes(accepted, clock, bappeda_user):
    _ws, meeting = accepted
    now = SLOT_AT + timedelta(minutes=30)  # the `accepted` fixture's clock
    moved = services.meeting_reschedule_now(actor=bappeda_user, meeting=meeting, reason="Rapat dimajukan")
    assert moved.held_at == now
    entry = AuditEntry.objects.get(action="masterplan.meeting_reschedule_now")
    assert entry.data["reason"] == "Rapat dimajukan"
    held = services.meeting_record(actor=bappeda_user, meeting=moved, attendance=["Wali Kota"], decisions=[])
    assert held.status == "held"


def test_a_citizen_cannot_reschedule_a_meeting(accepted, citizen):
    with pytest.raises(PermissionDenied):
        services.meeting_reschedule_now(actor=citizen, meeting=accepted[1])


# --- Bappeda sends a worksheet back after the mentor's review -----


def test_bappeda_sends_a_reviewed_worksheet_back_to_the_opd(
    in_clinic, clock, mentor_user, bappeda_user, opd_user, django_capture_on_commit_callbacks
):
    ws, _slot = in_clinic
    clock.move_to(SLOT_AT)
    services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        services.worksheet_send_back(actor=bappeda_user, worksheet=ws, note="Anggaran belum selaras RKPD")
    ws.refresh_from_db()
    assert (ws.status, ws.version) == (WorksheetStatus.REVISION, 2)
    assert AuditEntry.objects.filter(action="masterplan.worksheet_send_back").exists()
    assert Notification.objects.filter(recipient=opd_user, kind="masterplan.revision").exists()
    services.worksheet_submit(actor=opd_user, worksheet=ws)  # the OPD revises and submits again


def test_bappeda_can_send_back_an_accepted_worksheet_before_the_dewan(accepted, bappeda_user):
    ws, _meeting = accepted
    services.worksheet_send_back(actor=bappeda_user, worksheet=ws, note="Perlu paparan ulang")
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.REVISION
    assert ws.accepted_at is None


def test_sending_back_a_worksheet_still_in_the_clinic_is_a_conflict(in_clinic, bappeda_user):
    with pytest.raises(Conflict) as exc:
        services.worksheet_send_back(actor=bappeda_user, worksheet=in_clinic[0], note="x")
    assert exc.value.code == "transition_not_allowed"


def test_sending_back_needs_a_reason(accepted, bappeda_user):
    with pytest.raises(ValidationFailed) as exc:
        services.worksheet_send_back(actor=bappeda_user, worksheet=accepted[0], note="  ")
    assert exc.value.code == "send_back_note_required"


def test_only_bappeda_sends_back(accepted, opd_user, mentor_user):
    for user in (opd_user, mentor_user):
        with pytest.raises(PermissionDenied):
            services.worksheet_send_back(actor=user, worksheet=accepted[0], note="x")


# --- API and pages -----


def test_api_verdict_before_the_slot_is_409_with_its_code(in_clinic, token_client, mentor_user):
    ws, _slot = in_clinic
    r = token_client(mentor_user).post(
        f"/api/v1/masterplan/worksheets/{ws.public_id}/verdict",
        data=json.dumps({"verdict": "accepted"}),
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "slot_not_started"


def test_api_reschedule_now_then_send_back(in_clinic, token_client, mentor_user, bappeda_user):
    ws, slot = in_clinic
    mentor = token_client(mentor_user)
    r = mentor.post(
        f"/api/v1/masterplan/slots/{slot.public_id}/reschedule-now",
        data=json.dumps({"reason": "Dimajukan"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert datetime.fromisoformat(r.json()["starts_at"]) == NOW
    mentor.post(
        f"/api/v1/masterplan/worksheets/{ws.public_id}/verdict",
        data=json.dumps({"verdict": "accepted"}),
        content_type="application/json",
    )
    r = token_client(bappeda_user).post(
        f"/api/v1/masterplan/worksheets/{ws.public_id}/send-back",
        data=json.dumps({"note": "Target belum terukur"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["status"] == "revision"


def test_api_meeting_reschedule_now(accepted, token_client, dewan_user):
    r = token_client(dewan_user).post(
        f"/api/v1/masterplan/meetings/{accepted[1].public_id}/reschedule-now",
        data="{}",
        content_type="application/json",
    )
    assert r.status_code == 200
    assert datetime.fromisoformat(r.json()["held_at"]) == SLOT_AT + timedelta(minutes=30)


def test_the_mentor_page_offers_reschedule_instead_of_a_verdict_before_the_slot(
    in_clinic, login_client, mentor_user
):
    page = login_client(mentor_user).get(f"/masterplan/kertas-kerja/{in_clinic[0].public_id}/")
    html = page.content.decode()
    assert 'id="do-slot-now"' in html
    assert 'id="do-review"' not in html


def test_the_page_button_sends_back(accepted, login_client, bappeda_user):
    ws, _meeting = accepted
    client = login_client(bappeda_user)
    assert 'id="do-send-back"' in client.get(f"/masterplan/kertas-kerja/{ws.public_id}/").content.decode()
    r = client.post(f"/masterplan/kertas-kerja/{ws.public_id}/send-back/", {"note": "Perbaiki"})
    assert r.status_code == 302
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.REVISION


def test_the_meeting_page_hides_endorse_and_minutes_before_the_meeting(accepted, login_client, dewan_user):
    ws, meeting = accepted
    html = login_client(dewan_user).get(f"/masterplan/dewan/{meeting.public_id}/").content.decode()
    assert 'id="do-meeting-now"' in html
    assert f'data-endorse="{ws.public_id}"' not in html
    assert 'id="do-notulen"' not in html
