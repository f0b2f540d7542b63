"""Writes of the master plan workspace.

Every write runs in `transaction.atomic()`, is audited (`core.audit.record`) and, for review-flow
transitions, notifies the next actor. Authorisation follows the check_/do_ split: `check_<action>`
validates, authorises and returns locked rows; `do_<action>` mutates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import DomainError, ValidationFailed
from kotapintar.core.models import OPD, City, Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import check_opd_access, has_role, is_signed_in, require_login, require_role
from kotapintar.masterplan import reference
from kotapintar.masterplan.errors import (
    AggregationInvalid,
    CommentEmpty,
    DimensionNotFound,
    ElementExists,
    ElementInvalid,
    HorizonInvalid,
    ItemUnknown,
    MeetingInvalid,
    MeetingOtherPlan,
    NotMentor,
    NotWriter,
    PeriodInvalid,
    ProgrammeCodeTaken,
    ProgrammeInvalid,
    ScoreInvalid,
    ScoresInvalid,
    SlotInvalid,
    SlotOverlap,
    SlotTaken,
    StatusInvalid,
    TargetNotFound,
    TemplateNotFound,
    TransitionNotAllowed,
    VerdictInvalid,
    WeightInvalid,
    WeightsInvalid,
    WeightsTotal,
    WorksheetEmpty,
    WorksheetExists,
    WorksheetLocked,
    YearInvalid,
)
from kotapintar.masterplan.models import (
    Activity,
    BudgetLine,
    Chapter,
    ChapterTemplate,
    ClinicSession,
    ClinicVerdict,
    CouncilMeeting,
    Deliverable,
    DeliverableStatus,
    Dimension,
    Direction,
    Element,
    Evaluation,
    FundingSource,
    Horizon,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    MeetingStatus,
    MentorSlot,
    Plan,
    Programme,
    ReadinessAspect,
    ReadinessScore,
    ReviewComment,
    Stage,
    StageStatus,
    StageTemplate,
    WeightSet,
    Worksheet,
    WorksheetEvent,
    WorksheetStatus,
)

EDITABLE = frozenset({WorksheetStatus.DRAFT, WorksheetStatus.REVISION})
DONE_WORKSHEET = frozenset({WorksheetStatus.ACCEPTED, WorksheetStatus.ENDORSED})


# --- Reference data -----


def reference_ensure() -> int:
    """Load the taxonomy, templates, readiness aspects and weight sets if absent (idempotent)."""
    created = 0
    with transaction.atomic():
        for order, (code, name_id, name_en, elements) in enumerate(reference.DIMENSIONS, start=1):
            dim, was = Dimension.objects.get_or_create(
                code=code, defaults={"name_id": name_id, "name_en": name_en, "order": order}
            )
            created += int(was)
            for e_order, (e_code, e_id, e_en) in enumerate(elements, start=1):
                created += int(
                    Element.objects.get_or_create(
                        code=e_code,
                        defaults={"dimension": dim, "name_id": e_id, "name_en": e_en, "order": e_order},
                    )[1]
                )
        tpl = reference.CHAPTER_TEMPLATE
        created += int(
            ChapterTemplate.objects.get_or_create(
                code=tpl["code"], defaults={"name": tpl["name"], "items": tpl["items"]}
            )[1]
        )
        stpl = reference.STAGE_TEMPLATE
        created += int(
            StageTemplate.objects.get_or_create(
                code=stpl["code"], defaults={"name": stpl["name"], "stages": stpl["stages"]}
            )[1]
        )
        for order, (code, name_id, name_en, scope_id, scope_en) in enumerate(
            reference.READINESS_ASPECTS, start=1
        ):
            created += int(
                ReadinessAspect.objects.get_or_create(
                    code=code,
                    defaults={
                        "name_id": name_id,
                        "name_en": name_en,
                        "scope_id": scope_id,
                        "scope_en": scope_en,
                        "order": order,
                    },
                )[1]
            )
        for ws in reference.WEIGHT_SETS:
            created += int(
                WeightSet.objects.get_or_create(
                    code=ws["code"], defaults={k: v for k, v in ws.items() if k != "code"}
                )[1]
            )
        if created:
            audit.record(action="masterplan.reference_load", data={"created": created})
    return created


def element_create_local(
    *, actor: Any, city: City, dimension_code: str, code: str, name_id: str, name_en: str
) -> Element:
    """A city's own element under a dimension (e.g. drainage and disaster under Smart Living)."""
    require_role(actor, Role.BAPPEDA)
    dim = Dimension.objects.filter(code=dimension_code).first()
    if dim is None:
        raise DimensionNotFound()
    code = code.strip().upper()
    if not code or not name_id.strip():
        raise ElementInvalid()
    if Element.objects.filter(code=code).exists():
        raise ElementExists()
    with transaction.atomic():
        order = dim.elements.count() + 1
        el = Element.objects.create(
            dimension=dim,
            code=code,
            name_id=name_id.strip(),
            name_en=name_en.strip() or name_id.strip(),
            order=order,
            city=city,
            is_local=True,
        )
        audit.record(action="masterplan.element_create", actor=actor, obj=el, data={"code": code})
    return el


