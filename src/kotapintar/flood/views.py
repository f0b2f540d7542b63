"""Pages of the flood app: the live map, station pages, citizen reports, operations, CAP, sitrep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotapintar.core.clientip import client_key
from kotapintar.core.errors import DomainError
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role
from kotapintar.core.selectors import city_get_or_none, city_layers, kelurahan_list
from kotapintar.flood import cap, replay, selectors, services
from kotapintar.flood import sitrep as sitrep_report
from kotapintar.flood.formatting import duration_text, sparkline_points
from kotapintar.flood.models import LEVEL_NAMES, PARAMETER_SPECS, Hazard, Incident, ReportStatus

T = TypeVar("T")


def _post(request: HttpRequest, key: str, default: str = "") -> str:
    """A form value without NUL characters (PostgreSQL text cannot hold them)."""
    return str(request.POST.get(key, default)).replace("\x00", "")


def _is_operator(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and has_role(request.user, Role.OPERATOR_BPBD))


def _require_operator(request: HttpRequest) -> None:
    if not _is_operator(request):
        raise DjangoPermissionDenied


def _found(lookup: Callable[[], T]) -> T:
    """What a page shows, or 404 when the code or id in the address names nothing."""
    try:
        return lookup()
    except (DomainError, ValueError) as exc:
        raise Http404 from exc


def _act(request: HttpRequest, action: Callable[[], object], done: str, page: str) -> HttpResponse:
    """Run an operator's form action; say how it went (a refusal shows its message) and go back."""
    try:
        action()
        messages.success(request, done)
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    return redirect(page)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    sit = selectors.situation()
    operator = _is_operator(request)
    city = city_get_or_none()
    context = {
        "city": city,
        "layers": city_layers(city=city),
        "sit": sit,
        "figures": sit.figures(),
        "summaries": selectors.station_summaries(),
        "is_operator": operator,
        "reports_pending": sit.reports_pending if operator else 0,
        "quarantined": selectors.quarantine_summary() if operator else None,
    }
    return render(request, "flood/index.html", context)


@require_GET
def layer(request: HttpRequest, name: str) -> HttpResponse:
    layers = city_layers(city=city_get_or_none())
    path = layers.files.get(name) if layers is not None else None
    if path is None:
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


#: The station chart's ranges (`?rentang=`): length and label. Up to three days the chart shows the
#: raw readings, up to 120 days hourly averages with min–max, beyond that daily ones (selectors).
CHART_RANGES = {
    "3d": (timedelta(days=3), gettext_lazy("3 days")),
    "30d": (timedelta(days=30), gettext_lazy("30 days")),
    "1y": (timedelta(days=365), gettext_lazy("1 year")),
    "10y": (timedelta(days=3653), gettext_lazy("10 years")),
}


