"""Master plan API (`/api/v1/masterplan/`): dimensions, plans, progress, programmes, indicators,
worksheets and their review flow, mentor slots, council meetings.

Reads of the plan are public, except worksheets not yet accepted: those (and their programmes, budget,
indicators, comments and history) only their OPD, Bappeda, the mentors and admin_kota read
(`selectors.readable_filter`). Writes need a session or token and the role the flow asks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.errors import ValidationFailed
from kotapintar.core.schemas import ErrorOut
from kotapintar.core.selectors import city_get, opd_get
from kotapintar.core.types import Actor
from kotapintar.masterplan import budget as budget_reads
from kotapintar.masterplan import live, selectors, services
from kotapintar.masterplan.errors import (
    ChapterNotFound,
    DeliverableNotFound,
    HorizonInvalid,
    IndicatorNotFound,
    ProgrammeNotFound,
    WeightSetNotFound,
    YearInvalid,
)
from kotapintar.masterplan.models import (
    Indicator,
    MentorSlot,
    Plan,
    Programme,
    ReviewComment,
    Worksheet,
    WorksheetEvent,
)
from kotapintar.masterplan.schemas import (
    BookIn,
    BudgetLineOut,
    BudgetOut,
    BudgetRealisationOut,
    BudgetRealisedIn,
    ChapterIn,
    ChapterOut,
    CommentIn,
    CommentOut,
    DeliverableIn,
    DeliverableOut,
    DimensionOut,
    ElementIn,
    ElementOut,
    EndorseIn,
    EvaluationIn,
    EvaluationOut,
    IndicatorOut,
    LiveIndicatorOut,
    MeetingIn,
    MeetingOut,
    MeetingRecordIn,
    MetricBindIn,
    NoteIn,
    PlanCreateIn,
    PlanDetailOut,
    PlanOut,
    PlanUpdateIn,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgressOut,
    RescheduleIn,
    ReviewOut,
    SlotIn,
    SlotOut,
    VerdictIn,
    WorksheetCreateIn,
    WorksheetDetailOut,
    WorksheetOut,
    WorksheetUpdateIn,
)

router = Router(tags=["masterplan"])
ERR = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- helpers -----


def _aware(value: datetime, field: str) -> datetime:
    if not 2000 <= value.year <= 2100:
        raise ValidationFailed(_("The date must lie between 2000 and 2100."), detail={"field": field})
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _plan(plan_id: UUID | None) -> Plan:
    return selectors.plan_get(public_id=plan_id) if plan_id else selectors.plan_current()


def _user(request: HttpRequest) -> Actor:
    return request.user


def plan_out(p: Plan) -> dict[str, Any]:
    return {
        "id": p.public_id,
        "title": p.title,
        "city": p.city.name,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "city_vision": p.city_vision,
        "vision": p.vision,
        "missions": [str(m) for m in p.missions],
        "status": p.status,
        "horizon_years": {str(k): int(v) for k, v in (p.horizon_years or {}).items()},
    }


def programme_out(p: Programme, totals: dict[int, int] | None = None) -> dict[str, Any]:
    total = totals.get(p.pk, 0) if totals is not None else sum(b.amount_idr for b in p.budget_lines.all())
    return {
        "id": p.public_id,
        **selectors.programme_fields(p),
        "dimension": p.worksheet.element.dimension.code,
        "element": p.worksheet.element.code,
        "worksheet": p.worksheet.public_id,
        "budget_total_idr": total,
    }


def indicator_out(i: Indicator) -> dict[str, Any]:
    return {
        "id": i.public_id,
        "programme": i.programme.code,
        "code": i.code,
        "kind": i.kind,
        "name": i.name,
        "unit": i.unit,
        "direction": i.direction,
        "baseline": i.baseline,
        "baseline_year": i.baseline_year,
        "metric_code": i.metric_code,
        "targets": [
            {"year": t.year, "target": t.target, "realisation": t.realisation} for t in i.targets.all()
        ],
    }


def programme_detail_out(p: Programme) -> dict[str, Any]:
    return {
        **programme_out(p),
        "description": p.description,
        "activities": [a.name for a in p.activities.all()],
        "budget": [
            {"year": b.year, "source": b.source, "amount_idr": b.amount_idr} for b in p.budget_lines.all()
        ],
        "indicators": [indicator_out(i) for i in p.indicators.all()],
    }


def worksheet_out(w: Worksheet) -> dict[str, Any]:
    return {
        "id": w.public_id,
        "plan": w.plan.public_id,
        "opd": w.opd.code,
        "element": w.element.code,
        "dimension": w.element.dimension.code,
        "status": w.status,
        "status_label": str(w.get_status_display()),
        "version": w.version,
        "submitted_at": w.submitted_at,
        "accepted_at": w.accepted_at,
        "endorsed_at": w.endorsed_at,
        "programme_count": w.programmes.count(),
    }


def comment_out(c: ReviewComment) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "worksheet": c.worksheet.public_id,
        "author": (c.author.get_full_name() or c.author.get_username()) if c.author else "",
        "item": c.item,
        "text": c.text,
        "created_at": c.created_at,
    }


def event_out(e: WorksheetEvent) -> dict[str, Any]:
    return {
        "from_status": e.from_status,
        "to_status": e.to_status,
        "actor": (e.actor.get_full_name() or e.actor.get_username()) if e.actor else "",
        "note": e.note,
        "at": e.at,
    }


def worksheet_detail_out(w: Worksheet, user: Actor) -> dict[str, Any]:
    return {
        **worksheet_out(w),
        "problem": w.problem,
        "goal": w.goal,
        "programmes": [programme_detail_out(p) for p in selectors.worksheet_programmes(worksheet=w)],
        "comments": [comment_out(c) for c in w.comments.select_related("author", "worksheet")],
        "events": [event_out(e) for e in w.events.select_related("actor")],
        "actions": selectors.worksheet_actions(user, w),
    }


def slot_out(s: MentorSlot) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "mentor": s.mentor.get_full_name() or s.mentor.get_username(),
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "location": s.location,
        "booked": hasattr(s, "session"),
    }


def meeting_out(m: Any) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "title": m.title,
        "held_at": m.held_at,
        "location": m.location,
        "status": m.status,
        "agenda": [str(a) for a in m.agenda],
        "attendance": [str(a) for a in m.attendance],
        "decisions": [str(d) for d in m.decisions],
        "notulen": m.notulen,
        "endorsed": [w.public_id for w in m.endorsed_worksheets.all()],
    }


def _element_out(e: Any) -> dict[str, Any]:
    return {"code": e.code, "name_id": e.name_id, "name_en": e.name_en, "is_local": e.is_local}


def _chapter_out(c: Any) -> dict[str, Any]:
    return {"key": c.key, "book": c.book, "title_id": c.title_id, "title_en": c.title_en, "body": c.body}


def _deliverable_out(d: Any) -> dict[str, Any]:
    return {
        "code": d.code,
        "name_id": d.name_id,
        "name_en": d.name_en,
        "weight": d.weight,
        "owner": d.owner_opd.code if d.owner_opd else d.owner_label,
        "due_date": d.due_date,
        "status": d.status,
    }


# --- taxonomy and plans -----


@router.get(
    "/dimensions",
    response={200: list[DimensionOut], **ERR},
    auth=PUBLIC,
    summary="The 6 dimensions and their elements",
)
def dimensions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "name_id": d.name_id,
            "name_en": d.name_en,
            "elements": [_element_out(e) for e in d.elements.all()],
        }
        for d in selectors.dimension_list()
    ]


@router.post(
    "/dimensions/{code}/elements",
    response={201: ElementOut, **ERR},
    auth=AUTH,
    summary="Add a local element (Bappeda)",
)
def element_create(request: HttpRequest, code: str, payload: ElementIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    el = services.element_create_local(
        actor=_user(request),
        city=city_get(),
        dimension_code=code,
        code=data["code"],
        name_id=data["name_id"],
        name_en=data["name_en"],
    )
    return Status(201, _element_out(el))


@router.get("/plans", response={200: list[PlanOut], **ERR}, auth=PUBLIC, summary="Master plans")
def plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [plan_out(p) for p in selectors.plan_list()]


@router.post(
    "/plans", response={201: PlanOut, **ERR}, auth=AUTH, summary="Create a plan from the templates (Bappeda)"
)
def plan_create(request: HttpRequest, payload: PlanCreateIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    horizons = data.pop("horizon_years") or {}
    if any(not 0 < v <= 30 for v in horizons.values()):
        raise HorizonInvalid()
    p = services.plan_create(actor=_user(request), city=city_get(), horizon_years=horizons, **data)
    return Status(201, plan_out(p))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **ERR},
    auth=PUBLIC,
    summary="One plan with chapters and stages",
)
def plan_detail(request: HttpRequest, plan_id: UUID) -> dict[str, Any]:
    p = selectors.plan_get(public_id=plan_id)
    return {
        **plan_out(p),
        "rpjmd_goals": [
            {"code": str(g.get("code", "")), "text": str(g.get("text", ""))} for g in p.rpjmd_goals
        ],
        "chapters": [_chapter_out(c) for c in p.chapters.order_by("order")],
        "stages": [
            {
                "code": s.code,
                "name_id": s.name_id,
                "name_en": s.name_en,
                "start_date": s.start_date,
                "end_date": s.end_date,
                "venue": s.venue,
                "status": s.status,
                "deliverables": [_deliverable_out(d) for d in s.deliverables.all()],
            }
            for s in selectors.stage_list(plan=p)
        ],
    }


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERR}, auth=AUTH, summary="Edit a plan (Bappeda)")
def plan_update(request: HttpRequest, plan_id: UUID, payload: PlanUpdateIn) -> dict[str, Any]:
    p = selectors.plan_get(public_id=plan_id)
    fields = {k: v for k, v in payload.model_dump().items() if v is not None}
    return plan_out(services.plan_update(actor=_user(request), plan=p, **fields))


@router.put(
    "/plans/{plan_id}/chapters/{key}",
    response={200: ChapterOut, **ERR},
    auth=AUTH,
    summary="Edit a chapter (Bappeda)",
)
def chapter_update(request: HttpRequest, plan_id: UUID, key: str, payload: ChapterIn) -> dict[str, Any]:
    p = selectors.plan_get(public_id=plan_id)
    ch = p.chapters.filter(key=key).first()
    if ch is None:
        raise ChapterNotFound()
    ch = services.chapter_update(actor=_user(request), chapter=ch, body=payload.body)
    return _chapter_out(ch)


@router.patch(
    "/plans/{plan_id}/deliverables/{code}",
    response={200: DeliverableOut, **ERR},
    auth=AUTH,
    summary="Update a stage deliverable (Bappeda)",
)
def deliverable_update(
    request: HttpRequest, plan_id: UUID, code: str, payload: DeliverableIn
) -> dict[str, Any]:
    from kotapintar.masterplan.models import Deliverable

    p = selectors.plan_get(public_id=plan_id)
    d = Deliverable.objects.filter(stage__plan=p, code=code).select_related("owner_opd").first()
    if d is None:
        raise DeliverableNotFound()
    d = services.deliverable_update(
        actor=_user(request),
        deliverable=d,
        status=payload.status,
        weight=payload.weight,
        due_date=payload.due_date,
    )
    return _deliverable_out(d)


def _evaluation_out(row: dict[str, Any]) -> dict[str, Any]:
    ev = row["evaluation"]
    return {
        "year": ev.year,
        "weight_set": ev.weight_set.code,
        "weight_set_version": ev.weight_set.version,
        "weights": {str(k): int(v) for k, v in ev.weight_set.weights.items()},
        "scores": {str(k): float(v) for k, v in ev.scores.items()},
        "total": row["total"],
    }


@router.get(
    "/evaluations",
    response={200: list[EvaluationOut], **ERR},
    auth=PUBLIC,
    summary="Kominfo evaluation scores",
)
def evaluations(request: HttpRequest, plan: UUID | None = None) -> list[dict[str, Any]]:
    return [_evaluation_out(r) for r in selectors.evaluation_list(plan=_plan(plan))]


@router.post(
    "/evaluations",
    response={201: EvaluationOut, **ERR},
    auth=AUTH,
    summary="Record a year's evaluation (Bappeda)",
)
def evaluation_record(
    request: HttpRequest, payload: EvaluationIn, plan: UUID | None = None
) -> Status[dict[str, Any]]:
    from kotapintar.masterplan.models import WeightSet

    data = payload.model_dump()
    ws = WeightSet.objects.filter(code=data["weight_set"]).first()
    if ws is None:
        raise WeightSetNotFound()
    p = _plan(plan)
    ev = services.evaluation_record(
        actor=_user(request),
        plan=p,
        year=data["year"],
        weight_set=ws,
        scores={c: data[c] for c in ("baseline", "output", "outcome", "impact", "quick_win")},
        note=data["note"],
    )
    total = selectors.evaluation_total(scores=ev.scores, weight_set=ws)
    return Status(201, _evaluation_out({"evaluation": ev, "total": total}))


@router.get(
    "/budget/realisation",
    response={200: BudgetRealisationOut, **ERR},
    auth=PUBLIC,
    summary="Budget planned against realised, per year and per OPD (latest year recorded)",
)
def budget_realisation(request: HttpRequest, plan: UUID | None = None) -> dict[str, Any]:
    return budget_reads.realisation(plan=_plan(plan), reader=_user(request))


@router.put(
    "/programmes/{programme_id}/budget/{year}/{source}/realisation",
    response={200: BudgetLineOut, **ERR},
    auth=AUTH,
    summary="Record the realised budget of a programme's line (its OPD or Bappeda); null clears it",
)
def budget_realised(
    request: HttpRequest, programme_id: UUID, year: int, source: str, payload: BudgetRealisedIn
) -> dict[str, Any]:
    prog = selectors.programme_get(public_id=programme_id, reader=_user(request))
    line = services.budget_realised_record(
        actor=_user(request), programme=prog, year=year, source=source, realised_idr=payload.realised_idr
    )
    return budget_reads.line_out(line)


@router.get(
    "/budget", response={200: BudgetOut, **ERR}, auth=PUBLIC, summary="Budget per year, source and dimension"
)
def budget(request: HttpRequest, plan: UUID | None = None) -> dict[str, Any]:
    p = _plan(plan)
    b = selectors.budget_summary(plan=p, reader=_user(request))
    return {
        "plan": p.public_id,
        "total_idr": b["total"],
        "per_year": {str(y): v for y, v in b["per_year"].items()},
        "per_source": b["per_source"],
        "per_dimension": b["per_dimension"],
    }


@router.get(
    "/progress", response={200: ProgressOut, **ERR}, auth=PUBLIC, summary="Progress with its breakdown"
)
def progress(request: HttpRequest, plan: UUID | None = None) -> dict[str, Any]:
    p = _plan(plan)
    pr = selectors.plan_progress(plan=p)
    return {
        "plan": p.public_id,
        "percent": pr.percent,
        "done_points": pr.done_points,
        "total_points": pr.total_points,
        "done_count": len(pr.done_items),
        "open_count": len(pr.open_items),
        "items": [
            {
                "kind": i.kind,
                "code": i.code,
                "label": i.label,
                "group": str(i.group),
                "points": i.points,
                "done": i.done,
                "status": i.status,
            }
            for i in pr.items
        ],
    }


# --- programmes and indicators -----


@router.get(
    "/programmes", response={200: list[ProgrammeOut], **ERR}, auth=PUBLIC, summary="Programmes of a plan"
)
def programmes(
    request: HttpRequest,
    plan: UUID | None = None,
    dimension: str | None = None,
    quick_win: bool | None = None,
    opd: str | None = None,
) -> list[dict[str, Any]]:
    p = _plan(plan)
    totals = selectors.programme_budget_totals(plan=p)
    qs = selectors.programme_list(
        plan=p, reader=_user(request), dimension=dimension, quick_win=quick_win, opd_code=opd
    )
    return [programme_out(x, totals) for x in qs.prefetch_related("supporting_opds")]


@router.get(
    "/programmes/{programme_id}",
    response={200: ProgrammeDetailOut, **ERR},
    auth=PUBLIC,
    summary="One programme",
)
def programme_detail(request: HttpRequest, programme_id: UUID) -> dict[str, Any]:
    return programme_detail_out(selectors.programme_get(public_id=programme_id, reader=_user(request)))


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], **ERR},
    auth=PUBLIC,
    summary="Indicators with yearly targets",
)
def indicators(
    request: HttpRequest, plan: UUID | None = None, programme: str | None = None
) -> list[dict[str, Any]]:
    return [
        indicator_out(i)
        for i in selectors.indicator_list(plan=_plan(plan), reader=_user(request), programme_code=programme)
    ]


@router.put(
    "/indicators/{indicator_id}/metric",
    response={200: IndicatorOut, **ERR},
    auth=AUTH,
    summary="Bind an indicator to a live figure, or unbind it with null (Bappeda)",
)
def indicator_bind(request: HttpRequest, indicator_id: UUID, payload: MetricBindIn) -> dict[str, Any]:
    ind = Indicator.objects.select_related("programme").filter(public_id=indicator_id).first()
    if ind is None:
        raise IndicatorNotFound()
    services.indicator_bind(actor=_user(request), indicator=ind, metric_code=payload.metric_code)
    return indicator_out(ind)


@router.get(
    "/live-indicators",
    response={200: list[LiveIndicatorOut], **ERR},
    auth=PUBLIC,
    summary="Indicators bound to live figures: value, target, RAG status, trend by month",
)
def live_indicators(
    request: HttpRequest, plan: UUID | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    p = _plan(plan)
    y = year or timezone.localdate().year
    if not p.start_year <= y <= p.end_year:
        raise YearInvalid()
    return live.bound_rows(plan=p, reader=_user(request), year=y)


# --- worksheets -----


def _ws(worksheet_id: UUID) -> Worksheet:
    return selectors.worksheet_get(public_id=worksheet_id)


def _ws_act(request: HttpRequest, worksheet_id: UUID, action: Any, **fields: Any) -> dict[str, Any]:
    """Run a worksheet service `action(actor=, worksheet=, **fields)` and return the worksheet it answers."""
    return worksheet_out(action(actor=_user(request), worksheet=_ws(worksheet_id), **fields))


@router.get(
    "/worksheets", response={200: list[WorksheetOut], **ERR}, auth=PUBLIC, summary="Worksheets (kertas kerja)"
)
def worksheets(
    request: HttpRequest,
    plan: UUID | None = None,
    opd: str | None = None,
    status: str | None = None,
    mine: bool = False,
) -> list[dict[str, Any]]:
    qs = selectors.worksheet_list(
        plan=_plan(plan), reader=_user(request), opd_code=opd, status=status, mine=mine
    ).select_related("plan")
    return [worksheet_out(w) for w in qs]


@router.post("/worksheets", response={201: WorksheetOut, **ERR}, auth=AUTH, summary="Create a worksheet")
def worksheet_create(request: HttpRequest, payload: WorksheetCreateIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    ws = services.worksheet_create(
        actor=_user(request),
        plan=selectors.plan_get(public_id=data["plan"]),
        opd=opd_get(code=data["opd"]),
        element=selectors.element_get(code=data["element"]),
        problem=data["problem"],
        goal=data["goal"],
    )
    return Status(201, worksheet_out(ws))


@router.get(
    "/worksheets/{worksheet_id}",
    response={200: WorksheetDetailOut, **ERR},
    auth=PUBLIC,
    summary="One worksheet",
)
def worksheet_detail(request: HttpRequest, worksheet_id: UUID) -> dict[str, Any]:
    user = _user(request)
    return worksheet_detail_out(selectors.worksheet_get(public_id=worksheet_id, reader=user), user)


@router.patch(
    "/worksheets/{worksheet_id}",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Edit problem and goal",
)
def worksheet_update(request: HttpRequest, worksheet_id: UUID, payload: WorksheetUpdateIn) -> dict[str, Any]:
    return _ws_act(
        request, worksheet_id, services.worksheet_update, problem=payload.problem, goal=payload.goal
    )


@router.put(
    "/worksheets/{worksheet_id}/programmes",
    response={200: ProgrammeDetailOut, **ERR},
    auth=AUTH,
    summary="Create or replace a programme (by code) with activities, budget and indicators",
)
def programme_save(request: HttpRequest, worksheet_id: UUID, payload: ProgrammeIn) -> dict[str, Any]:
    data = payload.model_dump()
    for ind in data["indicators"]:
        ind["baseline"] = str(ind["baseline"])
        for t in ind["targets"]:
            t["target"] = str(t["target"])
            t["realisation"] = None if t["realisation"] is None else str(t["realisation"])
    prog = services.programme_save(actor=_user(request), worksheet=_ws(worksheet_id), data=data)
    return programme_detail_out(selectors.programme_get(public_id=prog.public_id, reader=_user(request)))


@router.delete(
    "/worksheets/{worksheet_id}/programmes/{code}",
    response={204: None, **ERR},
    auth=AUTH,
    summary="Delete a programme",
)
def programme_delete(request: HttpRequest, worksheet_id: UUID, code: str) -> Status[None]:
    ws = _ws(worksheet_id)
    prog = ws.programmes.filter(code=code).first()
    if prog is None:
        raise ProgrammeNotFound()
    services.programme_delete(actor=_user(request), programme=prog)
    return Status(204, None)


@router.post(
    "/worksheets/{worksheet_id}/submit",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Submit (OPD)",
)
def worksheet_submit(request: HttpRequest, worksheet_id: UUID) -> dict[str, Any]:
    return _ws_act(request, worksheet_id, services.worksheet_submit)


@router.post(
    "/worksheets/{worksheet_id}/clinic",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Book a mentor slot (OPD)",
)
def worksheet_book(request: HttpRequest, worksheet_id: UUID, payload: BookIn) -> dict[str, Any]:
    ws = _ws(worksheet_id)
    services.clinic_book(actor=_user(request), worksheet=ws, slot=selectors.slot_get(public_id=payload.slot))
    return worksheet_out(_ws(worksheet_id))


@router.post(
    "/worksheets/{worksheet_id}/comments",
    response={201: CommentOut, **ERR},
    auth=AUTH,
    summary="Comment on an item (mentor)",
)
def worksheet_comment(request: HttpRequest, worksheet_id: UUID, payload: CommentIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    c = services.clinic_comment(
        actor=_user(request), worksheet=_ws(worksheet_id), item=data["item"], text=data["text"]
    )
    return Status(201, comment_out(c))


@router.post(
    "/worksheets/{worksheet_id}/verdict",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Clinic verdict: revision or accepted (mentor)",
)
def worksheet_verdict(request: HttpRequest, worksheet_id: UUID, payload: VerdictIn) -> dict[str, Any]:
    return _ws_act(
        request, worksheet_id, services.clinic_verdict, verdict=payload.verdict, summary=payload.summary
    )


@router.post(
    "/worksheets/{worksheet_id}/accept",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Accept (Bappeda)",
)
def worksheet_accept(request: HttpRequest, worksheet_id: UUID, payload: NoteIn) -> dict[str, Any]:
    return _ws_act(request, worksheet_id, services.worksheet_accept, note=payload.note)


@router.post(
    "/worksheets/{worksheet_id}/endorse",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Endorse in a council meeting (Dewan)",
)
def worksheet_endorse(request: HttpRequest, worksheet_id: UUID, payload: EndorseIn) -> dict[str, Any]:
    ws = _ws(worksheet_id)
    meeting = selectors.meeting_get(public_id=payload.meeting)
    return worksheet_out(
        services.worksheet_endorse(actor=_user(request), worksheet=ws, meeting=meeting, note=payload.note)
    )


@router.post(
    "/worksheets/{worksheet_id}/send-back",
    response={200: WorksheetOut, **ERR},
    auth=AUTH,
    summary="Send back to the OPD after the mentor's review (Bappeda; the note says why)",
)
def worksheet_send_back(request: HttpRequest, worksheet_id: UUID, payload: NoteIn) -> dict[str, Any]:
    ws = services.worksheet_send_back(
        actor=_user(request), worksheet=_ws(worksheet_id), note=payload.model_dump()["note"]
    )
    return worksheet_out(ws)


@router.get(
    "/reviews",
    response={200: list[ReviewOut], **ERR},
    auth=PUBLIC,
    summary="Review history: comments and transitions",
)
def reviews(
    request: HttpRequest, plan: UUID | None = None, worksheet: UUID | None = None
) -> list[dict[str, Any]]:
    qs = selectors.worksheet_list(plan=_plan(plan), reader=_user(request))
    if worksheet is not None:
        qs = qs.filter(public_id=worksheet)
    return [
        {
            "worksheet": w.public_id,
            "opd": w.opd.code,
            "element": w.element.code,
            "status": w.status,
            "comments": [comment_out(c) for c in w.comments.select_related("author", "worksheet")],
            "events": [event_out(e) for e in w.events.select_related("actor")],
        }
        for w in qs.prefetch_related("comments", "events")
    ]


# --- mentor slots and meetings -----


@router.get("/slots", response={200: list[SlotOut], **ERR}, auth=PUBLIC, summary="Free mentor slots")
def slots(request: HttpRequest) -> list[dict[str, Any]]:
    return [slot_out(s) for s in selectors.slot_list_free(after=timezone.now())]


@router.post("/slots", response={201: SlotOut, **ERR}, auth=AUTH, summary="Offer a clinic slot (mentor)")
def slot_create(request: HttpRequest, payload: SlotIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    s = services.mentor_slot_create(
        actor=_user(request),
        starts_at=_aware(data["starts_at"], "starts_at"),
        ends_at=_aware(data["ends_at"], "ends_at"),
        location=data["location"],
    )
    return Status(201, slot_out(s))


@router.post(
    "/slots/{slot_id}/reschedule-now",
    response={200: SlotOut, **ERR},
    auth=AUTH,
    summary="Reschedule a clinic slot to now (its mentor or Bappeda; audited)",
)
def slot_reschedule_now(request: HttpRequest, slot_id: UUID, payload: RescheduleIn) -> dict[str, Any]:
    s = services.slot_reschedule_now(
        actor=_user(request),
        slot=selectors.slot_get(public_id=slot_id),
        reason=payload.model_dump()["reason"],
    )
    return slot_out(s)


@router.get("/meetings", response={200: list[MeetingOut], **ERR}, auth=PUBLIC, summary="Council meetings")
def meetings(request: HttpRequest, plan: UUID | None = None) -> list[dict[str, Any]]:
    return [
        meeting_out(m)
        for m in selectors.meeting_list(plan=_plan(plan)).prefetch_related("endorsed_worksheets")
    ]


@router.post("/meetings", response={201: MeetingOut, **ERR}, auth=AUTH, summary="Schedule a council meeting")
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    m = services.meeting_create(
        actor=_user(request),
        plan=selectors.plan_get(public_id=data["plan"]),
        title=data["title"],
        held_at=_aware(data["held_at"], "held_at"),
        location=data["location"],
        agenda=data["agenda"],
    )
    return Status(201, meeting_out(m))


@router.post(
    "/meetings/{meeting_id}/record",
    response={200: MeetingOut, **ERR},
    auth=AUTH,
    summary="Record attendance and decisions; generates the notulen",
)
def meeting_record(request: HttpRequest, meeting_id: UUID, payload: MeetingRecordIn) -> dict[str, Any]:
    data = payload.model_dump()
    m = services.meeting_record(
        actor=_user(request),
        meeting=selectors.meeting_get(public_id=meeting_id),
        attendance=data["attendance"],
        decisions=data["decisions"],
    )
    return meeting_out(m)


@router.post(
    "/meetings/{meeting_id}/reschedule-now",
    response={200: MeetingOut, **ERR},
    auth=AUTH,
    summary="Reschedule a council meeting to now (Bappeda or the Dewan; audited)",
)
def meeting_reschedule_now(request: HttpRequest, meeting_id: UUID, payload: RescheduleIn) -> dict[str, Any]:
    m = services.meeting_reschedule_now(
        actor=_user(request),
        meeting=selectors.meeting_get(public_id=meeting_id),
        reason=payload.model_dump()["reason"],
    )
    return meeting_out(m)
