"""A worksheet's programmes with their activities, budget lines and indicators (validated as a whole,
then applied), and the yearly realisation of an indicator after adoption."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import OPD, Role
from kotapintar.core.permissions import check_opd_access, has_role, require_login
from kotapintar.core.types import Actor
from kotapintar.masterplan.errors import (
    BudgetLineNotFound,
    BudgetRealisedInvalid,
    NotWriter,
    ProgrammeCodeTaken,
    ProgrammeInvalid,
    TargetNotFound,
)
from kotapintar.masterplan.models import (
    Activity,
    BudgetLine,
    Direction,
    FundingSource,
    Horizon,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    Plan,
    Programme,
    Worksheet,
)
from kotapintar.masterplan.services.worksheets import lock_editable


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

    def err(field: str, message: str | Promise) -> None:
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


def programme_apply(*, worksheet: Worksheet, data: dict[str, Any], order: int | None = None) -> Programme:
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
    realised = {(b.year, b.source): b.realised_idr for b in prog.budget_lines.all()}  # kept on re-save
    prog.budget_lines.all().delete()
    totals: dict[tuple[int, str], int] = {}
    for b in data.get("budget", []):
        key = (b["year"], b["source"])
        totals[key] = totals.get(key, 0) + b["amount_idr"]
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(programme=prog, year=y, source=s, amount_idr=a, realised_idr=realised.get((y, s)))
            for (y, s), a in sorted(totals.items())
        ]
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


def programme_save(*, actor: Actor, worksheet: Worksheet, data: dict[str, Any]) -> Programme:
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
        ws = lock_editable(actor, worksheet)
        prog = programme_apply(worksheet=ws, data=data)
        ws.save(update_fields=["updated_at"])
        audit.record(
            action="masterplan.programme_save",
            actor=actor,
            obj=prog,
            data={"code": prog.code, "worksheet": str(ws.public_id)},
        )
    return prog


def programme_delete(*, actor: Actor, programme: Programme) -> None:
    with transaction.atomic():
        ws = lock_editable(actor, programme.worksheet)
        code = programme.code
        programme.delete()
        audit.record(action="masterplan.programme_delete", actor=actor, obj=ws, data={"code": code})


def realisation_record(*, actor: Actor, indicator: Indicator, year: int, value: Decimal) -> IndicatorTarget:
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


def budget_realised_record(
    *, actor: Actor, programme: Programme, year: int, source: str, realised_idr: object
) -> BudgetLine:
    """The budget actually spent on a programme's line (year, funding source), in whole rupiah; None
    clears it. Its OPD or Bappeda (or admin_kota) records it. Above the plan is allowed (an overrun is
    shown as such); negative, fractional or non-numeric amounts are refused."""
    require_login(actor)
    if not has_role(actor, Role.OPD, Role.BAPPEDA):
        raise NotWriter(_("Only the programme's OPD and Bappeda record budget realisation."))
    check_opd_access(actor, programme.worksheet.opd_id)
    if realised_idr is not None and (
        isinstance(realised_idr, bool) or not isinstance(realised_idr, int) or not 0 <= realised_idr < 10**15
    ):
        raise BudgetRealisedInvalid()
    with transaction.atomic():
        line = (
            BudgetLine.objects.select_for_update()
            .filter(programme=programme, year=year, source=source)
            .first()
        )
        if line is None:
            raise BudgetLineNotFound()
        line.realised_idr = realised_idr
        line.save(update_fields=["realised_idr"])
        audit.record(
            action="masterplan.budget_realised_record",
            actor=actor,
            obj=programme,
            data={
                "year": year,
                "source": source,
                "planned_idr": line.amount_idr,
                "realised_idr": realised_idr,
            },
        )
    return line
