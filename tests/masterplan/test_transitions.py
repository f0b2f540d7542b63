"""Each role on each transition of the review flow; out-of-order transitions are refused (409)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from kotapintar.core.errors import Conflict, NotAuthenticated, PermissionDenied
from kotapintar.core.models import AuditEntry, Notification
from kotapintar.masterplan import services
from kotapintar.masterplan.models import WorksheetStatus
from tests.masterplan.conftest import after

pytestmark = pytest.mark.django_db

ROLES = ["opd", "other_opd", "mentor", "bappeda", "dewan", "citizen", "admin"]
# transition -> (status it starts from, status it ends in, roles allowed)
TRANSITIONS = {
    "submit": ("draft", "submitted", {"opd", "bappeda", "admin"}),
    "book": ("submitted", "clinic", {"opd", "bappeda", "admin"}),
    "revise": ("clinic", "revision", {"mentor", "admin"}),
    "review": ("clinic", "reviewed", {"mentor", "admin"}),
    "accept": ("reviewed", "accepted", {"bappeda", "admin"}),
    "endorse": ("accepted", "endorsed", {"dewan", "admin"}),
}


def _do(action: str, user: Any, ws: Any, slot: Any, meeting: Any) -> Any:
    """The transition, at a moment its slot or meeting has started (test_schedule covers before)."""
    if action in ("revise", "review"):
        with after(slot.starts_at):
            return services.clinic_verdict(
                actor=user,
                worksheet=ws,
                verdict="revision" if action == "revise" else "accepted",
                summary="Perbaiki" if action == "revise" else "",
            )
    if action == "endorse":
        with after(meeting.held_at):
            return services.worksheet_endorse(actor=user, worksheet=ws, meeting=meeting)
    if action == "submit":
        return services.worksheet_submit(actor=user, worksheet=ws)
    if action == "book":
        return services.clinic_book(actor=user, worksheet=ws, slot=slot)
    return services.worksheet_accept(actor=user, worksheet=ws)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_role_on_transition(action, role, worksheet, walk, role_users, slot, meeting):
    start, end, allowed = TRANSITIONS[action]
    ws = walk(worksheet, start)
    user = role_users[role]
    if role in allowed:
        _do(action, user, ws, slot, meeting)
        ws.refresh_from_db()
        assert ws.status == end
        assert AuditEntry.objects.filter(
            action=f"masterplan.worksheet_{action}", object_id=str(ws.public_id)
        ).exists()
    else:
        with pytest.raises(PermissionDenied):
            _do(action, user, ws, slot, meeting)
        ws.refresh_from_db()
        assert ws.status == start


@pytest.mark.parametrize("role", ROLES)
def test_role_on_comment(role, worksheet, walk, role_users):
    ws = walk(worksheet, "clinic")
    user = role_users[role]
    if role in {"mentor", "admin"}:
        comment = services.clinic_comment(
            actor=user, worksheet=ws, item="P-01", text="Indikator kurang terukur"
        )
        assert comment.session is not None
    else:
        with pytest.raises(PermissionDenied):
            services.clinic_comment(actor=user, worksheet=ws, item="P-01", text="x")


def test_anonymous_cannot_submit(worksheet):
    with pytest.raises(NotAuthenticated):
        services.worksheet_submit(actor=AnonymousUser(), worksheet=worksheet)


def test_endorsing_a_draft_is_refused_with_a_clear_indonesian_message(worksheet, dewan_user, meeting):
    with translation.override("id"), pytest.raises(Conflict) as exc:
        services.worksheet_endorse(actor=dewan_user, worksheet=worksheet, meeting=meeting)
    assert exc.value.status == 409
    assert exc.value.code == "transition_not_allowed"
    assert "Draf" in str(exc.value.message) and "disahkan" in str(exc.value.message)
    worksheet.refresh_from_db()
    assert worksheet.status == WorksheetStatus.DRAFT


def test_out_of_order_message_in_english(worksheet, bappeda_user):
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.worksheet_accept(actor=bappeda_user, worksheet=worksheet)
    assert str(exc.value.message) == "This worksheet is “Draft”; it cannot be accepted now."


@pytest.mark.parametrize(
    "status,action",
    [
        ("draft", "book"),
        ("draft", "review"),
        ("submitted", "accept"),
        ("clinic", "endorse"),
        ("endorsed", "submit"),
    ],
)
def test_out_of_order_transitions_are_conflicts(status, action, worksheet, walk, role_users, slot, meeting):
    ws = walk(worksheet, status)
    with pytest.raises(Conflict):
        _do(action, role_users["admin"], ws, slot, meeting)


def test_booked_slot_cannot_be_booked_twice(plan, worksheet, walk, slot, opd_user, other_opd_user, other_opd):
    from kotapintar.masterplan.models import Element
    from tests.masterplan.factories import programme_payload

    walk(worksheet, "clinic")
    ws2 = services.worksheet_create(
        actor=other_opd_user, plan=plan, opd=other_opd, element=Element.objects.get(code="ENV-2")
    )
    services.programme_save(actor=other_opd_user, worksheet=ws2, data=programme_payload("P-02", lead="dlh"))
    services.worksheet_submit(actor=other_opd_user, worksheet=ws2)
    with pytest.raises(Conflict):
        services.clinic_book(actor=other_opd_user, worksheet=ws2, slot=slot)


def test_each_transition_notifies_the_next_actor(
    worksheet, walk, mentor_user, bappeda_user, dewan_user, opd_user, django_capture_on_commit_callbacks
):
    expected = [
        ("submitted", mentor_user, "masterplan.submitted"),
        ("clinic", mentor_user, "masterplan.clinic"),
        ("reviewed", bappeda_user, "masterplan.reviewed"),
        ("accepted", dewan_user, "masterplan.accepted"),
        ("endorsed", opd_user, "masterplan.endorsed"),
    ]
    for status, recipient, kind in expected:
        with django_capture_on_commit_callbacks(execute=True):
            walk(worksheet, status)
        assert Notification.objects.filter(recipient=recipient, kind=kind).exists(), status


def test_revision_goes_back_to_the_opd_and_can_be_resubmitted(
    worksheet, walk, opd_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ws = walk(worksheet, "revision")
    assert Notification.objects.filter(recipient=opd_user, kind="masterplan.revision").exists()
    assert ws.version == 2
    services.worksheet_submit(actor=opd_user, worksheet=ws)
    ws.refresh_from_db()
    assert ws.status == WorksheetStatus.SUBMITTED


def test_opd_cannot_edit_another_opds_worksheet(worksheet, other_opd_user):
    with pytest.raises(PermissionDenied):
        services.worksheet_update(actor=other_opd_user, worksheet=worksheet, problem="x", goal="y")


def test_submitted_worksheet_is_locked_for_editing(worksheet, walk, opd_user):
    ws = walk(worksheet, "submitted")
    with pytest.raises(Conflict):
        services.worksheet_update(actor=opd_user, worksheet=ws, problem="x", goal="y")
