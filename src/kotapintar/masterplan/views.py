"""Pages of the master plan workspace (Indonesian first). Views are thin: they parse the request, call
one service or selector and render; domain errors become messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotapintar.core.errors import DomainError, NotFound, ValidationFailed
from kotapintar.core.models import Role
from kotapintar.core.permissions import can_access_opd, has_role, require_role, user_opd_id
from kotapintar.core.selectors import opd_get, opd_list
from kotapintar.core.siteurl import local_next
from kotapintar.masterplan import budget as budget_reads
from kotapintar.masterplan import evaluation as pack_reads
from kotapintar.masterplan import evaluation_export, exports, live, reference, selectors, services, xlsx
from kotapintar.masterplan.errors import EvaluationFormatInvalid
from kotapintar.masterplan.models import (
    Dimension,
    Element,
    Horizon,
    Plan,
    ReadinessAspect,
    WeightSet,
    WorksheetStatus,
)
from kotapintar.masterplan.progress_method import progress_explanation

View = Callable[..., HttpResponseBase]


def domain_errors(view: View) -> View:
    """Turn a DomainError into a message and a redirect back (or a 404 page for NotFound)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "masterplan/empty.html", {"message": exc.message}, status=404)
        except DomainError as exc:
            if request.method == "POST":
                messages.error(request, str(exc.message))
                return redirect(request.META.get("HTTP_REFERER") or "masterplan:index")
            return render(request, "masterplan/empty.html", {"message": exc.message}, status=exc.status)

    return wrapper


def _plan_or_empty(request: HttpRequest) -> Plan | None:
    return selectors.plan_current_or_none()


def _empty(request: HttpRequest) -> HttpResponse:
    return render(request, "masterplan/empty.html", {"message": _("No master plan has been created yet.")})


# --- dashboard and public page -----


def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return public(request)
    plan = _plan_or_empty(request)
    if plan is None:
        return _empty(request)
    data = selectors.dashboard(plan=plan, reader=request.user)
    return render(request, "masterplan/dashboard.html", {**data, "tab": "dashboard"})


def public(request: HttpRequest) -> HttpResponse:
    plan = _plan_or_empty(request)
    if plan is None:
        return _empty(request)
    progress = selectors.plan_progress(plan=plan)
    return render(
        request,
        "masterplan/public.html",
        {
            "plan": plan,
            "progress": progress,
            "explanation": progress_explanation(plan=plan, progress=progress),
            "dimensions": selectors.dimension_progress(plan=plan, reader=request.user),
            "quick_wins": selectors.quick_wins(plan=plan, reader=request.user),
            "tab": "public",
        },
    )


# --- plan: vision, chapters, stages -----

HORIZON_CODES = [h.value for h in Horizon]


