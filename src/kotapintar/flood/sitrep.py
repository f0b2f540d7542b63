"""The situation report (PDF, WeasyPrint): the picture a mayor's office needs on one or two pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from kotapintar.core import audit
from kotapintar.core.selectors import city_get_or_none
from kotapintar.core.types import Actor
from kotapintar.flood import selectors
from kotapintar.flood.models import AlertKind, ReportStatus


def PUMP_STATES() -> dict[str, str]:
    return {"on": gettext("On"), "off": gettext("Off"), "fault": gettext("Fault")}


def context(*, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    alerts = [a for a in selectors.alert_list(active_only=True, limit=500) if a.expires_at > now]
    states = [s for s in selectors.kelurahan_states(now=now) if s.state > 0 or s.in_rob_forecast]
    reports = selectors.report_list(since=now - timedelta(hours=24), limit=1000)
    shelters = selectors.shelter_list()
    tides = []
    for station in selectors.tide_stations():
        nxt = selectors.next_high_tide(station=station, now=now)
        if nxt is not None:
            tides.append({"station": station, "time": nxt[0], "cm": nxt[1]})
    pumps = selectors.pump_list()
    return {
        "now": now,
        "city": city_get_or_none(),
        "alerts": [a for a in alerts if a.kind != AlertKind.SILENT],
        "silent": [a for a in alerts if a.kind == AlertKind.SILENT],
        "affected": states,
        "exposed": sum(s.kelurahan.population for s in states if s.state > 0),
        "reports": reports,
        "reports_verified": sum(1 for r in reports if r.status == ReportStatus.VERIFIED),
        "reports_pending": sum(1 for r in reports if r.status == ReportStatus.PENDING),
        "reports_max_depth": max(
            (r.depth_cm for r in reports if r.status == ReportStatus.VERIFIED), default=None
        ),
        "pumps": [(p, PUMP_STATES().get(p.pump_state, "–")) for p in pumps],
        "pumps_on": sum(1 for p in pumps if p.pump_state == "on"),
        "pumps_fault": sum(1 for p in pumps if p.pump_state == "fault"),
        "shelters": shelters,
        "shelter_capacity": sum(s.capacity for s in shelters if s.status != "closed"),
        "shelter_occupancy": sum(s.occupancy for s in shelters),
        "tides": tides,
        "forecasts": selectors.rob_forecast_list(now=now)[:10],
    }


def render_pdf(*, actor: Actor = None, now: datetime | None = None) -> bytes:
    from weasyprint import HTML

    ctx = context(now=now)
    html = render_to_string("flood/sitrep.html", ctx)
    pdf: bytes = HTML(string=html, base_url="/").write_pdf()
    with transaction.atomic():
        audit.record(
            action="flood.sitrep_render",
            actor=actor,
            object_type="flood.sitrep",
            data={"alerts": len(ctx["alerts"]), "affected": len(ctx["affected"]), "bytes": len(pdf)},
        )
    return pdf