@require_GET
def station(request: HttpRequest, code: str) -> HttpResponse:
    st = _found(lambda: selectors.station_get(code=code[:40]))
    summary = selectors.station_summary(station=st)
    span = request.GET.get("rentang", "3d")
    if span not in CHART_RANGES:
        span = "3d"
    now = timezone.now()
    since = now - CHART_RANGES[span][0]
    series = {}
    resolution = selectors.series_resolution(since, now)
    for ds in selectors.datastream_list(station=st):
        found = selectors.observation_series(station=st, parameter=ds.parameter, since=since, until=now)
        series[ds.parameter] = {
            "label": f"{ds.get_parameter_display()} ({ds.unit})",
            "unit": ds.unit,
            "points": [
                [timezone.localtime(p.time).isoformat(), round(p.value, 3), p.min, p.max]
                for p in found.points
            ],
        }
    current = (
        selectors.threshold_set_current(station=st, parameter=summary.parameter)
        if summary.parameter
        else None
    )
    chart = {
        "series": series,
        "resolution": resolution,
        "parameter": summary.parameter,
        "thresholds": [
            {"label": current.level_name(i + 1), "value": v}
            for i, v in enumerate([current.waspada, current.siaga, current.awas])
        ]
        if current
        else [],
    }
    next_high = selectors.next_high_tide(station=st) if st.tide_constituents else None
    tuning = _replay_form(request, st, summary.parameter, current) if _is_operator(request) else None
    context = {
        "tuning": tuning,
        "st": st,
        "summary": summary,
        "chart": chart,
        "span": span,
        "ranges": [(key, label) for key, (_length, label) in CHART_RANGES.items()],
        "thresholds": selectors.threshold_set_list(station=st),
        "datum": selectors.datum_offset_list(station=st),
        "alerts": selectors.alert_list(station=st, limit=20),
        "maintenance": selectors.maintenance_list(station=st),
        "pump_events": selectors.pump_event_list(station=st) if st.kind == "pump_house" else [],
        "forecasts": selectors.rob_forecast_list(station=st),
        "next_high": next_high,
        "is_operator": _is_operator(request),
        "units": {k: v[0] for k, v in PARAMETER_SPECS.items()},
    }
    return render(request, "flood/station.html", context)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    city = city_get_or_none()
    errors: list[str] = []
    if request.method == "POST":
        try:
            lon = float(_post(request, "lon", ""))
            lat = float(_post(request, "lat", ""))
            depth = int(_post(request, "depth_cm", ""))
        except ValueError:
            errors.append(_("Choose the place on the map and give the water depth in cm."))
        else:
            photo = request.FILES.get("photo")
            data = None
            if photo is not None:
                if photo.size and photo.size > services.PHOTO_MAX_BYTES:
                    errors.append(_("The photo is larger than 5 MB."))
                else:
                    data = photo.read()
            if not errors:
                try:
                    report = services.citizen_report_create(
                        lon=lon,
                        lat=lat,
                        depth_cm=depth,
                        text=_post(request, "text", "")[:500],
                        photo=data,
                        client_key=client_key(request),
                    )
                except DomainError as exc:
                    errors.append(str(exc.message))
                else:
                    messages.success(request, _("Thank you. Your report has been sent to BPBD."))
                    return redirect(f"/banjir/?laporan={report.public_id}")
    bbox = list(city.bbox) if city else None
    return render(
        request,
        "flood/report_new.html",
        {"errors": errors, "bbox": bbox, "post": request.POST if request.method == "POST" else {}},
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    if request.method == "POST":
        return _act(request, lambda: _review(request), _("Report reviewed."), "flood:reports")
    items = selectors.report_list(since=timezone.now() - timedelta(days=7))
    return render(request, "flood/reports.html", {"reports": items})


def _review(request: HttpRequest) -> None:
    services.citizen_report_review(
        actor=request.user,
        report=selectors.report_get(public_id=_post(request, "report", "")),
        verified=_post(request, "decision") == "verify",
        note=_post(request, "note", ""),
    )


@require_GET
def report_photo(request: HttpRequest, public_id: str) -> FileResponse:
    report = _found(lambda: selectors.report_get(public_id=public_id))
    if not report.photo or (report.status == ReportStatus.REJECTED and not _is_operator(request)):
        raise Http404
    return FileResponse(report.photo.open("rb"), content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    if request.method == "POST":
        return _act(
            request,
            lambda: services.alert_acknowledge(
                actor=request.user, alert=selectors.alert_get(public_id=_post(request, "alert", ""))
            ),
            _("Alert acknowledged."),
            "flood:alerts",
        )
    return render(
        request,
        "flood/alerts.html",
        {
            "alerts": selectors.alert_list(limit=200),
            "quarantine": selectors.quarantine_list(limit=50),
            "quarantined": selectors.quarantine_summary(),
            "deliveries": selectors.delivery_list(limit=50),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def operations(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    if request.method == "POST":
        return _act(request, lambda: _operate(request), _("Saved."), "flood:operations")
    return render(
        request,
        "flood/operations.html",
        {
            "pumps": selectors.pump_list(),
            "shelters": selectors.shelter_list(),
            "stations": selectors.station_list(),
        },
    )


def _operate(request: HttpRequest) -> None:
    """One form of the operations page: a pump switched, a shelter updated or maintenance logged."""
    if _post(request, "pump"):
        services.pump_state_set(
            actor=request.user,
            station=selectors.station_get(code=_post(request, "pump")[:40]),
            state=_post(request, "state", ""),
            note=_post(request, "note", ""),
        )
    elif _post(request, "shelter"):
        occupancy = _post(request, "occupancy", "")
        services.shelter_update(
            actor=request.user,
            shelter=selectors.shelter_get(code=_post(request, "shelter")[:40]),
            occupancy=int(occupancy) if occupancy.strip() else None,
            status=_post(request, "status") or None,
        )
    elif _post(request, "station"):
        services.maintenance_log_add(
            actor=request.user,
            station=selectors.station_get(code=_post(request, "station")[:40]),
            action=_post(request, "action", ""),
            notes=_post(request, "notes", ""),
            status_after=_post(request, "status_after", ""),
        )


@login_required
@require_POST
def sitrep(request: HttpRequest) -> HttpResponse:
    if not (_is_operator(request) or has_role(request.user, Role.ADMIN_KOTA)):
        raise DjangoPermissionDenied
    pdf = sitrep_report.render_pdf(actor=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sitrep-banjir-{stamp}.pdf"'
    return response


@require_GET
def cap_feed(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(cap.feed_document(), content_type="application/cap+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def cap_alert(request: HttpRequest, public_id: str) -> HttpResponse:
    alert = _found(lambda: selectors.alert_get(public_id=public_id))
    return HttpResponse(cap.alert_document(alert), content_type="application/cap+xml; charset=utf-8")


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """Everything the live map draws, in one request (the map refreshes it every minute)."""
    now = timezone.now()
    stations: list[dict[str, Any]] = []
    for s in selectors.station_summaries():
        stations.append(
            {
                "code": s.station.code,
                "name": s.station.name,
                "kind": s.station.kind,
                "lon": s.station.lon,
                "lat": s.station.lat,
                "value": s.value,
                "unit": s.unit,
                "time": timezone.localtime(s.time).strftime("%d/%m %H.%M") if s.time else None,
                "trend": s.trend,
                "level": s.level,
                "level_name": s.level_name,
                "silent": s.silent,
                "pump_state": s.station.pump_state,
                "capacity_lps": s.station.capacity_lps,
                "url": f"/banjir/stasiun/{s.station.code}/",
            }
        )
    reports_ = [
        {
            "lon": r.lon,
            "lat": r.lat,
            "depth_cm": r.depth_cm,
            "status": r.status,
            "text": r.text,
            "time": timezone.localtime(r.created_at).strftime("%d/%m %H.%M"),
        }
        for r in selectors.report_list(since=now - selectors.REPORT_WINDOW)
        if r.status != ReportStatus.REJECTED
    ]
    shelters = [
        {
            "name": sh.name,
            "lon": sh.lon,
            "lat": sh.lat,
            "capacity": sh.capacity,
            "occupancy": sh.occupancy,
            "status": sh.status,
        }
        for sh in selectors.shelter_list()
    ]
    return JsonResponse(
        {
            "kelurahan": selectors.kelurahan_state_feature_collection(now=now),
            "stations": stations,
            "reports": reports_,
            "shelters": shelters,
            "generated": timezone.localtime(now).strftime("%H.%M"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


REPLAY_FIELDS = ("waspada", "siaga", "awas", "deadband", "off_delay_s", "on_readings", "on_delay_s")


def _replay_form(request: HttpRequest, st: Any, parameter: str, current: Any) -> dict[str, Any] | None:
    """The station page's "what would these thresholds have done?" form and, when sent, its replay."""
    if not parameter or current is None:
        return None
    values = {f: getattr(current, f) for f in REPLAY_FIELDS}
    days = 30
    tuning: dict[str, Any] = {"values": values, "days": days}
    if request.GET.get("replay") != "1":
        return tuning
    try:
        for f in REPLAY_FIELDS:
            raw = str(request.GET.get(f, values[f])).replace(",", ".")
            values[f] = float(raw) if f in ("waspada", "siaga", "awas", "deadband") else int(raw)
        days = int(str(request.GET.get("days", days)))
        if not 1 <= days <= replay.MAX_DAYS:
            raise ValueError(days)
        spec = replay.Spec(**values)
        result, points = replay.replay_stored(
            station=st, parameter=parameter, spec=spec, since=timezone.now() - timedelta(days=days)
        )
    except ValueError:
        tuning["error"] = _("Give numbers: limits in the station's unit, seconds, readings and 1–366 days.")
        return tuning
    except DomainError as exc:
        tuning["error"] = str(exc.message)
        return tuning
    tuning.update(
        days=days,
        result=result,
        chart=replay.chart(result, points, spec),
        incidents=[
            {
                "opened": inc.opened,
                "closed": inc.closed,
                "max_level": inc.max_level,
                "max_name": current.level_name(inc.max_level),
                "steps": ", ".join(
                    f"{timezone.localtime(x.time):%d/%m %H.%M} {current.level_name(x.from_level)} → "
                    f"{current.level_name(x.to_level)}"
                    for x in inc.steps
                ),
            }
            for inc in result.replay.incidents
        ],
    )
    return tuning


def _day(value: str, *, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD filter as the start (or the end) of that local day; None when empty or not a date."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start + timedelta(days=1) if end else start


def incident_filter(params: Any) -> selectors.IncidentFilter:
    """The history filters from a query string (unknown values are ignored, not an error page)."""
    level = str(params.get("level", ""))
    state = str(params.get("state", ""))
    return selectors.IncidentFilter(
        station=str(params.get("station", ""))[:40],
        kelurahan=str(params.get("kelurahan", ""))[:20],
        level=int(level) if level in ("1", "2", "3") else None,
        since=_day(str(params.get("from", ""))),
        until=_day(str(params.get("to", "")), end=True),
        state=state if state in ("open", "closed") else "",
    )


def _incident_row(incident: Incident, now: datetime) -> dict[str, Any]:
    series = selectors.incident_series(incident=incident, now=now)
    return {
        "incident": incident,
        "spark": sparkline_points([v for _, v in series]),
        "duration": duration_text(((incident.closed_at or now) - incident.opened_at).total_seconds()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def incidents(request: HttpRequest) -> HttpResponse:
    """Operators' incident list: open ones first, history filters, acknowledge several at once."""
    _require_operator(request)
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("incident") if i][:200]
        return _act(
            request,
            lambda: services.incidents_acknowledge(
                actor=request.user,
                incidents=selectors.incidents_by_ids(public_ids=ids),
                note=_post(request, "note"),
            ),
            _("Incidents acknowledged."),
            "flood:incidents",
        )
    now = timezone.now()
    flt = incident_filter(request.GET)
    found = selectors.incident_list(flt=flt, limit=100)
    return render(
        request,
        "flood/incidents.html",
        {
            "rows": [_incident_row(i, now) for i in found],
            "open_count": sum(1 for i in found if i.is_open),
            "unacknowledged": selectors.incidents_unacknowledged_count(),
            "flt": flt,
            "query": request.GET,
            "stations": selectors.station_list().exclude(kind="pump_house"),
            "kelurahan": kelurahan_list(),
            "levels": [(i, LEVEL_NAMES[i]) for i in (1, 2, 3)],
            "hazards": dict(Hazard.choices),
        },
    )


@login_required
@require_GET
def incident(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_operator(request)
    inc = _found(lambda: selectors.incident_get(public_id=public_id))
    now = timezone.now()
    return render(
        request,
        "flood/incident.html",
        {"row": _incident_row(inc, now), "steps": selectors.incident_steps(incident=inc)},
    )


@require_GET
def cap_incidents(request: HttpRequest) -> HttpResponse:
    """Atom feed of the open incidents and those closed in the last 24 hours, each entry linking the
    incident's latest CAP message."""
    now = timezone.now()
    found = selectors.incident_list(flt=selectors.IncidentFilter(since=now - timedelta(hours=24)), limit=200)
    response = HttpResponse(
        cap.incidents_atom(found, now=now), content_type="application/atom+xml; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def cap_incident(request: HttpRequest, public_id: str, seq: int) -> HttpResponse:
    """One CAP message of an incident: its opening `Alert`, an `Update` per level change, the `Cancel`."""
    inc = _found(lambda: selectors.incident_get(public_id=public_id))
    docs = cap.incident_messages(inc)
    if seq >= len(docs):
        raise Http404
    return HttpResponse(docs[seq], content_type="application/cap+xml; charset=utf-8")