# --- Plans, chapters, stages -----


def plan_create(
    *,
    actor: Any,
    city: City,
    title: str,
    start_year: int,
    end_year: int,
    city_vision: str = "",
    vision: str = "",
    missions: list[str] | None = None,
    rpjmd_goals: list[dict[str, str]] | None = None,
    horizon_years: dict[str, int] | None = None,
    chapter_template: str = reference.CHAPTER_TEMPLATE["code"],
    stage_template: str = reference.STAGE_TEMPLATE["code"],
) -> Plan:
    if actor is not None:
        require_role(actor, Role.BAPPEDA)
    if not (2000 <= start_year <= end_year <= 2100) or end_year - start_year > 25:
        raise PeriodInvalid()
    reference_ensure()
    ctpl = ChapterTemplate.objects.filter(code=chapter_template).first()
    stpl = StageTemplate.objects.filter(code=stage_template).first()
    if ctpl is None or stpl is None:
        raise TemplateNotFound()
    horizons = dict(reference.DEFAULT_HORIZON_YEARS)
    horizons.update(horizon_years or {})
    with transaction.atomic():
        plan = Plan.objects.create(
            city=city,
            title=title,
            start_year=start_year,
            end_year=end_year,
            city_vision=city_vision,
            vision=vision,
            missions=list(missions or []),
            rpjmd_goals=list(rpjmd_goals or []),
            horizon_years=horizons,
            progress_weights=dict(reference.DEFAULT_PROGRESS_WEIGHTS),
        )
        for order, item in enumerate(ctpl.items, start=1):
            Chapter.objects.create(
                plan=plan,
                key=item["key"],
                book=item.get("book", ""),
                order=order,
                title_id=item["title_id"],
                title_en=item["title_en"],
            )
        for s_order, st in enumerate(stpl.stages, start=1):
            stage = Stage.objects.create(
                plan=plan,
                code=st["code"],
                order=s_order,
                name_id=st["name_id"],
                name_en=st["name_en"],
                output_id=st.get("output_id", ""),
                output_en=st.get("output_en", ""),
            )
            for d_order, d in enumerate(st.get("deliverables", []), start=1):
                Deliverable.objects.create(
                    stage=stage,
                    code=d["code"],
                    order=d_order,
                    name_id=d["name_id"],
                    name_en=d["name_en"],
                    weight=int(d.get("weight", 1)),
                )
        audit.record(
            action="masterplan.plan_create",
            actor=actor,
            obj=plan,
            data={"title": title, "period": [start_year, end_year]},
        )
    return plan


PLAN_FIELDS = frozenset({"title", "city_vision", "vision", "missions", "rpjmd_goals", "horizon_years"})


def plan_update(*, actor: Any, plan: Plan, **fields: Any) -> Plan:
    require_role(actor, Role.BAPPEDA)
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise ValidationFailed(detail={"fields": sorted(unknown)})
    horizons = fields.get("horizon_years")
    if horizons is not None:
        valid = {h.value for h in Horizon}
        if set(horizons) - valid or any(not isinstance(v, int) or not 0 < v <= 30 for v in horizons.values()):
            raise HorizonInvalid()
        fields["horizon_years"] = {**plan.horizon_years, **horizons}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(plan, key, value)
        plan.save()
        audit.record(action="masterplan.plan_update", actor=actor, obj=plan, data={"fields": sorted(fields)})
    return plan


def chapter_update(*, actor: Any, chapter: Chapter, body: str) -> Chapter:
    require_role(actor, Role.BAPPEDA)
    with transaction.atomic():
        chapter.body = body
        chapter.save(update_fields=["body", "updated_at"])
        audit.record(
            action="masterplan.chapter_update",
            actor=actor,
            obj=chapter,
            data={"key": chapter.key, "chars": len(body)},
        )
    return chapter


