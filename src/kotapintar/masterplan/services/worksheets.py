"""Worksheets (kertas kerja): who may write one, creating it and editing its problem and goal while it
is a draft or sent back for revision."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import OPD, Role
from kotapintar.core.permissions import check_opd_access, has_role, require_login
from kotapintar.core.types import Actor, User
from kotapintar.masterplan.errors import NotWriter, WorksheetExists, WorksheetLocked
from kotapintar.masterplan.models import Element, Plan, Worksheet, WorksheetStatus

EDITABLE = frozenset({WorksheetStatus.DRAFT, WorksheetStatus.REVISION})


def require_writer(actor: Actor, opd_id: int) -> User:
    """The signed-in OPD staff member of that OPD, or Bappeda; else 401/403."""
    user = require_login(actor)
    if not has_role(user, Role.OPD, Role.BAPPEDA):
        raise NotWriter()
    check_opd_access(user, opd_id)
    return user


def worksheet_create(
    *, actor: Actor, plan: Plan, opd: OPD, element: Element, problem: str = "", goal: str = ""
) -> Worksheet:
    if actor is not None:
        require_writer(actor, opd.pk)
    if Worksheet.objects.filter(plan=plan, opd=opd, element=element).exists():
        raise WorksheetExists()
    with transaction.atomic():
        ws = Worksheet.objects.create(plan=plan, opd=opd, element=element, problem=problem, goal=goal)
        audit.record(
            action="masterplan.worksheet_create",
            actor=actor,
            obj=ws,
            data={"opd": opd.code, "element": element.code},
        )
    return ws


def lock_editable(actor: Actor, worksheet: Worksheet) -> Worksheet:
    if actor is not None:
        require_writer(actor, worksheet.opd_id)
    ws = Worksheet.objects.select_for_update().get(pk=worksheet.pk)
    if ws.status not in EDITABLE:
        raise WorksheetLocked(
            _(
                "The worksheet is “%(status)s” and cannot be edited; "
                "only a draft or a worksheet sent back for revision can."
            )
            % {"status": ws.get_status_display()}
        )
    return ws


def worksheet_update(*, actor: Actor, worksheet: Worksheet, problem: str, goal: str) -> Worksheet:
    with transaction.atomic():
        ws = lock_editable(actor, worksheet)
        ws.problem = problem
        ws.goal = goal
        ws.save(update_fields=["problem", "goal", "updated_at"])
        audit.record(
            action="masterplan.worksheet_update", actor=actor, obj=ws, data={"fields": ["problem", "goal"]}
        )
    return ws
