"""Pages of the flood app: the live map, station pages, citizen reports, operations, CAP, sitrep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
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
from kotapintar.core.selectors import city_get_or_none
from kotapintar.core.services import DATA_DIR as CORE_DATA_DIR
from kotapintar.flood import cap, selectors, services
from kotapintar.flood import sitrep as sitrep_report
from kotapintar.flood.models import PARAMETER_SPECS, ReportStatus

T = TypeVar("T")

LAYERS = {
    "rob": "pekalongan_Rob.geojson",
    "sungai": "pekalongan_PerairanPolyline.geojson",
}


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
    summaries = selectors.station_summaries()
    alerts = [a for a in selectors.alert_list(active_only=True) if a.expires_at > timezone.now()]
    states = selectors.kelurahan_states()
    context = {
        "city": city_get_or_none(),
        "summaries": summaries,
        "alerts": alerts,
        "forecasts": selectors.rob_forecast_list()[:8],
        "pumps": selectors.pump_list(),
        "shelters": selectors.shelter_list(),
        "affected": [s for s in states if s.state > 0],
        "is_operator": _is_operator(request),
        "reports_pending": len(selectors.report_list(status=ReportStatus.PENDING, limit=1000))
        if _is_operator(request)
        else 0,
        "quarantined": selectors.quarantine_summary() if _is_operator(request) else None,
    }
    return render(request, "flood/index.html", context)


@require_GET
def layer(request: HttpRequest, name: str) -> HttpResponse:
    filename = LAYERS.get(name)
    if filename is None:
        raise Http404
    path = Path(CORE_DATA_DIR) / "pekalongan" / filename
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
    context = {
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