def stage_update(
    *,
    actor: Any,
    stage: Stage,
    status: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    venue: str | None = None,
    notes: str | None = None,
) -> Stage:
    require_role(actor, Role.BAPPEDA)
    if status is not None and status not in StageStatus.values:
        raise StatusInvalid()
    with transaction.atomic():
        if status is not None:
            stage.status = status
        if start_date is not None:
            stage.start_date = start_date
        if end_date is not None:
            stage.end_date = end_date
        if venue is not None:
            stage.venue = venue
        if notes is not None:
            stage.notes = notes
        stage.save()
        audit.record(action="masterplan.stage_update", actor=actor, obj=stage, data={"status": stage.status})
    return stage


def deliverable_update(
    *,
    actor: Any,
    deliverable: Deliverable,
    status: str | None = None,
    owner_opd: OPD | None = None,
    owner_label: str | None = None,
    due_date: date | None = None,
    weight: int | None = None,
) -> Deliverable:
    require_role(actor, Role.BAPPEDA)
    if status is not None and status not in DeliverableStatus.values:
        raise StatusInvalid()
    if weight is not None and not 0 <= weight <= 1000:
        raise WeightInvalid()
    with transaction.atomic():
        d = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if status is not None and status != d.status:
            d.status = status
            d.done_at = timezone.now() if status == DeliverableStatus.DONE else None
        if owner_opd is not None:
            d.owner_opd = owner_opd
        if owner_label is not None:
            d.owner_label = owner_label
        if due_date is not None:
            d.due_date = due_date
        if weight is not None:
            d.weight = weight
        d.save()
        audit.record(
            action="masterplan.deliverable_update",
            actor=actor,
            obj=d,
            data={"code": d.code, "status": d.status, "weight": d.weight},
        )
    return d


# --- Worksheets and their content -----


def _require_writer(actor: Any, opd_id: int) -> None:
    require_login(actor)
    if not has_role(actor, Role.OPD, Role.BAPPEDA):
        raise NotWriter()
    check_opd_access(actor, opd_id)


def worksheet_create(
    *, actor: Any, plan: Plan, opd: OPD, element: Element, problem: str = "", goal: str = ""
) -> Worksheet:
    if actor is not None:
        _require_writer(actor, opd.pk)
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


def _lock_editable(actor: Any, worksheet: Worksheet) -> Worksheet:
    if actor is not None:
        _require_writer(actor, worksheet.opd_id)
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


def worksheet_update(*, actor: Any, worksheet: Worksheet, problem: str, goal: str) -> Worksheet:
    with transaction.atomic():
        ws = _lock_editable(actor, worksheet)
        ws.problem = problem
        ws.goal = goal
        ws.save(update_fields=["problem", "goal", "updated_at"])
        audit.record(
            action="masterplan.worksheet_update", actor=actor, obj=ws, data={"fields": ["problem", "goal"]}
        )
    return ws


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or abs(d) >= Decimal("1e14"):
        return None
    return d.quantize(Decimal("0.01"))


