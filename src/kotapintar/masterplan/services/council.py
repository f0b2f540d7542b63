"""The Dewan Smart City: council meetings, endorsement of accepted worksheets, minutes (notulen)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.masterplan.errors import MeetingInvalid, MeetingOtherPlan
from kotapintar.masterplan.models import CouncilMeeting, MeetingStatus, Plan, Worksheet, WorksheetStatus
from kotapintar.masterplan.selectors import meeting_notulen
from kotapintar.masterplan.services.review_flow import lock_for, opd_users, transition, worksheet_url
from kotapintar.masterplan.services.schedule import require_meeting_started


def meeting_create(
    *,
    actor: Actor,
    plan: Plan,
    title: str,
    held_at: datetime,
    location: str = "",
    agenda: list[str] | None = None,
) -> CouncilMeeting:
    require_role(actor, Role.BAPPEDA, Role.DEWAN)
    if not title.strip():
        raise MeetingInvalid()
    with transaction.atomic():
        meeting = CouncilMeeting.objects.create(
            plan=plan, title=title.strip(), held_at=held_at, location=location, agenda=list(agenda or [])
        )
        audit.record(
            action="masterplan.meeting_create", actor=actor, obj=meeting, data={"title": meeting.title}
        )
        notify(
            recipients=users_with_role(Role.DEWAN) + users_with_role(Role.BAPPEDA),
            message=str(_("Council meeting scheduled: %(title)s.") % {"title": meeting.title}),
            url=f"/masterplan/dewan/{meeting.public_id}/",
            kind="masterplan.meeting",
        )
    return meeting


def check_worksheet_endorse(*, actor: Actor, worksheet: Worksheet, meeting: CouncilMeeting) -> Worksheet:
    require_role(actor, Role.DEWAN)
    if meeting.plan_id != worksheet.plan_id:
        raise MeetingOtherPlan()
    ws = lock_for(worksheet, "endorse")
    require_meeting_started(meeting)
    return ws


def do_worksheet_endorse(
    *, actor: Actor, worksheet: Worksheet, meeting: CouncilMeeting, note: str = ""
) -> Worksheet:
    transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.ENDORSED,
        action="endorse",
        note=note or meeting.title,
        endorsed_at=timezone.now(),
        endorsed_meeting=meeting,
    )
    notify(
        recipients=opd_users(worksheet) + users_with_role(Role.BAPPEDA),
        message=str(_("The Dewan Smart City endorsed %(ws)s.") % {"ws": worksheet}),
        url=worksheet_url(worksheet),
        kind="masterplan.endorsed",
    )
    return worksheet


def worksheet_endorse(
    *, actor: Actor, worksheet: Worksheet, meeting: CouncilMeeting, note: str = ""
) -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_endorse(actor=actor, worksheet=worksheet, meeting=meeting)
        return do_worksheet_endorse(actor=actor, worksheet=ws, meeting=meeting, note=note)


def meeting_record(
    *,
    actor: Actor,
    meeting: CouncilMeeting,
    attendance: list[str],
    decisions: list[str],
    agenda: list[str] | None = None,
) -> CouncilMeeting:
    """Record attendance and decisions, mark the meeting held and generate its notulen; only once the
    meeting has started (`meeting_not_started` before)."""
    require_role(actor, Role.DEWAN, Role.BAPPEDA)
    with transaction.atomic():
        m = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        require_meeting_started(m)
        m.attendance = [a.strip() for a in attendance if a.strip()]
        m.decisions = [d.strip() for d in decisions if d.strip()]
        if agenda is not None:
            m.agenda = [a.strip() for a in agenda if a.strip()]
        m.status = MeetingStatus.HELD
        m.notulen = meeting_notulen(meeting=m)
        m.save()
        audit.record(
            action="masterplan.meeting_record",
            actor=actor,
            obj=m,
            data={"attendance": len(m.attendance), "decisions": len(m.decisions)},
        )
        notify(
            recipients=users_with_role(Role.BAPPEDA),
            message=str(_("The notulen of %(title)s are ready.") % {"title": m.title}),
            url=f"/masterplan/dewan/{m.public_id}/",
            kind="masterplan.notulen",
        )
    return m
