"""Reads of the master plan workspace: plans, worksheets, progress with its breakdown, roadmap, budget,
monitoring, readiness, evaluation, quick wins with live figures from the modules that deliver them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeAlias, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kotapintar.core import localtime, metrics
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in, opd_scope, user_opd_id
from kotapintar.core.types import Actor
from kotapintar.masterplan import reference
from kotapintar.masterplan.errors import (
    ElementNotFound,
    MeetingNotFound,
    PlanMissing,
    PlanNotFound,
    ProgrammeNotFound,
    SlotNotFound,
    WorksheetNotFound,
)
from kotapintar.masterplan.models import (
    BudgetLine,
    CouncilMeeting,
    Deliverable,
    DeliverableStatus,
    Dimension,
    Direction,
    Element,
    Evaluation,
    FundingSource,
    Indicator,
    IndicatorTarget,
    MentorSlot,
    Plan,
    Programme,
    ReadinessAspect,
    ReadinessScore,
    Stage,
    StageStatus,
    WeightSet,
    Worksheet,
    WorksheetStatus,
)

DONE_WORKSHEET = (WorksheetStatus.ACCEPTED, WorksheetStatus.ENDORSED)
PUBLIC_WORKSHEET = DONE_WORKSHEET


class Everything:
    """The reader of a management command: an operator who holds the database anyway reads everything."""


EVERYTHING: Final = Everything()
Reader: TypeAlias = "Actor | Everything"


# --- Who reads what (the one place the rule lives) -----


def readable_filter(reader: Reader, prefix: str = "") -> Q:
    """The worksheets `reader` may read, as a filter on Worksheet (or on a model reaching it through
    `prefix`, e.g. "worksheet__" for programmes). A worksheet and everything under it (programmes,
    activities, budget lines, indicators, review comments, history) is public once accepted or
    endorsed; before that only Bappeda, the mentors, admin_kota and the users of the owner OPD read it.
    The Dewan endorses accepted worksheets, so it reads what the public reads (plus its own OPD's)."""
    if isinstance(reader, Everything) or has_role(reader, Role.BAPPEDA, Role.MENTOR):
        return Q()
    q = Q(**{f"{prefix}status__in": PUBLIC_WORKSHEET})
    own = user_opd_id(reader)
    if own is not None:
        q |= Q(**{f"{prefix}opd_id": own})
    return q


M = TypeVar("M", bound=Model)


def visible_to(reader: Reader, qs: QuerySet[M], prefix: str = "") -> QuerySet[M]:
    """`qs` narrowed to what `reader` may read (`prefix` leads from its model to the worksheet)."""
    return qs.filter(readable_filter(reader, prefix))


def worksheet_readable(reader: Reader, ws: Worksheet) -> bool:
    if isinstance(reader, Everything) or has_role(reader, Role.BAPPEDA, Role.MENTOR):
        return True
    return ws.status in PUBLIC_WORKSHEET or (ws.opd_id is not None and ws.opd_id == user_opd_id(reader))


def lang_en() -> bool:
    return (get_language() or "id").startswith("en")


def label(obj: Any, base: str = "name") -> str:
    """The `<base>_en` or `<base>_id` field, by the active language (falls back to Indonesian)."""
    if lang_en():
        return str(getattr(obj, f"{base}_en", "") or getattr(obj, f"{base}_id", ""))
    return str(getattr(obj, f"{base}_id", ""))


# --- Taxonomy and plans -----


def dimension_list() -> list[Dimension]:
    return list(
        Dimension.objects.prefetch_related(Prefetch("elements", Element.objects.order_by("order", "code")))
    )


def dimension_names() -> list[tuple[str, str, str]]:
    """(code, Indonesian name, English name) of the six smart-city dimensions: the city's taxonomy,
    or the ministry's reference before a taxonomy is loaded."""
    rows = [(d.code, d.name_id, d.name_en) for d in dimension_list()]
    if rows:
        return rows
    from kotapintar.masterplan.reference import DIMENSIONS

    return [(code, name_id, name_en) for code, name_id, name_en, _elements in DIMENSIONS]


def element_get(*, code: str) -> Element:
    el = Element.objects.select_related("dimension").filter(code=code).first()
    if el is None:
        raise ElementNotFound()
    return el


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("city").order_by("-start_year")


def plan_current() -> Plan:
    plan = Plan.objects.select_related("city").order_by("-start_year", "-pk").first()
    if plan is None:
        raise PlanMissing()
    return plan


def plan_current_or_none() -> Plan | None:
    return Plan.objects.select_related("city").order_by("-start_year", "-pk").first()


def plan_get(*, public_id: Any) -> Plan:
    try:
        plan = Plan.objects.select_related("city").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        plan = None
    if plan is None:
        raise PlanNotFound()
    return plan


def stage_list(*, plan: Plan) -> list[Stage]:
    """Stages with their deliverables; each stage carries `percent`, its weighted share done (the
    "% complete per book" of the Bimtek outputs)."""
    stages = list(
        Stage.objects.filter(plan=plan).prefetch_related(
            Prefetch("deliverables", Deliverable.objects.select_related("owner_opd").order_by("order"))
        )
    )
    for st in stages:
        items = list(st.deliverables.all())
        total = sum(d.weight for d in items)
        done = sum(d.weight for d in items if d.status == DeliverableStatus.DONE)
        st.percent = round(100 * done / total, 1) if total else 0.0
    return stages


def stage_next_deadline(*, plan: Plan, today: Any = None) -> Stage | None:
    """The stage not yet done whose end date comes first from `today` on (the next deadline)."""
    today = today or timezone.localdate()
    return (
        Stage.objects.filter(plan=plan, end_date__gte=today)
        .exclude(status=StageStatus.DONE)
        .order_by("end_date", "order")
        .first()
    )


# --- Worksheets -----


def worksheet_list(
    *,
    plan: Plan,
    reader: Reader,
    opd_code: str | None = None,
    status: str | None = None,
    mine: bool = False,
) -> QuerySet[Worksheet]:
    qs = visible_to(
        reader, Worksheet.objects.filter(plan=plan).select_related("opd", "element", "element__dimension")
    )
    if mine and not isinstance(reader, Everything):
        scope = opd_scope(reader)
        if scope is None:
            return qs.none()
        if scope is not True:
            qs = qs.filter(opd_id=scope)
    if opd_code:
        qs = qs.filter(opd__code=opd_code)
    if status:
        qs = qs.filter(status=status)
    return qs


def worksheet_get(*, public_id: Any, reader: Reader = EVERYTHING) -> Worksheet:
    """The worksheet; `worksheet_not_found` also when `reader` may not read it (its existence is not
    revealed). Write paths leave `reader` out: the service authorises the change."""
    try:
        ws = (
            Worksheet.objects.select_related(
                "opd", "element", "element__dimension", "plan", "endorsed_meeting"
            )
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError):
        ws = None
    if ws is None or not worksheet_readable(reader, ws):
        raise WorksheetNotFound()
    return ws


def worksheet_programmes(*, worksheet: Worksheet) -> list[Programme]:
    return list(
        worksheet.programmes.select_related("lead_opd")
        .prefetch_related("supporting_opds", "activities", "budget_lines", "indicators__targets")
        .order_by("order", "code")
    )


def can_edit_worksheet(user: Actor, ws: Worksheet) -> bool:
    from kotapintar.core.permissions import can_access_opd

    return (
        ws.status in (WorksheetStatus.DRAFT, WorksheetStatus.REVISION)
        and has_role(user, Role.OPD, Role.BAPPEDA)
        and can_access_opd(user, ws.opd_id)
    )


def worksheet_actions(user: Actor, ws: Worksheet) -> list[str]:
    """The review-flow actions this user may take on the worksheet now."""
    from kotapintar.core.permissions import can_access_opd

    if not is_signed_in(user):
        return []
    actions: list[str] = []
    writer = has_role(user, Role.OPD, Role.BAPPEDA) and can_access_opd(user, ws.opd_id)
    if writer and ws.status in (WorksheetStatus.DRAFT, WorksheetStatus.REVISION):
        actions.append("submit")
    if writer and ws.status == WorksheetStatus.SUBMITTED:
        actions.append("book")
    if has_role(user, Role.MENTOR) and ws.status == WorksheetStatus.CLINIC:
        actions += ["comment", "revise", "review"]
    if has_role(user, Role.BAPPEDA) and ws.status == WorksheetStatus.REVIEWED:
        actions.append("accept")
    if has_role(user, Role.BAPPEDA) and ws.status in (WorksheetStatus.REVIEWED, WorksheetStatus.ACCEPTED):
        actions.append("send_back")
    if has_role(user, Role.DEWAN) and ws.status == WorksheetStatus.ACCEPTED:
        actions.append("endorse")
    return actions


def programme_fields(p: Programme) -> dict[str, Any]:
    """A programme's own fields as the API and the worksheet snapshot write them."""
    return {
        "code": p.code,
        "name_id": p.name_id,
        "name_en": p.name_en,
        "horizon": p.horizon,
        "is_quick_win": p.is_quick_win,
        "lead_opd": p.lead_opd.code,
        "supporting_opds": sorted(o.code for o in p.supporting_opds.all()),
        "rpjmd_goal": p.rpjmd_goal,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "module_url": p.module_url,
    }


def worksheet_snapshot(*, worksheet: Worksheet) -> dict[str, Any]:
    """The worksheet's content in canonical form (what the XLSX carries); used to detect changes."""
    progs = []
    for p in worksheet_programmes(worksheet=worksheet):
        progs.append(
            {
                **programme_fields(p),
                "description": p.description,
                "activities": [a.name for a in sorted(p.activities.all(), key=lambda a: (a.order, a.pk))],
                "budget": sorted(
                    (
                        {"year": b.year, "source": b.source, "amount_idr": b.amount_idr}
                        for b in p.budget_lines.all()
                    ),
                    key=lambda b: (b["year"], b["source"]),
                ),
                "indicators": [
                    {
                        "code": i.code,
                        "kind": i.kind,
                        "name": i.name,
                        "unit": i.unit,
                        "direction": i.direction,
                        "baseline": str(i.baseline.quantize(Decimal("0.01"))),
                        "baseline_year": i.baseline_year,
                        "targets": [
                            {
                                "year": t.year,
                                "target": str(t.target.quantize(Decimal("0.01"))),
                                "realisation": None
                                if t.realisation is None
                                else str(t.realisation.quantize(Decimal("0.01"))),
                            }
                            for t in sorted(i.targets.all(), key=lambda t: t.year)
                        ],
                    }
                    for i in sorted(p.indicators.all(), key=lambda i: i.code)
                ],
            }
        )
    return {
        "element": worksheet.element.code,
        "problem": worksheet.problem,
        "goal": worksheet.goal,
        "programmes": sorted(progs, key=lambda p: p["code"]),
    }


# --- Progress -----


@dataclass
class ProgressItem:
    kind: str  # "deliverable" | "worksheet"
    code: str
    label: str
    group: str
    points: float  # the item's weight (bobot): its share of the total, in percentage points
    done: bool
    status: str
    dimension: str = ""  # a worksheet's smart-city dimension (code)


@dataclass
class Progress:
    percent: float
    done_points: float
    total_points: float
    items: list[ProgressItem] = field(default_factory=list)

    @property
    def done_items(self) -> list[ProgressItem]:
        return [i for i in self.items if i.done]

    @property
    def open_items(self) -> list[ProgressItem]:
        return [i for i in self.items if not i.done]


def plan_progress(*, plan: Plan) -> Progress:
    """Weighted deliverables (their share of `progress_weights["deliverables"]`) plus accepted or
    endorsed worksheets (equal shares of `progress_weights["worksheets"]`)."""
    weights = {**reference.DEFAULT_PROGRESS_WEIGHTS, **(plan.progress_weights or {})}
    deliverables = list(
        Deliverable.objects.filter(stage__plan=plan).select_related("stage").order_by("stage__order", "order")
    )
    worksheets = list(
        Worksheet.objects.filter(plan=plan)
        .select_related("opd", "element", "element__dimension")
        .order_by("element__dimension__order", "element__order", "opd__short_name")
    )
    d_total = sum(d.weight for d in deliverables)
    share_d = Fraction(weights["deliverables"]) if d_total else Fraction(0)
    share_w = Fraction(weights["worksheets"]) if worksheets else Fraction(0)
    total = share_d + share_w
    items: list[ProgressItem] = []
    done = Fraction(0)
    en = lang_en()
    for d in deliverables:
        pts = share_d * d.weight / d_total
        is_done = d.status == DeliverableStatus.DONE
        done += pts if is_done else 0
        items.append(
            ProgressItem(
                kind="deliverable",
                code=d.code,
                label=d.name_en if en else d.name_id,
                group=d.stage.name_en if en else d.stage.name_id,
                points=round(float(pts / total * 100), 2) if total else 0.0,
                done=is_done,
                status=str(d.get_status_display()),
            )
        )
    for ws in worksheets:
        pts = share_w / len(worksheets)
        is_done = ws.status in DONE_WORKSHEET
        done += pts if is_done else 0
        items.append(
            ProgressItem(
                kind="worksheet",
                code=str(ws.public_id),
                label=f"{ws.opd.short_name} — {ws.element.code} {label(ws.element)}",
                group=_("Worksheets"),
                points=round(float(pts / total * 100), 2) if total else 0.0,
                done=is_done,
                status=str(ws.get_status_display()),
                dimension=ws.element.dimension.code,
            )
        )
    percent = round(float(done / total * 100), 1) if total else 0.0
    return Progress(
        percent=percent,
        done_points=round(float(done / total * 100), 2) if total else 0.0,
        total_points=100.0 if total else 0.0,
        items=items,
    )


def dimension_progress(*, plan: Plan, reader: Reader) -> list[dict[str, Any]]:
    """Per dimension: worksheets accepted or endorsed out of all, programmes and quick wins."""
    rows: dict[int, dict[str, Any]] = {}
    for dim in Dimension.objects.order_by("order"):
        rows[dim.pk] = {
            "dimension": dim,
            "code": dim.code,
            "name": label(dim),
            "total": 0,
            "done": 0,
            "programmes": 0,
        }
    for ws in Worksheet.objects.filter(plan=plan).select_related("element"):
        row = rows[ws.element.dimension_id]
        row["total"] += 1
        row["done"] += int(ws.status in DONE_WORKSHEET)
    programmes = visible_to(reader, Programme.objects.filter(plan=plan), "worksheet__")
    for p in programmes.values("worksheet__element__dimension_id"):
        rows[p["worksheet__element__dimension_id"]]["programmes"] += 1
    out = []
    for row in rows.values():
        row["percent"] = round(100 * row["done"] / row["total"], 1) if row["total"] else 0.0
        out.append(row)
    return out


# --- Programmes, roadmap, budget -----


def programme_list(
    *,
    plan: Plan,
    reader: Reader,
    dimension: str | None = None,
    quick_win: bool | None = None,
    opd_code: str | None = None,
) -> QuerySet[Programme]:
    qs = visible_to(
        reader,
        Programme.objects.filter(plan=plan).select_related(
            "lead_opd", "worksheet", "worksheet__element", "worksheet__element__dimension", "worksheet__opd"
        ),
        "worksheet__",
    )
    if dimension:
        qs = qs.filter(worksheet__element__dimension__code=dimension)
    if quick_win is not None:
        qs = qs.filter(is_quick_win=quick_win)
    if opd_code:
        qs = qs.filter(lead_opd__code=opd_code)
    return qs


def programme_get(*, public_id: Any, reader: Reader) -> Programme:
    try:
        p = visible_to(reader, programme_list_all(), "worksheet__").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        p = None
    if p is None:
        raise ProgrammeNotFound()
    return p


def programme_list_all() -> QuerySet[Programme]:
    return Programme.objects.select_related(
        "lead_opd",
        "worksheet",
        "worksheet__opd",
        "worksheet__element",
        "worksheet__element__dimension",
        "plan",
    )


def indicator_list(*, plan: Plan, reader: Reader, programme_code: str | None = None) -> QuerySet[Indicator]:
    qs = (
        visible_to(reader, Indicator.objects.filter(programme__plan=plan), "programme__worksheet__")
        .select_related("programme", "programme__worksheet__element__dimension", "programme__lead_opd")
        .prefetch_related("targets")
    )
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    return qs.order_by("programme__code", "code")


def programme_budget_totals(*, plan: Plan) -> dict[int, int]:
    """Budget per programme pk; only looked up for programmes the reader already reads."""
    return {
        row["programme_id"]: int(row["total"] or 0)
        for row in BudgetLine.objects.filter(programme__plan=plan)
        .values("programme_id")
        .annotate(total=Sum("amount_idr"))
    }


def roadmap(*, plan: Plan, reader: Reader) -> dict[str, Any]:
    """Programmes per dimension laid on the plan's years (a timeline)."""
    years = plan.years
    totals = programme_budget_totals(plan=plan)
    dims = []
    by_dim: dict[int, list[Programme]] = defaultdict(list)
    for p in programme_list(plan=plan, reader=reader).order_by("start_year", "code"):
        by_dim[p.worksheet.element.dimension_id].append(p)
    for dim in Dimension.objects.order_by("order"):
        rows = []
        for p in by_dim.get(dim.pk, []):
            rows.append(
                {
                    "programme": p,
                    "name": label(p),
                    "cells": [p.start_year <= y <= p.end_year for y in years],
                    "offset": p.start_year - plan.start_year,
                    "span": p.end_year - p.start_year + 1,
                    "budget": totals.get(p.pk, 0),
                }
            )
        dims.append({"dimension": dim, "name": label(dim), "code": dim.code, "rows": rows})
    return {"years": years, "dimensions": dims}


def budget_summary(*, plan: Plan, reader: Reader) -> dict[str, Any]:
    """Budget per year and per funding source (integer rupiah)."""
    years = plan.years
    sources = list(FundingSource.values)
    grid = {y: dict.fromkeys(sources, 0) for y in years}
    by_dim: dict[str, int] = defaultdict(int)
    for row in (
        visible_to(reader, BudgetLine.objects.filter(programme__plan=plan), "programme__worksheet__")
        .values("year", "source", "programme__worksheet__element__dimension__code")
        .annotate(total=Sum("amount_idr"))
    ):
        if row["year"] in grid:
            grid[row["year"]][row["source"]] += int(row["total"])
        by_dim[row["programme__worksheet__element__dimension__code"]] += int(row["total"])
    per_source = {s: sum(grid[y][s] for y in years) for s in sources}
    per_year = {y: sum(grid[y].values()) for y in years}
    return {
        "years": years,
        "sources": sources,
        "source_labels": {s: str(FundingSource(s).label) for s in sources},
        "grid": [{"year": y, "values": [grid[y][s] for s in sources], "total": per_year[y]} for y in years],
        "per_source": per_source,
        "per_year": per_year,
        "per_dimension": dict(by_dim),
        "total": sum(per_year.values()),
    }


# --- Monitoring -----

GREEN_AT = Decimal("0.90")
AMBER_AT = Decimal("0.70")


def rag(*, target: Decimal, realisation: Decimal | None, direction: str) -> str:
    """green ≥ 90 % of target, amber ≥ 70 %, red below; "none" without a realisation."""
    if realisation is None:
        return "none"
    if direction == Direction.LOWER:
        ratio = Decimal(1) if realisation <= target else (target / realisation if realisation else Decimal(0))
    else:
        ratio = Decimal(1) if target == 0 else realisation / target
    if ratio >= GREEN_AT:
        return "green"
    if ratio >= AMBER_AT:
        return "amber"
    return "red"


def monitoring(*, plan: Plan, reader: Reader, year: int) -> dict[str, Any]:
    rows = []
    counts = {"green": 0, "amber": 0, "red": 0, "none": 0}
    targets = (
        visible_to(
            reader,
            IndicatorTarget.objects.filter(indicator__programme__plan=plan, year=year),
            "indicator__programme__worksheet__",
        )
        .select_related("indicator", "indicator__programme", "indicator__programme__worksheet__element")
        .order_by("indicator__programme__code", "indicator__code")
    )
    for t in targets:
        ind = t.indicator
        status = rag(target=t.target, realisation=t.realisation, direction=ind.direction)
        counts[status] += 1
        pct = None
        if t.realisation is not None and t.target:
            pct = round(float(t.realisation / t.target * 100), 1)
        rows.append(
            {
                "indicator": ind,
                "programme": ind.programme,
                "target": t.target,
                "realisation": t.realisation,
                "percent": pct,
                "status": status,
            }
        )
    return {"year": year, "rows": rows, "counts": counts}


# --- Readiness and evaluation -----


def readiness(*, plan: Plan) -> dict[str, Any]:
    aspects = list(ReadinessAspect.objects.order_by("order"))
    dims = list(Dimension.objects.order_by("order"))
    scores = {(r.dimension_id, r.aspect_id): r for r in ReadinessScore.objects.filter(plan=plan)}
    rows = []
    for d in dims:
        cells = [scores.get((d.pk, a.pk)) for a in aspects]
        vals = [c.score for c in cells if c is not None]
        rows.append(
            {
                "dimension": d,
                "name": label(d),
                "cells": cells,
                "average": round(sum(vals) / len(vals), 2) if vals else None,
            }
        )
    chart = {
        "labels": [label(d) for d in dims],
        "datasets": [
            {
                "label": label(a),
                "data": [(scores[(d.pk, a.pk)].score if (d.pk, a.pk) in scores else 0) for d in dims],
            }
            for a in aspects
        ],
    }
    return {"aspects": aspects, "aspect_names": [label(a) for a in aspects], "rows": rows, "chart": chart}


def evaluation_total(*, scores: dict[str, float], weight_set: WeightSet) -> float:
    cats = reference.EVALUATION_CATEGORIES
    if weight_set.aggregation == "mean":
        return round(sum(float(scores.get(c, 0)) for c in cats) / len(cats), 2)
    total_w = sum(int(weight_set.weights.get(c, 0)) for c in cats) or 1
    return round(sum(float(scores.get(c, 0)) * int(weight_set.weights.get(c, 0)) for c in cats) / total_w, 2)


def evaluation_list(*, plan: Plan) -> list[dict[str, Any]]:
    out = []
    for ev in (
        Evaluation.objects.filter(plan=plan).select_related("weight_set").order_by("year", "weight_set__code")
    ):
        out.append({"evaluation": ev, "total": evaluation_total(scores=ev.scores, weight_set=ev.weight_set)})
    return out


def weight_set_list() -> QuerySet[WeightSet]:
    return WeightSet.objects.order_by("code", "version")


# --- Quick wins with live figures -----


def _live_figures(module_url: str) -> list[dict[str, Any]]:
    """The public metrics of the module that delivers a quick win (kotapintar.core.metrics), each with
    the age of its data; a metric whose database does not answer is left out, not shown as zero."""
    figures: list[dict[str, Any]] = []
    for m in metrics.metrics(module=module_url, public_only=True):
        reading = metrics.read(m)
        if reading.error or reading.value is None:
            continue
        value = int(reading.value) if float(reading.value).is_integer() else reading.value
        figures.append(
            {
                "code": m.code,
                "label": m.name(lang_en()),
                "value": value,
                "unit": m.unit,
                "as_of": reading.as_of,
                "stale": reading.stale,
            }
        )
    return figures


def quick_wins(*, plan: Plan, reader: Reader, live: bool = True) -> list[dict[str, Any]]:
    out = []
    for p in programme_list(plan=plan, reader=reader, quick_win=True).order_by("code"):
        out.append(
            {
                "programme": p,
                "code": p.code,
                "name": label(p),
                "status": p.worksheet.status,
                "status_label": str(p.worksheet.get_status_display()),
                "module_url": p.module_url,
                "figures": _live_figures(p.module_url) if live and p.module_url else [],
            }
        )
    return out


# --- Meetings and clinics -----


def meeting_list(*, plan: Plan) -> QuerySet[CouncilMeeting]:
    return CouncilMeeting.objects.filter(plan=plan).order_by("-held_at")


def meeting_next(*, plan: Plan, after: Any = None) -> CouncilMeeting | None:
    """The first council meeting held at or after `after` (now by default)."""
    after = after or timezone.now()
    return CouncilMeeting.objects.filter(plan=plan, held_at__gte=after).order_by("held_at").first()


def meeting_get(*, public_id: Any) -> CouncilMeeting:
    try:
        m = CouncilMeeting.objects.select_related("plan").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        m = None
    if m is None:
        raise MeetingNotFound()
    return m


def meeting_notulen(*, meeting: CouncilMeeting) -> str:
    """The generated minutes (notulen) of a council meeting, in Indonesian (the record's language)."""
    local = timezone.localtime(meeting.held_at)
    lines = [
        f"NOTULEN RAPAT DEWAN SMART CITY — {meeting.title}",
        f"Hari/tanggal: {local:%d-%m-%Y}, pukul {local:%H:%M} {localtime.abbreviation()}",
        f"Tempat: {meeting.location or '-'}",
        "",
        "Agenda:",
    ]
    lines += [f"  {i}. {a}" for i, a in enumerate(meeting.agenda, start=1)] or ["  -"]
    lines += ["", f"Hadir ({len(meeting.attendance)} orang):"]
    lines += [f"  - {a}" for a in meeting.attendance] or ["  -"]
    endorsed = list(
        Worksheet.objects.filter(endorsed_meeting=meeting)
        .select_related("opd", "element")
        .order_by("element__code")
    )
    lines += ["", "Kertas kerja yang disahkan:"]
    lines += [f"  - {w.opd.short_name}: {w.element.code} {w.element.name_id}" for w in endorsed] or ["  -"]
    lines += ["", "Keputusan:"]
    lines += [f"  {i}. {d}" for i, d in enumerate(meeting.decisions, start=1)] or ["  -"]
    return "\n".join(lines)


def clinic_slot_current(*, worksheet: Worksheet) -> MentorSlot | None:
    """The slot of the worksheet's clinic that waits for the mentor's verdict."""
    session = (
        worksheet.clinics.filter(verdict="pending").select_related("slot").order_by("-created_at").first()
    )
    return session.slot if session is not None else None


def slot_list_free(*, after: Any = None) -> QuerySet[MentorSlot]:
    qs = MentorSlot.objects.filter(session__isnull=True).select_related("mentor")
    if after is not None:
        qs = qs.filter(starts_at__gte=after)
    return qs.order_by("starts_at")


def slot_list_for_mentor(*, mentor: Actor, after: Any = None) -> QuerySet[MentorSlot]:
    """The mentor's own clinic slots from `after` (now by default) on, booked or free."""
    if not is_signed_in(mentor):
        return MentorSlot.objects.none()
    after = after or timezone.now()
    return (
        MentorSlot.objects.filter(mentor=mentor, ends_at__gte=after)
        .select_related("session", "session__worksheet__opd", "session__worksheet__element")
        .order_by("starts_at")
    )


def slot_get(*, public_id: Any) -> MentorSlot:
    try:
        s = MentorSlot.objects.select_related("mentor").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        s = None
    if s is None:
        raise SlotNotFound()
    return s


# --- Dashboard -----


def dashboard(*, plan: Plan, reader: Reader, live: bool = True) -> dict[str, Any]:
    """Worksheet counts (per status, per OPD) cover every worksheet; programmes, budget and quick wins
    only what `reader` may read."""
    progress = plan_progress(plan=plan)
    counts: dict[str, int] = defaultdict(int)
    for st in Worksheet.objects.filter(plan=plan).values_list("status", flat=True):
        counts[st] += 1
    return {
        "plan": plan,
        "progress": progress,
        "stages": stage_list(plan=plan),
        "dimensions": dimension_progress(plan=plan, reader=reader),
        "quick_wins": quick_wins(plan=plan, reader=reader, live=live),
        "status_counts": [(s.value, s.label, counts.get(s.value, 0)) for s in WorksheetStatus],
        "programme_count": programme_list(plan=plan, reader=reader).count(),
        "opd_count": Worksheet.objects.filter(plan=plan).values("opd").distinct().count(),
        "budget_total": int(
            visible_to(
                reader, BudgetLine.objects.filter(programme__plan=plan), "programme__worksheet__"
            ).aggregate(t=Sum("amount_idr"))["t"]
            or 0
        ),
    }