def programme_validate(
    *, plan: Plan, data: dict[str, Any], opd_codes: set[str] | None = None
) -> list[FieldError]:
    """Every problem of a programme payload (see `programme_save`), as translated field errors."""
    errors: list[FieldError] = []
    codes = opd_codes if opd_codes is not None else set(OPD.objects.values_list("code", flat=True))
    years = set(plan.years)

    def err(field: str, message: Any) -> None:
        errors.append(FieldError(field, str(message)))

    if not str(data.get("code", "")).strip():
        err("code", _("A programme needs a code."))
    if not str(data.get("name_id", "")).strip():
        err("name_id", _("A programme needs a name."))
    if data.get("horizon") not in Horizon.values:
        err("horizon", _("Unknown horizon."))
    if data.get("lead_opd") not in codes:
        err("lead_opd", _("Unknown OPD code: %(code)s") % {"code": data.get("lead_opd")})
    for code in data.get("supporting_opds", []):
        if code not in codes:
            err("supporting_opds", _("Unknown OPD code: %(code)s") % {"code": code})
    sy, ey = data.get("start_year"), data.get("end_year")
    if not isinstance(sy, int) or not isinstance(ey, int) or sy not in years or ey not in years or sy > ey:
        err(
            "start_year",
            _("The years must lie within the plan period %(start)s–%(end)s.")
            % {"start": plan.start_year, "end": plan.end_year},
        )
    goals = {g.get("code") for g in plan.rpjmd_goals}
    if data.get("rpjmd_goal") and data["rpjmd_goal"] not in goals:
        err("rpjmd_goal", _("Unknown RPJMD goal: %(code)s") % {"code": data["rpjmd_goal"]})
    for i, b in enumerate(data.get("budget", [])):
        if b.get("source") not in FundingSource.values:
            err(f"budget[{i}].source", _("Unknown funding source."))
        amount = b.get("amount_idr")
        if not isinstance(amount, int) or isinstance(amount, bool):
            err(f"budget[{i}].amount_idr", _("The budget must be a whole number of rupiah."))
        elif amount < 0:
            err(f"budget[{i}].amount_idr", _("The budget cannot be negative."))
        elif amount > 10**15:
            err(f"budget[{i}].amount_idr", _("The budget is too large."))
        if b.get("year") not in years:
            err(
                f"budget[{i}].year",
                _("The year %(year)s is outside the plan period.") % {"year": b.get("year")},
            )
    seen_ind: set[str] = set()
    for i, ind in enumerate(data.get("indicators", [])):
        code = str(ind.get("code", "")).strip()
        if not code:
            err(f"indicators[{i}].code", _("An indicator needs a code."))
        elif code in seen_ind:
            err(f"indicators[{i}].code", _("Duplicate indicator code: %(code)s") % {"code": code})
        seen_ind.add(code)
        if ind.get("kind") not in IndicatorKind.values:
            err(f"indicators[{i}].kind", _("The kind must be output or outcome."))
        if not str(ind.get("name", "")).strip():
            err(f"indicators[{i}].name", _("An indicator needs a name."))
        if ind.get("direction", Direction.HIGHER) not in Direction.values:
            err(f"indicators[{i}].direction", _("Unknown direction."))
        if _decimal(ind.get("baseline")) is None:
            err(f"indicators[{i}].baseline", _("The baseline must be a number."))
        by = ind.get("baseline_year")
        if not isinstance(by, int) or not plan.start_year - 10 <= by <= plan.end_year:
            err(f"indicators[{i}].baseline_year", _("The baseline year is not valid."))
        for j, t in enumerate(ind.get("targets", [])):
            if t.get("year") not in years:
                err(
                    f"indicators[{i}].targets[{j}].year",
                    _("The year %(year)s is outside the plan period.") % {"year": t.get("year")},
                )
            if _decimal(t.get("target")) is None:
                err(f"indicators[{i}].targets[{j}].target", _("The target must be a number."))
            if t.get("realisation") is not None and _decimal(t.get("realisation")) is None:
                err(f"indicators[{i}].targets[{j}].realisation", _("The realisation must be a number."))
    return errors


def _do_programme_save(*, worksheet: Worksheet, data: dict[str, Any], order: int | None = None) -> Programme:
    opds = {o.code: o for o in OPD.objects.all()}
    plan = worksheet.plan
    prog = Programme.objects.filter(plan=plan, code=data["code"]).first()
    if prog is not None and prog.worksheet_id != worksheet.pk:
        raise ProgrammeCodeTaken(
            _("The programme code %(code)s is already used in another worksheet.") % {"code": data["code"]}
        )
    fields = {
        "name_id": data["name_id"].strip(),
        "name_en": str(data.get("name_en", "")).strip(),
        "description": str(data.get("description", "")),
        "horizon": data["horizon"],
        "is_quick_win": bool(data.get("is_quick_win", False)),
        "lead_opd": opds[data["lead_opd"]],
        "rpjmd_goal": str(data.get("rpjmd_goal", "") or ""),
        "start_year": data["start_year"],
        "end_year": data["end_year"],
        "module_url": str(data.get("module_url", "") or ""),
    }
    if order is not None:
        fields["order"] = order
    if prog is None:
        prog = Programme.objects.create(plan=plan, worksheet=worksheet, code=data["code"], **fields)
    else:
        for k, v in fields.items():
            setattr(prog, k, v)
        prog.save()
    prog.supporting_opds.set([opds[c] for c in data.get("supporting_opds", [])])
    prog.activities.all().delete()
    Activity.objects.bulk_create(
        [
            Activity(programme=prog, order=i, name=str(n))
            for i, n in enumerate(data.get("activities", []), start=1)
        ]
    )
    prog.budget_lines.all().delete()
    totals: dict[tuple[int, str], int] = {}
    for b in data.get("budget", []):
        key = (b["year"], b["source"])
        totals[key] = totals.get(key, 0) + b["amount_idr"]
    BudgetLine.objects.bulk_create(
        [BudgetLine(programme=prog, year=y, source=s, amount_idr=a) for (y, s), a in sorted(totals.items())]
    )
    keep: list[str] = []
    for ind in data.get("indicators", []):
        code = str(ind["code"]).strip()
        keep.append(code)
        values = {
            "kind": ind["kind"],
            "name": str(ind["name"]).strip(),
            "unit": str(ind.get("unit", "") or ""),
            "direction": ind.get("direction", Direction.HIGHER),
            "baseline": _decimal(ind["baseline"]),
            "baseline_year": ind["baseline_year"],
        }
        indicator, _created = Indicator.objects.update_or_create(programme=prog, code=code, defaults=values)
        indicator.targets.all().delete()
        IndicatorTarget.objects.bulk_create(
            [
                IndicatorTarget(
                    indicator=indicator,
                    year=t["year"],
                    target=_decimal(t["target"]) or Decimal(0),
                    realisation=_decimal(t["realisation"]) if t.get("realisation") is not None else None,
                )
                for t in sorted(ind.get("targets", []), key=lambda t: t["year"])
            ]
        )
    prog.indicators.exclude(code__in=keep).delete()
    return prog