@login_required
@domain_errors
def plan_page(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    if request.method == "POST":
        what = request.POST.get("what", "")
        if what == "plan":
            horizons = {h: _int(request.POST.get(f"horizon_{h}"), h) for h in HORIZON_CODES}
            services.plan_update(
                actor=request.user,
                plan=plan,
                vision=str(request.POST.get("vision", ""))[:5000],
                city_vision=str(request.POST.get("city_vision", ""))[:5000],
                missions=[m.strip() for m in str(request.POST.get("missions", "")).splitlines() if m.strip()],
                horizon_years=horizons,
            )
        elif what == "chapter":
            chapter = plan.chapters.filter(key=request.POST.get("key", "")).first()
            if chapter is None:
                raise NotFound()
            services.chapter_update(
                actor=request.user, chapter=chapter, body=str(request.POST.get("body", ""))[:100000]
            )
        elif what == "deliverable":
            from kotapintar.masterplan.models import Deliverable

            d = Deliverable.objects.filter(stage__plan=plan, code=request.POST.get("code", "")).first()
            if d is None:
                raise NotFound()
            services.deliverable_update(
                actor=request.user, deliverable=d, status=str(request.POST.get("status", ""))
            )
        else:
            raise NotFound()
        messages.success(request, _("Saved."))
        return redirect("masterplan:plan")
    from kotapintar.masterplan.models import DeliverableStatus

    return render(
        request,
        "masterplan/plan.html",
        {
            "plan": plan,
            "chapters": plan.chapters.order_by("order"),
            "stages": selectors.stage_list(plan=plan),
            "horizons": [(h.value, h.label, plan.horizon_years.get(h.value, "")) for h in Horizon],
            "deliverable_statuses": DeliverableStatus.choices,
            "can_edit": has_role(request.user, Role.BAPPEDA),
            "tab": "plan",
        },
    )


# --- readiness -----


@login_required
@domain_errors
def readiness(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    if request.method == "POST":
        dim = Dimension.objects.filter(code=request.POST.get("dimension", "")).first()
        aspect = ReadinessAspect.objects.filter(code=request.POST.get("aspect", "")).first()
        if dim is None or aspect is None:
            raise ValidationFailed(_("Choose a dimension and an aspect."))
        try:
            score = int(request.POST.get("score", ""))
        except ValueError:
            raise ValidationFailed(_("The score must be between 1 and 5.")) from None
        services.readiness_set(
            actor=request.user,
            plan=plan,
            dimension=dim,
            aspect=aspect,
            score=score,
            evidence=str(request.POST.get("evidence", ""))[:5000],
        )
        messages.success(request, _("Readiness score saved."))
        return redirect("masterplan:readiness")
    data = selectors.readiness(plan=plan)
    return render(
        request,
        "masterplan/readiness.html",
        {
            "plan": plan,
            **data,
            "dimensions": Dimension.objects.order_by("order"),
            "can_edit": has_role(request.user, Role.BAPPEDA),
            "tab": "readiness",
        },
    )


# --- worksheets -----


@login_required
@domain_errors
def worksheet_list(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    if request.method == "POST":
        ws = services.worksheet_create(
            actor=request.user,
            plan=plan,
            opd=opd_get(code=str(request.POST.get("opd", ""))),
            element=selectors.element_get(code=str(request.POST.get("element", ""))),
            problem=str(request.POST.get("problem", ""))[:10000],
            goal=str(request.POST.get("goal", ""))[:10000],
        )
        messages.success(request, _("Worksheet created."))
        return redirect("masterplan:worksheet", ws.public_id)
    status = request.GET.get("status") or None
    opd_code = request.GET.get("opd") or None
    mine = request.GET.get("mine") == "1"
    rows = selectors.worksheet_list(
        plan=plan, reader=request.user, opd_code=opd_code, status=status, mine=mine
    )
    own = user_opd_id(request.user)
    writable_opds = (
        list(opd_list())
        if has_role(request.user, Role.BAPPEDA)
        else [o for o in opd_list() if o.pk == own and has_role(request.user, Role.OPD)]
    )
    return render(
        request,
        "masterplan/worksheet_list.html",
        {
            "plan": plan,
            "rows": list(rows.prefetch_related("programmes")),
            "statuses": WorksheetStatus.choices,
            "opds": opd_list(),
            "filter": {"status": status or "", "opd": opd_code or "", "mine": mine},
            "writable_opds": writable_opds,
            "elements": Element.objects.select_related("dimension").order_by("dimension__order", "order"),
            "tab": "worksheets",
        },
    )


@login_required
@domain_errors
def worksheet_detail(request: HttpRequest, public_id: str) -> HttpResponseBase:
    user = request.user
    ws = selectors.worksheet_get(public_id=public_id, reader=user)
    actions = selectors.worksheet_actions(user, ws)
    clinic_slot = selectors.clinic_slot_current(worksheet=ws) if "review" in actions else None
    return render(
        request,
        "masterplan/worksheet_detail.html",
        {
            "clinic_slot": clinic_slot,
            "slot_started": clinic_slot is None or clinic_slot.starts_at <= timezone.now(),
            "ws": ws,
            "plan": ws.plan,
            "programmes": selectors.worksheet_programmes(worksheet=ws),
            "comments": ws.comments.select_related("author"),
            "events": ws.events.select_related("actor"),
            "clinics": ws.clinics.select_related("slot", "slot__mentor"),
            "actions": actions,
            "can_edit": selectors.can_edit_worksheet(user, ws),
            "can_download": can_access_opd(user, ws.opd_id) or has_role(user, Role.MENTOR, Role.DEWAN),
            "free_slots": selectors.slot_list_free(after=timezone.now()) if "book" in actions else [],
            "meetings": selectors.meeting_list(plan=ws.plan) if "endorse" in actions else [],
            "items": ["worksheet"] + [p.code for p in ws.programmes.all()],
            "horizons": Horizon.choices,
            "opds": opd_list(),
            "upload_errors": request.session.pop("mp_upload_errors", None),
            "tab": "worksheets",
        },
    )


@login_required
@require_POST
@domain_errors
def worksheet_edit(request: HttpRequest, public_id: str) -> HttpResponseBase:
    ws = selectors.worksheet_get(public_id=public_id)
    services.worksheet_update(
        actor=request.user,
        worksheet=ws,
        problem=str(request.POST.get("problem", ""))[:10000],
        goal=str(request.POST.get("goal", ""))[:10000],
    )
    messages.success(request, _("Worksheet saved."))
    return redirect("masterplan:worksheet", ws.public_id)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def _int(value: Any, field: str) -> int:
    try:
        return int(str(value).replace(".", "").strip())
    except ValueError:
        raise ValidationFailed(_("%(field)s must be a whole number.") % {"field": field}) from None


@login_required
@require_POST
@domain_errors
def programme_add(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """A programme from the simple form: one budget line and one indicator (the XLSX carries more)."""
    ws = selectors.worksheet_get(public_id=public_id)
    p = request.POST
    start, end = _int(p.get("start_year"), _("First year")), _int(p.get("end_year"), _("Last year"))
    amount = _int(p.get("amount_idr") or 0, _("Budget"))
    data: dict[str, Any] = {
        "code": str(p.get("code", "")).strip()[:32],
        "name_id": str(p.get("name_id", "")).strip()[:255],
        "name_en": str(p.get("name_en", "")).strip()[:255],
        "description": "",
        "horizon": p.get("horizon", ""),
        "is_quick_win": p.get("is_quick_win") == "on",
        "lead_opd": p.get("lead_opd", ""),
        "supporting_opds": [c for c in p.getlist("supporting_opds") if c],
        "rpjmd_goal": str(p.get("rpjmd_goal", "")).strip()[:32],
        "start_year": start,
        "end_year": end,
        "module_url": "",
        "activities": [a.strip()[:255] for a in str(p.get("activities", "")).splitlines() if a.strip()],
        "budget": [
            {"year": y, "source": p.get("source", "APBD"), "amount_idr": amount}
            for y in range(start, end + 1)
        ]
        if amount
        else [],
        "indicators": [],
    }
    if p.get("indicator_name"):
        try:
            baseline = Decimal(str(p.get("baseline") or "0").replace(",", "."))
            target = Decimal(str(p.get("target") or "0").replace(",", "."))
        except InvalidOperation:
            raise ValidationFailed(_("The baseline and target must be numbers.")) from None
        data["indicators"] = [
            {
                "code": f"{data['code']}-I1",
                "kind": p.get("kind", "output"),
                "name": str(p.get("indicator_name"))[:255],
                "unit": str(p.get("unit", ""))[:40],
                "direction": "higher",
                "baseline": str(baseline),
                "baseline_year": ws.plan.start_year - 1,
                "targets": [{"year": end, "target": str(target), "realisation": None}],
            }
        ]
    try:
        services.programme_save(actor=request.user, worksheet=ws, data=data)
    except ValidationFailed as exc:
        if isinstance(exc.detail, list):
            for e in exc.detail:
                messages.error(request, f"{e['field']}: {e['message']}")
            return redirect("masterplan:worksheet", ws.public_id)
        raise
    messages.success(request, _("Programme saved."))
    return redirect("masterplan:worksheet", ws.public_id)


@login_required
@require_POST
@domain_errors
def worksheet_action(request: HttpRequest, public_id: str, action: str) -> HttpResponseBase:
    ws = selectors.worksheet_get(public_id=public_id)
    user = request.user
    note = str(request.POST.get("note", ""))[:5000]
    if action == "submit":
        services.worksheet_submit(actor=user, worksheet=ws)
        messages.success(request, _("Worksheet submitted; the mentors have been notified."))
    elif action == "book":
        services.clinic_book(
            actor=user, worksheet=ws, slot=selectors.slot_get(public_id=request.POST.get("slot", ""))
        )
        messages.success(request, _("Clinic booked."))
    elif action == "comment":
        services.clinic_comment(
            actor=user, worksheet=ws, item=str(request.POST.get("item", "worksheet")), text=note
        )
        messages.success(request, _("Comment saved."))
    elif action in ("revise", "review"):
        verdict = "revision" if action == "revise" else "accepted"
        services.clinic_verdict(actor=user, worksheet=ws, verdict=verdict, summary=note)
        messages.success(request, _("Clinic verdict recorded."))
    elif action == "accept":
        services.worksheet_accept(actor=user, worksheet=ws, note=note)
        messages.success(request, _("Worksheet accepted."))
    elif action == "endorse":
        meeting = selectors.meeting_get(public_id=request.POST.get("meeting", ""))
        services.worksheet_endorse(actor=user, worksheet=ws, meeting=meeting, note=note)
        messages.success(request, _("Worksheet endorsed."))
    elif action == "send-back":
        services.worksheet_send_back(actor=user, worksheet=ws, note=note)
        messages.success(request, _("Worksheet sent back to the OPD for revision."))
    else:
        raise NotFound()
    back = local_next(request.POST.get("next"), prefix="/masterplan/")
    if back is not None:
        return redirect(back)
    return redirect("masterplan:worksheet", ws.public_id)


@login_required
@domain_errors
def worksheet_xlsx(request: HttpRequest, opd_code: str) -> HttpResponseBase:
    plan = selectors.plan_current()
    opd = opd_get(code=opd_code)
    if not (can_access_opd(request.user, opd.pk) or has_role(request.user, Role.MENTOR, Role.DEWAN)):
        from kotapintar.core.errors import PermissionDenied

        raise PermissionDenied()
    data = xlsx.worksheet_export(plan=plan, opd=opd, reader=request.user)
    response = HttpResponse(data, content_type=xlsx.XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="kertas-kerja-{opd.code}.xlsx"'
    return response


@login_required
@require_POST
@domain_errors
def worksheet_upload(request: HttpRequest, opd_code: str) -> HttpResponseBase:
    plan = selectors.plan_current()
    opd = opd_get(code=opd_code)
    back = local_next(request.POST.get("next"), prefix="/masterplan/")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back or "masterplan:worksheets")
    try:
        result = xlsx.worksheet_import(
            actor=request.user, plan=plan, opd=opd, data=upload.read(xlsx.MAX_BYTES + 1)
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        if isinstance(exc.detail, list):
            request.session["mp_upload_errors"] = exc.detail
    else:
        messages.success(
            request,
            _("Upload saved: %(changed)s worksheets changed, %(unchanged)s unchanged.")
            % {"changed": result.changed, "unchanged": result.unchanged},
        )
    return redirect(back or "masterplan:worksheets")


# --- clinics and council -----


def _dt(value: Any, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("%(field)s is not a valid date and time.") % {"field": field}) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
@domain_errors
def clinic(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    if request.method == "POST":
        start = _dt(request.POST.get("starts_at"), _("Start"))
        minutes = _int(request.POST.get("minutes") or 60, _("Duration"))
        services.mentor_slot_create(
            actor=request.user,
            starts_at=start,
            ends_at=start + timedelta(minutes=max(15, min(minutes, 480))),
            location=str(request.POST.get("location", ""))[:200],
        )
        messages.success(request, _("Slot offered."))
        return redirect("masterplan:clinic")
    from kotapintar.masterplan.models import ClinicSession

    sessions = (
        selectors.visible_to(request.user, ClinicSession.objects.filter(worksheet__plan=plan), "worksheet__")
        .select_related("slot", "slot__mentor", "worksheet", "worksheet__opd", "worksheet__element")
        .order_by("-slot__starts_at")[:50]
    )
    waiting = selectors.worksheet_list(
        plan=plan, reader=request.user, status=WorksheetStatus.SUBMITTED, mine=True
    )
    return render(
        request,
        "masterplan/clinic.html",
        {
            "plan": plan,
            "slots": selectors.slot_list_free(after=timezone.now()),
            "sessions": sessions,
            "waiting": waiting,
            "is_mentor": has_role(request.user, Role.MENTOR),
            "tab": "clinic",
        },
    )


@login_required
@domain_errors
def council(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    if request.method == "POST":
        m = services.meeting_create(
            actor=request.user,
            plan=plan,
            title=str(request.POST.get("title", ""))[:200],
            held_at=_dt(request.POST.get("held_at"), _("Date and time")),
            location=str(request.POST.get("location", ""))[:200],
            agenda=[a.strip() for a in str(request.POST.get("agenda", "")).splitlines() if a.strip()],
        )
        messages.success(request, _("Meeting scheduled."))
        return redirect("masterplan:meeting", m.public_id)
    return render(
        request,
        "masterplan/council.html",
        {
            "plan": plan,
            "meetings": selectors.meeting_list(plan=plan).prefetch_related("endorsed_worksheets"),
            "can_schedule": has_role(request.user, Role.BAPPEDA, Role.DEWAN),
            "tab": "council",
        },
    )


@login_required
@domain_errors
def meeting(request: HttpRequest, public_id: str) -> HttpResponseBase:
    m = selectors.meeting_get(public_id=public_id)
    if request.method == "POST":
        services.meeting_record(
            actor=request.user,
            meeting=m,
            attendance=str(request.POST.get("attendance", "")).splitlines(),
            decisions=str(request.POST.get("decisions", "")).splitlines(),
            agenda=str(request.POST.get("agenda", "")).splitlines() if "agenda" in request.POST else None,
        )
        messages.success(request, _("Minutes generated."))
        return redirect("masterplan:meeting", m.public_id)
    return render(
        request,
        "masterplan/meeting.html",
        {
            "plan": m.plan,
            "meeting": m,
            "endorsed": m.endorsed_worksheets.select_related("opd", "element"),
            "awaiting": selectors.worksheet_list(
                plan=m.plan, reader=request.user, status=WorksheetStatus.ACCEPTED
            ),
            "is_dewan": has_role(request.user, Role.DEWAN),
            "can_record": has_role(request.user, Role.DEWAN, Role.BAPPEDA),
            "started": m.held_at <= timezone.now(),
            "tab": "council",
        },
    )


@login_required
@require_POST
@domain_errors
def slot_reschedule_now(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The audited "rescheduled to now" of a mentor slot (its mentor or Bappeda)."""
    slot = selectors.slot_get(public_id=public_id)
    services.slot_reschedule_now(
        actor=request.user, slot=slot, reason=str(request.POST.get("reason", ""))[:500]
    )
    messages.success(request, _("The clinic slot now starts now."))
    return redirect(local_next(request.POST.get("next"), prefix="/masterplan/") or "masterplan:clinic")


@login_required
@require_POST
@domain_errors
def meeting_reschedule_now(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The audited "rescheduled to now" of a council meeting (Bappeda or the Dewan)."""
    m = selectors.meeting_get(public_id=public_id)
    services.meeting_reschedule_now(
        actor=request.user, meeting=m, reason=str(request.POST.get("reason", ""))[:500]
    )
    messages.success(request, _("The council meeting now starts now."))
    return redirect("masterplan:meeting", m.public_id)


# --- roadmap, budget, monitoring, evaluation -----


@login_required
@domain_errors
def roadmap(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    return render(
        request,
        "masterplan/roadmap.html",
        {"plan": plan, **selectors.roadmap(plan=plan, reader=request.user), "tab": "roadmap"},
    )


@login_required
@domain_errors
def budget(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    data = selectors.budget_summary(plan=plan, reader=request.user)
    dims = {d.code: selectors.label(d) for d in Dimension.objects.all()}
    chart = {
        "years": data["years"],
        "sources": [data["source_labels"][s] for s in data["sources"]],
        "series": [[row["values"][i] for row in data["grid"]] for i in range(len(data["sources"]))],
        "per_source": [data["per_source"][s] for s in data["sources"]],
        "dimensions": [dims.get(k, k) for k in data["per_dimension"]],
        "per_dimension": list(data["per_dimension"].values()),
    }
    return render(
        request,
        "masterplan/budget.html",
        {"plan": plan, **data, "source_names": chart["sources"], "chart": chart, "tab": "budget"},
    )


@login_required
@domain_errors
def monitoring(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    try:
        year = int(
            request.GET.get("tahun")
            or min(max(timezone.localdate().year - 1, plan.start_year), plan.end_year)
        )
    except ValueError:
        year = plan.start_year
    year = min(max(year, plan.start_year), plan.end_year)
    if request.method == "POST":
        from kotapintar.masterplan.models import Indicator

        ind = (
            Indicator.objects.select_related("programme__worksheet")
            .filter(public_id=_uuid(request.POST.get("indicator")))
            .first()
        )
        if ind is None:
            raise NotFound()
        try:
            value = Decimal(str(request.POST.get("value", "")).replace(",", "."))
        except InvalidOperation:
            raise ValidationFailed(_("The realisation must be a number.")) from None
        if not value.is_finite() or abs(value) >= Decimal("1e13"):
            raise ValidationFailed(_("The realisation must be a number."))
        services.realisation_record(actor=request.user, indicator=ind, year=year, value=value)
        messages.success(request, _("Realisation saved."))
        return redirect(f"{request.path}?tahun={year}")
    data = selectors.monitoring(plan=plan, reader=request.user, year=year)
    editable_opd = True if has_role(request.user, Role.BAPPEDA) else user_opd_id(request.user)
    bappeda = has_role(request.user, Role.BAPPEDA)
    return render(
        request,
        "masterplan/monitoring.html",
        {
            "plan": plan,
            **data,
            "years": plan.years,
            "editable_opd": editable_opd,
            "tab": "monitoring",
            "live_rows": live.bound_rows(plan=plan, reader=request.user, year=year, months=6),
            "budget_lines": budget_reads.lines(plan=plan, reader=request.user, year=year),
            "metric_choices": live.metric_choices() if bappeda else [],
            "can_bind": bappeda,
        },
    )


@login_required
@domain_errors
def evaluation(request: HttpRequest) -> HttpResponseBase:
    plan = selectors.plan_current()
    cats = reference.EVALUATION_CATEGORIES
    if request.method == "POST" and request.POST.get("what") == "weights":
        created = services.weight_set_create(
            actor=request.user,
            code=str(request.POST.get("code", "")).strip()[:30] or "kominfo-kota",
            name=str(request.POST.get("name", "")).strip()[:160] or _("City weight set"),
            weights={
                c: _int(request.POST.get(f"w-{c}"), str(reference.EVALUATION_CATEGORY_LABELS[c]))
                for c in cats
            },
            source=str(request.POST.get("source", ""))[:300],
        )
        messages.success(
            request, _("Weight set %(name)s v%(v)s saved.") % {"name": created.name, "v": created.version}
        )
        return redirect("masterplan:evaluation")
    if request.method == "POST":
        ws = WeightSet.objects.filter(code=request.POST.get("weight_set", "")).first()
        if ws is None:
            raise ValidationFailed(_("Choose a weight set."))
        scores: dict[str, float] = {}
        for c in cats:
            try:
                scores[c] = float(str(request.POST.get(c, "")).replace(",", "."))
            except ValueError:
                raise ValidationFailed(_("Scores lie between 0 and 5.")) from None
        services.evaluation_record(
            actor=request.user,
            plan=plan,
            year=_int(request.POST.get("year"), _("Year")),
            weight_set=ws,
            scores=scores,
            note=str(request.POST.get("note", ""))[:2000],
        )
        messages.success(request, _("Evaluation saved."))
        return redirect("masterplan:evaluation")
    rows = selectors.evaluation_list(plan=plan)
    return render(
        request,
        "masterplan/evaluation.html",
        {
            "plan": plan,
            "rows": [{**r, "scores": [r["evaluation"].scores.get(c) for c in cats]} for r in rows],
            "weight_sets": [
                {
                    "ws": w,
                    "weights": [w.weights.get(c, 0) for c in cats],
                    "rule": str(reference.AGGREGATION_LABELS.get(w.aggregation, w.aggregation)),
                }
                for w in selectors.weight_set_list()
            ],
            "categories": [(c, str(reference.EVALUATION_CATEGORY_LABELS[c])) for c in cats],
            "can_edit": has_role(request.user, Role.BAPPEDA),
            "pack_periods": pack_reads.period_choices(
                start_year=plan.start_year, end_year=plan.end_year, today=timezone.localdate()
            ),
            "pack_weight_set": pack_reads.weight_set_default_or_none(),
            "tab": "evaluation",
        },
    )


@login_required
@domain_errors
def evaluation_pack(request: HttpRequest) -> HttpResponseBase:
    """The evaluation pack of a half-year as XLSX or DOCX (Bappeda and admin_kota)."""
    require_role(request.user, Role.BAPPEDA)
    plan = selectors.plan_current()
    fmt = str(request.GET.get("format", "xlsx"))
    if fmt not in ("xlsx", "docx"):
        raise EvaluationFormatInvalid()
    pack = pack_reads.evaluation_pack(
        plan=plan,
        period=pack_reads.period_parse(str(request.GET.get("periode", ""))),
        reader=request.user,
        weight_set=pack_reads.weight_set_for_pack(request.GET.get("bobot") or None),
    )
    body, ctype = evaluation_export.pack_file(pack, fmt)
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{evaluation_export.filename(pack, fmt)}"'
    return response


# --- exports -----


@login_required
@domain_errors
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    plan = selectors.plan_current()
    stamp = f"masterplan-{plan.start_year}-{plan.end_year}"
    reader = request.user
    if fmt == "docx":
        body: bytes | str = exports.plan_docx(plan=plan, reader=reader)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        body, ctype = exports.plan_pdf(plan=plan, reader=reader), "application/pdf"
    elif fmt == "xlsx":
        body, ctype = exports.plan_xlsx(plan=plan, reader=reader), xlsx.XLSX_MIME
    elif fmt == "csv":
        body, ctype = exports.programmes_csv(plan=plan, reader=reader), "text/csv; charset=utf-8"
        stamp = f"program-{stamp}"
    elif fmt == "indikator.csv":
        body, ctype = exports.indicators_csv(plan=plan, reader=reader), "text/csv; charset=utf-8"
        stamp, fmt = f"indikator-{stamp}", "csv"
    else:
        raise NotFound()
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{stamp}.{fmt}"'
    return response
