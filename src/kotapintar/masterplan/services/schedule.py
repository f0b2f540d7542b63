"""The workflow respects time: a clinic verdict needs its mentor slot to have started, a Dewan
endorsement and the minutes need their meeting to have started. Real life moves meetings: an
explicit, audited "rescheduled to now" moves a slot's or a meeting's start to this moment."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, require_role
from kotapintar.core.types import Actor
from kotapintar.masterplan.errors import MeetingNotStarted, SlotNotStarted
from kotapintar.masterplan.models import ClinicSession, CouncilMeeting, MentorSlot


def _local(when: datetime) -> str:
    return f"{timezone.localtime(when):%d-%m-%Y %H:%M}"


def require_slot_started(slot: MentorSlot, *, now: datetime | None = None) -> None:
    """`slot_not_started` (409) while the slot lies in the future."""
    now = now or timezone.now()
    if slot.starts_at > now:
        raise SlotNotStarted(
            _(
                "The clinic slot starts at %(when)s; the mentor's verdict can be recorded once it has "
                "started (or reschedule the slot to now)."
            )
            % {"when": _local(slot.starts_at)},
            detail={"starts_at": slot.starts_at.isoformat()},
        )


def require_meeting_started(meeting: CouncilMeeting, *, now: datetime | None = None) -> None:
    """`meeting_not_started` (409) while the council meeting lies in the future."""
    now = now or timezone.now()
    if meeting.held_at > now:
        raise MeetingNotStarted(
            _(
                "The council meeting “%(title)s” starts at %(when)s; endorsements and minutes wait until "
                "it has started (or reschedule it to now)."
            )
            % {"title": meeting.title, "when": _local(meeting.held_at)},
            detail={"held_at": meeting.held_at.isoformat()},
        )


def slot_reschedule_now(*, actor: Actor, slot: MentorSlot, reason: str = "") -> MentorSlot:
    """Move a slot that has not started to now, keeping its length (its mentor or Bappeda); audited."""
    user = require_role(actor, Role.MENTOR, Role.BAPPEDA)
    with transaction.atomic():
        s = MentorSlot.objects.select_for_update().get(pk=slot.pk)
        if s.mentor_id != user.pk and not has_role(user, Role.BAPPEDA):
            raise PermissionDenied()  # another mentor's slot
        now = timezone.now()
        if s.starts_at <= now:
            return s  # already started: nothing to move
        before = s.starts_at
        length = s.ends_at - s.starts_at
        s.starts_at, s.ends_at = now, now + length
        s.save(update_fields=["starts_at", "ends_at"])
        session = ClinicSession.objects.filter(slot=s).select_related("worksheet").first()
        audit.record(
            action="masterplan.slot_reschedule_now",
            actor=actor,
            obj=s,
            data={
                "from": before,
                "to": now,
                "reason": reason[:500],
                "worksheet": str(session.worksheet.public_id) if session else None,
            },
        )
    return s


def meeting_reschedule_now(*, actor: Actor, meeting: CouncilMeeting, reason: str = "") -> CouncilMeeting:
    """Move a council meeting that has not started to now (Bappeda or the Dewan); audited."""
    require_role(actor, Role.BAPPEDA, Role.DEWAN)
    with transaction.atomic():
        m = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        now = timezone.now()
        if m.held_at <= now:
            return m
        before = m.held_at
        m.held_at = now
        m.save(update_fields=["held_at"])
        audit.record(
            action="masterplan.meeting_reschedule_now",
            actor=actor,
            obj=m,
            data={"from": before, "to": now, "reason": reason[:500], "title": m.title},
        )
    return m