def programme_save(*, actor: Any, worksheet: Worksheet, data: dict[str, Any]) -> Programme:
    """Create or replace a programme (by code) with its activities, budget and indicators.

    `data`: code, name_id, name_en, description, horizon, is_quick_win, lead_opd (code),
    supporting_opds (codes), rpjmd_goal, start_year, end_year, module_url, activities [str],
    budget [{year, source, amount_idr}], indicators [{code, kind, name, unit, direction, baseline,
    baseline_year, targets [{year, target, realisation}]}].
    """
    problems = programme_validate(plan=worksheet.plan, data=data)
    if problems:
        raise ProgrammeInvalid(detail=[{"field": e.field, "message": e.message} for e in problems])
    with transaction.atomic():
        ws = _lock_editable(actor, worksheet)
        prog = _do_programme_save(worksheet=ws, data=data)
        ws.save(update_fields=["updated_at"])
        audit.record(
            action="masterplan.programme_save",
            actor=actor,
            obj=prog,
            data={"code": prog.code, "worksheet": str(ws.public_id)},
        )
    return prog


def programme_delete(*, actor: Any, programme: Programme) -> None:
    with transaction.atomic():
        ws = _lock_editable(actor, programme.worksheet)
        code = programme.code
        programme.delete()
        audit.record(action="masterplan.programme_delete", actor=actor, obj=ws, data={"code": code})


def realisation_record(*, actor: Any, indicator: Indicator, year: int, value: Decimal) -> IndicatorTarget:
    """Monitoring after adoption: the yearly realisation of an indicator (its OPD or Bappeda)."""
    prog = indicator.programme
    require_login(actor)
    if not has_role(actor, Role.OPD, Role.BAPPEDA):
        raise NotWriter(_("Only OPD staff and Bappeda record realisations."))
    check_opd_access(actor, prog.worksheet.opd_id)
    with transaction.atomic():
        target = IndicatorTarget.objects.select_for_update().filter(indicator=indicator, year=year).first()
        if target is None:
            raise TargetNotFound(_("This indicator has no target for %(year)s.") % {"year": year})
        target.realisation = value
        target.save(update_fields=["realisation"])
        audit.record(
            action="masterplan.realisation_record",
            actor=actor,
            obj=indicator,
            data={"year": year, "value": str(value)},
        )
    return target


# --- Review flow -----

ACTION_LABELS = {
    "submit": _("submitted"),
    "book": _("booked for a clinic"),
    "comment": _("commented on"),
    "revise": _("sent back for revision"),
    "review": _("passed by the mentor"),
    "accept": _("accepted"),
    "endorse": _("endorsed"),
}

ALLOWED_FROM: dict[str, frozenset[str]] = {
    "submit": frozenset({WorksheetStatus.DRAFT, WorksheetStatus.REVISION}),
    "book": frozenset({WorksheetStatus.SUBMITTED}),
    "comment": frozenset({WorksheetStatus.CLINIC}),
    "revise": frozenset({WorksheetStatus.CLINIC}),
    "review": frozenset({WorksheetStatus.CLINIC}),
    "accept": frozenset({WorksheetStatus.REVIEWED}),
    "endorse": frozenset({WorksheetStatus.ACCEPTED}),
}


