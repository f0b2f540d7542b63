"""The review flow of a worksheet: its allowed transitions, each recorded as an event, audited and
notified; submission by the OPD and acceptance by Bappeda. Clinics and the council take the steps in
between (`clinics`, `council`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import DomainError
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor, User
from kotapintar.masterplan.errors import SendBackNoteRequired, TransitionNotAllowed, WorksheetEmpty
from kotapintar.masterplan.models import Worksheet, WorksheetEvent, WorksheetStatus
from kotapintar.masterplan.services.worksheets import require_writer

ACTION_LABELS = {
    "submit": _("submitted"),
    "book": _("booked for a clinic"),
    "comment": _("commented on"),
    "revise": _("sent back for revision"),
    "review": _("passed by the mentor"),
    "accept": _("accepted"),
    "endorse": _("endorsed"),
    "send_back": _("sent back to the OPD"),
}

ALLOWED_FROM: dict[str, frozenset[str]] = {
    "submit": frozenset({WorksheetStatus.DRAFT, WorksheetStatus.REVISION}),
    "book": frozenset({WorksheetStatus.SUBMITTED}),
    "comment": frozenset({WorksheetStatus.CLINIC}),
    "revise": frozenset({WorksheetStatus.CLINIC}),
    "review": frozenset({WorksheetStatus.CLINIC}),
    "accept": frozenset({WorksheetStatus.REVIEWED}),
    "endorse": frozenset({WorksheetStatus.ACCEPTED}),
    # Bappeda, after the mentor's review and before the Dewan's endorsement
    "send_back": frozenset({WorksheetStatus.REVIEWED, WorksheetStatus.ACCEPTED}),
}


def _out_of_order(ws: Worksheet, action: str) -> DomainError:
    return TransitionNotAllowed(
        _("This worksheet is “%(status)s”; it cannot be %(action)s now.")
        % {"status": ws.get_status_display(), "action": ACTION_LABELS[action]},
        detail={"status": ws.status, "action": action, "allowed_from": sorted(ALLOWED_FROM[action])},
    )


def lock_for(ws: Worksheet, action: str) -> Worksheet:
    locked = Worksheet.objects.select_for_update().select_related("opd", "element", "plan").get(pk=ws.pk)
    if locked.status not in ALLOWED_FROM[action]:
        raise _out_of_order(locked, action)
    return locked


def transition(ws: Worksheet, *, actor: Actor, to: str, action: str, note: str = "", **extra: Any) -> None:
    frm = ws.status
    now = timezone.now()
    ws.status = to
    fields = ["status", "updated_at"]
    for key, value in extra.items():
        setattr(ws, key, value)
        fields.append(key)
    ws.save(update_fields=fields)
    WorksheetEvent.objects.create(
        worksheet=ws,
        from_status=frm,
        to_status=to,
        actor=actor if is_signed_in(actor) else None,
        note=note,
        at=now,
    )
    audit.record(
        action=f"masterplan.worksheet_{action}",
        actor=actor,
        obj=ws,
        data={"from": frm, "to": to, "opd": ws.opd.code, "element": ws.element.code, "note": note[:500]},
    )


def worksheet_url(ws: Worksheet) -> str:
    return f"/masterplan/kertas-kerja/{ws.public_id}/"


def opd_users(ws: Worksheet) -> list[User]:
    return users_with_role(Role.OPD, opd_id=ws.opd_id)


# submit


def check_worksheet_submit(*, actor: Actor, worksheet: Worksheet) -> Worksheet:
    require_writer(actor, worksheet.opd_id)
    ws = lock_for(worksheet, "submit")
    if not ws.programmes.exists():
        raise WorksheetEmpty()
    return ws


def do_worksheet_submit(*, actor: Actor, worksheet: Worksheet) -> Worksheet:
    transition(
        worksheet, actor=actor, to=WorksheetStatus.SUBMITTED, action="submit", submitted_at=timezone.now()
    )
    notify(
        recipients=users_with_role(Role.MENTOR) + users_with_role(Role.BAPPEDA),
        message=str(_("Worksheet %(ws)s was submitted and waits for a clinic.") % {"ws": worksheet}),
        url=worksheet_url(worksheet),
        kind="masterplan.submitted",
    )
    return worksheet


def worksheet_submit(*, actor: Actor, worksheet: Worksheet) -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_submit(actor=actor, worksheet=worksheet)
        return do_worksheet_submit(actor=actor, worksheet=ws)


# Bappeda acceptance


def check_worksheet_accept(*, actor: Actor, worksheet: Worksheet) -> Worksheet:
    require_role(actor, Role.BAPPEDA)
    return lock_for(worksheet, "accept")


def do_worksheet_accept(*, actor: Actor, worksheet: Worksheet, note: str = "") -> Worksheet:
    transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.ACCEPTED,
        action="accept",
        note=note,
        accepted_at=timezone.now(),
    )
    notify(
        recipients=users_with_role(Role.DEWAN) + opd_users(worksheet),
        message=str(_("Bappeda accepted %(ws)s; it goes to the Dewan Smart City.") % {"ws": worksheet}),
        url=worksheet_url(worksheet),
        kind="masterplan.accepted",
    )
    return worksheet


def worksheet_accept(*, actor: Actor, worksheet: Worksheet, note: str = "") -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_accept(actor=actor, worksheet=worksheet)
        return do_worksheet_accept(actor=actor, worksheet=ws, note=note)


# Bappeda sends a worksheet back to the OPD (after the mentor's review, before the Dewan's endorsement)


def check_worksheet_send_back(*, actor: Actor, worksheet: Worksheet, note: str) -> Worksheet:
    require_role(actor, Role.BAPPEDA)
    if not note.strip():
        raise SendBackNoteRequired()
    return lock_for(worksheet, "send_back")


def do_worksheet_send_back(*, actor: Actor, worksheet: Worksheet, note: str) -> Worksheet:
    transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.REVISION,
        action="send_back",
        note=note.strip(),
        version=worksheet.version + 1,
        accepted_at=None,
    )
    notify(
        recipients=opd_users(worksheet),
        message=str(_("Bappeda sent %(ws)s back for revision: %(note)s") % {"ws": worksheet, "note": note}),
        url=worksheet_url(worksheet),
        kind="masterplan.revision",
    )
    return worksheet


def worksheet_send_back(*, actor: Actor, worksheet: Worksheet, note: str) -> Worksheet:
    """Back to the OPD for revision (status `revision`, a new version); the note says why."""
    with transaction.atomic():
        ws = check_worksheet_send_back(actor=actor, worksheet=worksheet, note=note)
        return do_worksheet_send_back(actor=actor, worksheet=ws, note=note)
