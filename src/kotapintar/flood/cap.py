"""The flood app's CAP 1.2 output: every active alert (and rob forecast) as a CAP `<info>`."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from shapely.geometry import shape

from kotapintar.core import siteurl
from kotapintar.core.models import Kelurahan
from kotapintar.core.selectors import city_get_or_none
from kotapintar.flood import selectors
from kotapintar.flood.models import Alert, AlertKind, RobForecast, Station
from kotapintar.lib import cap

SEVERITY = {0: "Minor", 1: "Moderate", 2: "Severe", 3: "Extreme"}
EVENTS = {AlertKind.LEVEL: "Banjir", AlertKind.RAIN: "Hujan lebat", AlertKind.ROB: "Rob"}
RESPONSE = {0: ("AllClear",), 1: ("Monitor",), 2: ("Prepare",), 3: ("Evacuate",)}


def sender() -> str:
    return f"banjir@{siteurl.hostname()}"


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    geom = shape(geometry).simplify(0.0004, preserve_topology=True)
    polys = list(getattr(geom, "geoms", [geom]))
    return [[(float(x), float(y)) for x, y in p.exterior.coords] for p in polys if hasattr(p, "exterior")]


def _sender_name() -> str:
    city = city_get_or_none()
    return f"BPBD {city.name} (Kota Pintar)" if city is not None else "BPBD (Kota Pintar)"


def _areas(station: Station) -> list[cap.Area]:
    city = city_get_or_none()
    where = f", {city.name}" if city is not None else ""
    codes = list(station.warns_kelurahan or [])
    if station.kelurahan and station.kelurahan.code not in codes:
        codes.insert(0, station.kelurahan.code)
    areas = [
        cap.Area(
            description=f"Kelurahan {kel.name}{where}",
            polygons=_rings(kel.geometry),
            geocodes=[("kemendagri", kel.code)],
        )
        for kel in Kelurahan.objects.filter(code__in=codes).order_by("code")
    ]
    areas.append(cap.Area(description=f"{station.name}", circles=[(station.lon, station.lat, 1.0)]))
    return areas


def alert_info(alert: Alert) -> cap.Info:
    station = alert.station
    web = siteurl.absolute_url(reverse("flood:station", args=[station.code]))
    params = [("level", str(alert.level)), ("level_name", alert.level_name), ("station", station.code)]
    if alert.value is not None:
        params.append(("value", f"{alert.value:g}"))
    return cap.Info(
        event=EVENTS.get(AlertKind(alert.kind), "Banjir"),
        categories=("Met",) if alert.kind == AlertKind.RAIN else ("Geo", "Met"),
        urgency="Immediate",
        severity=SEVERITY.get(alert.level, "Unknown"),
        certainty="Observed",
        response_types=RESPONSE.get(alert.level, ()),
        effective=timezone.localtime(alert.created_at),
        expires=timezone.localtime(alert.expires_at),
        sender_name=_sender_name(),
        headline=f"{alert.level_name}: {station.name}",
        description=alert.message,
        web=web,
        parameters=params,
        event_codes=[("kotapintar", f"flood.{alert.kind}")],
        areas=_areas(station),
    )


def rob_info(fc: RobForecast) -> cap.Info:
    return cap.Info(
        event="Rob",
        categories=("Met",),
        urgency="Expected",
        severity=SEVERITY.get(fc.level, "Unknown"),
        certainty="Likely",
        response_types=RESPONSE.get(fc.level, ()),
        effective=timezone.localtime(fc.computed_at),
        onset=timezone.localtime(fc.starts_at),
        expires=timezone.localtime(fc.ends_at),
        sender_name=_sender_name(),
        headline=f"Rob {fc.level_name}: {', '.join(fc.kelurahan_names[:3])}",
        description=fc.message,
        web=siteurl.absolute_url(reverse("flood:index")),
        parameters=[("peak_cm", f"{fc.peak_cm:g}"), ("station", fc.station.code)],
        event_codes=[("kotapintar", "flood.rob_forecast")],
        areas=_areas(fc.station),
    )


def alert_document(alert: Alert) -> bytes:
    msg_type = "Alert" if alert.reissue_of_id is None and alert.level > alert.previous_level else "Update"
    return cap.to_xml(
        cap.Alert(
            identifier=f"kotapintar-banjir-{alert.public_id}",
            sender=sender(),
            sent=timezone.localtime(alert.created_at),
            msg_type=msg_type,
            infos=[alert_info(alert)],
        )
    )


def feed_document(*, now: datetime | None = None) -> bytes:
    """One CAP message whose `<info>` blocks are the active public alerts and the coming rob windows."""
    now = now or timezone.now()
    # Silent sensors are internal; rob alarms appear as the forecast windows they come from.
    alerts = [a for a in selectors.alerts_for_cap(now=now) if a.kind not in (AlertKind.SILENT, AlertKind.ROB)]
    forecasts = [f for f in selectors.rob_forecast_list(now=now) if f.level > 0][:20]
    infos = [alert_info(a) for a in alerts] + [rob_info(f) for f in forecasts]
    ids = ",".join(sorted(str(a.public_id) for a in alerts) + sorted(str(f.public_id) for f in forecasts))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    newest = max([a.created_at for a in alerts] + [f.computed_at for f in forecasts], default=now)
    return cap.to_xml(
        cap.Alert(
            identifier=f"kotapintar-banjir-feed-{digest}",
            sender=sender(),
            sent=timezone.localtime(newest),
            msg_type="Alert",
            note=f"Kota Pintar Banjir: {len(alerts)} peringatan aktif, {len(forecasts)} prakiraan rob.",
            infos=infos,
        )
    )