def _out_of_order(ws: Worksheet, action: str) -> DomainError:
    return TransitionNotAllowed(
        _("This worksheet is “%(status)s”; it cannot be %(action)s now.")
        % {"status": ws.get_status_display(), "action": ACTION_LABELS[action]},
        detail={"status": ws.status, "action": action, "allowed_from": sorted(ALLOWED_FROM[action])},
    )


def _lock_for(ws: Worksheet, action: str) -> Worksheet:
    locked = Worksheet.objects.select_for_update().select_related("opd", "element", "plan").get(pk=ws.pk)
    if locked.status not in ALLOWED_FROM[action]:
        raise _out_of_order(locked, action)
    return locked


def _transition(ws: Worksheet, *, actor: Any, to: str, action: str, note: str = "", **extra: Any) -> None:
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


def _ws_url(ws: Worksheet) -> str:
    return f"/masterplan/kertas-kerja/{ws.public_id}/"


def _opd_users(ws: Worksheet) -> list[Any]:
    return users_with_role(Role.OPD, opd_id=ws.opd_id)


# submit


def check_worksheet_submit(*, actor: Any, worksheet: Worksheet) -> Worksheet:
    _require_writer(actor, worksheet.opd_id)
    ws = _lock_for(worksheet, "submit")
    if not ws.programmes.exists():
        raise WorksheetEmpty()
    return ws


def do_worksheet_submit(*, actor: Any, worksheet: Worksheet) -> Worksheet:
    _transition(
        worksheet, actor=actor, to=WorksheetStatus.SUBMITTED, action="submit", submitted_at=timezone.now()
    )
    notify(
        recipients=users_with_role(Role.MENTOR) + users_with_role(Role.BAPPEDA),
        message=str(_("Worksheet %(ws)s was submitted and waits for a clinic.") % {"ws": worksheet}),
        url=_ws_url(worksheet),
        kind="masterplan.submitted",
    )
    return worksheet


def worksheet_submit(*, actor: Any, worksheet: Worksheet) -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_submit(actor=actor, worksheet=worksheet)
        return do_worksheet_submit(actor=actor, worksheet=ws)


# mentor slots and clinic booking


