"""Mentor clinics: mentors offer slots, an OPD books one for a submitted worksheet, the mentor
comments on its items and gives a verdict (revision or passed)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor, User
from kotapintar.masterplan.errors import (
    CommentEmpty,
    ItemUnknown,
    SlotInvalid,
    SlotOverlap,
    SlotTaken,
    VerdictInvalid,
)
from kotapintar.masterplan.models import (
    ClinicSession,
    ClinicVerdict,
    Indicator,
    MentorSlot,
    ReviewComment,
    Worksheet,
    WorksheetStatus,
)
from kotapintar.masterplan.services.review_flow import lock_for, opd_users, transition, worksheet_url
from kotapintar.masterplan.services.schedule import require_slot_started
from kotapintar.masterplan.services.worksheets import require_writer


def mentor_slot_create(
    *, actor: Actor, starts_at: datetime, ends_at: datetime, location: str = ""
) -> MentorSlot:
    """A clinic slot offered by the acting mentor."""
    mentor = require_role(actor, Role.MENTOR)
    if ends_at <= starts_at:
        raise SlotInvalid()
    with transaction.atomic():
        overlap = MentorSlot.objects.filter(
            mentor=mentor, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if overlap:
            raise SlotOverlap()
        slot = MentorSlot.objects.create(
            mentor=mentor, starts_at=starts_at, ends_at=ends_at, location=location
        )
        audit.record(
            action="masterplan.slot_create",
            actor=actor,
            obj=slot,
            data={"starts_at": starts_at, "mentor": mentor.pk},
        )
    return slot


def check_clinic_book(
    *, actor: Actor, worksheet: Worksheet, slot: MentorSlot
) -> tuple[User, Worksheet, MentorSlot]:
    """The booking user (a writer of the worksheet's OPD), the locked worksheet and the locked free slot."""
    user = require_writer(actor, worksheet.opd_id)
    ws = lock_for(worksheet, "book")
    locked_slot = MentorSlot.objects.select_for_update().select_related("mentor").get(pk=slot.pk)
    if ClinicSession.objects.filter(slot=locked_slot).exists():
        raise SlotTaken()
    return user, ws, locked_slot


def do_clinic_book(*, actor: User, worksheet: Worksheet, slot: MentorSlot) -> ClinicSession:
    session = ClinicSession.objects.create(worksheet=worksheet, slot=slot, booked_by=actor)
    transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.CLINIC,
        action="book",
        note=f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M} {slot.location}".strip(),
    )
    notify(
        recipients=[slot.mentor],
        message=str(
            _("Clinic booked: %(ws)s on %(when)s.")
            % {"ws": worksheet, "when": f"{timezone.localtime(slot.starts_at):%d-%m-%Y %H:%M}"}
        ),
        url=worksheet_url(worksheet),
        kind="masterplan.clinic",
    )
    return session


def clinic_book(*, actor: Actor, worksheet: Worksheet, slot: MentorSlot) -> ClinicSession:
    with transaction.atomic():
        user, ws, locked = check_clinic_book(actor=actor, worksheet=worksheet, slot=slot)
        return do_clinic_book(actor=user, worksheet=ws, slot=locked)


def _current_session(ws: Worksheet) -> ClinicSession | None:
    return (
        ws.clinics.filter(verdict=ClinicVerdict.PENDING)
        .select_related("slot")
        .order_by("-created_at")
        .first()
    )


def check_clinic_comment(*, actor: Actor, worksheet: Worksheet) -> tuple[User, Worksheet]:
    """The mentor and the locked worksheet, which must be in a clinic."""
    mentor = require_role(actor, Role.MENTOR)
    return mentor, lock_for(worksheet, "comment")


def clinic_comment(*, actor: Actor, worksheet: Worksheet, item: str, text: str) -> ReviewComment:
    text = text.strip()
    if not text:
        raise CommentEmpty()
    item = (item or "worksheet").strip()[:64]
    with transaction.atomic():
        mentor, ws = check_clinic_comment(actor=actor, worksheet=worksheet)
        valid_items = (
            {"worksheet"}
            | set(ws.programmes.values_list("code", flat=True))
            | set(Indicator.objects.filter(programme__worksheet=ws).values_list("code", flat=True))
        )
        if item not in valid_items:
            raise ItemUnknown(_("Unknown item: %(item)s") % {"item": item})
        comment = ReviewComment.objects.create(
            worksheet=ws, session=_current_session(ws), author=mentor, item=item, text=text
        )
        audit.record(
            action="masterplan.worksheet_comment",
            actor=actor,
            obj=ws,
            data={"item": item, "chars": len(text)},
        )
        notify(
            recipients=opd_users(ws),
            message=str(_("A mentor commented on %(ws)s.") % {"ws": ws}),
            url=worksheet_url(ws),
            kind="masterplan.comment",
        )
    return comment


def check_clinic_verdict(*, actor: Actor, worksheet: Worksheet, verdict: str) -> Worksheet:
    """The locked worksheet, in a clinic whose slot has started (`slot_not_started` before that)."""
    require_role(actor, Role.MENTOR)
    if verdict not in (ClinicVerdict.REVISION, ClinicVerdict.ACCEPTED):
        raise VerdictInvalid()
    ws = lock_for(worksheet, "revise" if verdict == ClinicVerdict.REVISION else "review")
    session = _current_session(ws)
    if session is not None:
        require_slot_started(session.slot)
    return ws


def do_clinic_verdict(*, actor: Actor, worksheet: Worksheet, verdict: str, summary: str = "") -> Worksheet:
    session = _current_session(worksheet)
    if session is not None:
        session.verdict = verdict
        session.summary = summary
        session.save(update_fields=["verdict", "summary"])
    if verdict == ClinicVerdict.REVISION:
        transition(
            worksheet,
            actor=actor,
            to=WorksheetStatus.REVISION,
            action="revise",
            note=summary,
            version=worksheet.version + 1,
        )
        notify(
            recipients=opd_users(worksheet),
            message=str(_("The mentor asked for a revision of %(ws)s.") % {"ws": worksheet}),
            url=worksheet_url(worksheet),
            kind="masterplan.revision",
        )
    else:
        transition(worksheet, actor=actor, to=WorksheetStatus.REVIEWED, action="review", note=summary)
        notify(
            recipients=users_with_role(Role.BAPPEDA),
            message=str(_("The mentor passed %(ws)s; Bappeda can accept it.") % {"ws": worksheet}),
            url=worksheet_url(worksheet),
            kind="masterplan.reviewed",
        )
    return worksheet


def clinic_verdict(*, actor: Actor, worksheet: Worksheet, verdict: str, summary: str = "") -> Worksheet:
    with transaction.atomic():
        ws = check_clinic_verdict(actor=actor, worksheet=worksheet, verdict=verdict)
        return do_clinic_verdict(actor=actor, worksheet=ws, verdict=verdict, summary=summary)