def mentor_slot_create(
    *, actor: Any, starts_at: datetime, ends_at: datetime, location: str = "", mentor: Any = None
) -> MentorSlot:
    require_role(actor, Role.MENTOR)
    owner = mentor or actor
    if not has_role(owner, Role.MENTOR):
        raise NotMentor()
    if ends_at <= starts_at:
        raise SlotInvalid()
    with transaction.atomic():
        overlap = MentorSlot.objects.filter(
            mentor=owner, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if overlap:
            raise SlotOverlap()
        slot = MentorSlot.objects.create(
            mentor=owner, starts_at=starts_at, ends_at=ends_at, location=location
        )
        audit.record(
            action="masterplan.slot_create",
            actor=actor,
            obj=slot,
            data={"starts_at": starts_at, "mentor": owner.pk},
        )
    return slot


def check_clinic_book(*, actor: Any, worksheet: Worksheet, slot: MentorSlot) -> tuple[Worksheet, MentorSlot]:
    _require_writer(actor, worksheet.opd_id)
    ws = _lock_for(worksheet, "book")
    locked_slot = MentorSlot.objects.select_for_update().select_related("mentor").get(pk=slot.pk)
    if ClinicSession.objects.filter(slot=locked_slot).exists():
        raise SlotTaken()
    return ws, locked_slot


def do_clinic_book(*, actor: Any, worksheet: Worksheet, slot: MentorSlot) -> ClinicSession:
    session = ClinicSession.objects.create(worksheet=worksheet, slot=slot, booked_by=actor)
    _transition(
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
        url=_ws_url(worksheet),
        kind="masterplan.clinic",
    )
    return session


def clinic_book(*, actor: Any, worksheet: Worksheet, slot: MentorSlot) -> ClinicSession:
    with transaction.atomic():
        ws, locked = check_clinic_book(actor=actor, worksheet=worksheet, slot=slot)
        return do_clinic_book(actor=actor, worksheet=ws, slot=locked)


def _current_session(ws: Worksheet) -> ClinicSession | None:
    return (
        ws.clinics.filter(verdict=ClinicVerdict.PENDING)
        .select_related("slot")
        .order_by("-created_at")
        .first()
    )


def check_clinic_comment(*, actor: Any, worksheet: Worksheet) -> Worksheet:
    require_role(actor, Role.MENTOR)
    return _lock_for(worksheet, "comment")


def clinic_comment(*, actor: Any, worksheet: Worksheet, item: str, text: str) -> ReviewComment:
    text = text.strip()
    if not text:
        raise CommentEmpty()
    item = (item or "worksheet").strip()[:64]
    with transaction.atomic():
        ws = check_clinic_comment(actor=actor, worksheet=worksheet)
        valid_items = (
            {"worksheet"}
            | set(ws.programmes.values_list("code", flat=True))
            | set(Indicator.objects.filter(programme__worksheet=ws).values_list("code", flat=True))
        )
        if item not in valid_items:
            raise ItemUnknown(_("Unknown item: %(item)s") % {"item": item})
        comment = ReviewComment.objects.create(
            worksheet=ws, session=_current_session(ws), author=actor, item=item, text=text
        )
        audit.record(
            action="masterplan.worksheet_comment",
            actor=actor,
            obj=ws,
            data={"item": item, "chars": len(text)},
        )
        notify(
            recipients=_opd_users(ws),
            message=str(_("A mentor commented on %(ws)s.") % {"ws": ws}),
            url=_ws_url(ws),
            kind="masterplan.comment",
        )
    return comment


def check_clinic_verdict(*, actor: Any, worksheet: Worksheet, verdict: str) -> Worksheet:
    require_role(actor, Role.MENTOR)
    if verdict not in (ClinicVerdict.REVISION, ClinicVerdict.ACCEPTED):
        raise VerdictInvalid()
    return _lock_for(worksheet, "revise" if verdict == ClinicVerdict.REVISION else "review")


def do_clinic_verdict(*, actor: Any, worksheet: Worksheet, verdict: str, summary: str = "") -> Worksheet:
    session = _current_session(worksheet)
    if session is not None:
        session.verdict = verdict
        session.summary = summary
        session.save(update_fields=["verdict", "summary"])
    if verdict == ClinicVerdict.REVISION:
        _transition(
            worksheet,
            actor=actor,
            to=WorksheetStatus.REVISION,
            action="revise",
            note=summary,
            version=worksheet.version + 1,
        )
        notify(
            recipients=_opd_users(worksheet),
            message=str(_("The mentor asked for a revision of %(ws)s.") % {"ws": worksheet}),
            url=_ws_url(worksheet),
            kind="masterplan.revision",
        )
    else:
        _transition(worksheet, actor=actor, to=WorksheetStatus.REVIEWED, action="review", note=summary)
        notify(
            recipients=users_with_role(Role.BAPPEDA),
            message=str(_("The mentor passed %(ws)s; Bappeda can accept it.") % {"ws": worksheet}),
            url=_ws_url(worksheet),
            kind="masterplan.reviewed",
        )
    return worksheet


def clinic_verdict(*, actor: Any, worksheet: Worksheet, verdict: str, summary: str = "") -> Worksheet:
    with transaction.atomic():
        ws = check_clinic_verdict(actor=actor, worksheet=worksheet, verdict=verdict)
        return do_clinic_verdict(actor=actor, worksheet=ws, verdict=verdict, summary=summary)


# Bappeda acceptance


def check_worksheet_accept(*, actor: Any, worksheet: Worksheet) -> Worksheet:
    require_role(actor, Role.BAPPEDA)
    return _lock_for(worksheet, "accept")


def do_worksheet_accept(*, actor: Any, worksheet: Worksheet, note: str = "") -> Worksheet:
    _transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.ACCEPTED,
        action="accept",
        note=note,
        accepted_at=timezone.now(),
    )
    notify(
        recipients=users_with_role(Role.DEWAN) + _opd_users(worksheet),
        message=str(_("Bappeda accepted %(ws)s; it goes to the Dewan Smart City.") % {"ws": worksheet}),
        url=_ws_url(worksheet),
        kind="masterplan.accepted",
    )
    return worksheet


def worksheet_accept(*, actor: Any, worksheet: Worksheet, note: str = "") -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_accept(actor=actor, worksheet=worksheet)
        return do_worksheet_accept(actor=actor, worksheet=ws, note=note)


# Council meetings and Dewan endorsement


def meeting_create(
    *,
    actor: Any,
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


def check_worksheet_endorse(*, actor: Any, worksheet: Worksheet, meeting: CouncilMeeting) -> Worksheet:
    require_role(actor, Role.DEWAN)
    if meeting.plan_id != worksheet.plan_id:
        raise MeetingOtherPlan()
    return _lock_for(worksheet, "endorse")


def do_worksheet_endorse(
    *, actor: Any, worksheet: Worksheet, meeting: CouncilMeeting, note: str = ""
) -> Worksheet:
    _transition(
        worksheet,
        actor=actor,
        to=WorksheetStatus.ENDORSED,
        action="endorse",
        note=note or meeting.title,
        endorsed_at=timezone.now(),
        endorsed_meeting=meeting,
    )
    notify(
        recipients=_opd_users(worksheet) + users_with_role(Role.BAPPEDA),
        message=str(_("The Dewan Smart City endorsed %(ws)s.") % {"ws": worksheet}),
        url=_ws_url(worksheet),
        kind="masterplan.endorsed",
    )
    return worksheet


def worksheet_endorse(
    *, actor: Any, worksheet: Worksheet, meeting: CouncilMeeting, note: str = ""
) -> Worksheet:
    with transaction.atomic():
        ws = check_worksheet_endorse(actor=actor, worksheet=worksheet, meeting=meeting)
        return do_worksheet_endorse(actor=actor, worksheet=ws, meeting=meeting, note=note)


def meeting_record(
    *,
    actor: Any,
    meeting: CouncilMeeting,
    attendance: list[str],
    decisions: list[str],
    agenda: list[str] | None = None,
) -> CouncilMeeting:
    """Record attendance and decisions, mark the meeting held and generate its notulen."""
    require_role(actor, Role.DEWAN, Role.BAPPEDA)
    from kotapintar.masterplan.selectors import meeting_notulen

    with transaction.atomic():
        m = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
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


# --- Readiness and evaluation -----


def readiness_set(
    *, actor: Any, plan: Plan, dimension: Dimension, aspect: ReadinessAspect, score: int, evidence: str = ""
) -> ReadinessScore:
    require_role(actor, Role.BAPPEDA)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ScoreInvalid()
    with transaction.atomic():
        row, _created = ReadinessScore.objects.update_or_create(
            plan=plan, dimension=dimension, aspect=aspect, defaults={"score": score, "evidence": evidence}
        )
        audit.record(
            action="masterplan.readiness_set",
            actor=actor,
            obj=plan,
            data={"dimension": dimension.code, "aspect": aspect.code, "score": score},
        )
    return row


def weight_set_create(
    *,
    actor: Any,
    code: str,
    name: str,
    weights: dict[str, int],
    aggregation: str = "weighted",
    source: str = "",
) -> WeightSet:
    """A new version of a weight set; old versions stay (evaluations keep the set they used)."""
    require_role(actor, Role.BAPPEDA)
    if set(weights) != set(reference.EVALUATION_CATEGORIES) or any(
        not isinstance(v, int) or v < 0 for v in weights.values()
    ):
        raise WeightsInvalid()
    if aggregation == "weighted" and sum(weights.values()) != 100:
        raise WeightsTotal()
    if aggregation not in ("weighted", "mean"):
        raise AggregationInvalid()
    with transaction.atomic():
        latest = WeightSet.objects.filter(code__startswith=code).count()
        ws = WeightSet.objects.create(
            code=f"{code}-v{latest + 1}" if latest else code,
            name=name,
            version=latest + 1,
            weights=weights,
            aggregation=aggregation,
            source=source,
        )
        audit.record(action="masterplan.weightset_create", actor=actor, obj=ws, data={"weights": weights})
    return ws


def evaluation_record(
    *, actor: Any, plan: Plan, year: int, weight_set: WeightSet, scores: dict[str, float], note: str = ""
) -> Evaluation:
    require_role(actor, Role.BAPPEDA)
    if set(scores) != set(reference.EVALUATION_CATEGORIES):
        raise ScoresInvalid()
    if any(not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 5 for v in scores.values()):
        raise ScoresInvalid(_("Scores lie between 0 and 5."))
    if not 2000 <= year <= 2100:
        raise YearInvalid()
    with transaction.atomic():
        ev, _created = Evaluation.objects.update_or_create(
            plan=plan,
            year=year,
            weight_set=weight_set,
            defaults={"scores": {k: float(v) for k, v in scores.items()}, "note": note},
        )
        audit.record(
            action="masterplan.evaluation_record",
            actor=actor,
            obj=plan,
            data={"year": year, "set": weight_set.code},
        )
    return ev
