"""The flood app's CAP 1.2 output: every active alert (and rob forecast) as a CAP `<info>`."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from shapely.geometry import shape

from kotapintar.core import siteurl
from kotapintar.core.models import Kelurahan
from kotapintar.core.selectors import city_get_or_none
from kotapintar.flood import selectors
from kotapintar.flood.formatting import incident_step_message
from kotapintar.flood.models import Alert, AlertKind, Incident, IncidentStep, RobForecast, Station, StepKind
from kotapintar.lib import cap

SEVERITY = {0: "Minor", 1: "Moderate", 2: "Severe", 3: "Extreme"}
EVENTS = {AlertKind.LEVEL: "Banjir", AlertKind.RAIN: "Hujan lebat", AlertKind.ROB: "Rob"}
HAZARD_EVENTS = {
    "flood": {"id": "Banjir", "en": "River flood"},
    "rob": {"id": "Rob", "en": "Tidal flood (rob)"},
    "rain": {"id": "Hujan lebat", "en": "Heavy rain"},
}
#: An incident message is valid this long; the incident's next message (or a re-issue) replaces it.
INCIDENT_TTL_H = 6
RESPONSE = {0: ("AllClear",), 1: ("Monitor",), 2: ("Prepare",), 3: ("Evacuate",)}


def language() -> str:
    """The language of the city's alerts (LANGUAGE_CODE) as CAP writes it (RFC 3066: id-ID)."""
    code = settings.LANGUAGE_CODE
    return {"id": "id-ID", "en": "en-US"}.get(code, code)


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
        description=alert.text,
        language=language(),
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
        description=fc.text,
        language=language(),
        web=siteurl.absolute_url(reverse("flood:index")),
        parameters=[("peak_cm", f"{fc.peak_cm:g}"), ("station", fc.station.code)],
        event_codes=[("kotapintar", "flood.rob_forecast")],
        areas=_areas(fc.station),
    )


def alert_document(alert: Alert) -> bytes:
    """The CAP message of one alert, written in the city's language whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return _alert_document(alert)


def _alert_document(alert: Alert) -> bytes:
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
    """One CAP message whose `<info>` blocks are the active public alerts and the coming rob windows,
    written in the city's language whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return _feed_document(now=now)


def _feed_document(*, now: datetime | None = None) -> bytes:
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


def incident_identifier(incident: Incident, seq: int) -> str:
    return f"kotapintar-banjir-insiden-{incident.public_id}-{seq}"


def incident_step_infos(incident: Incident, step: IncidentStep) -> list[cap.Info]:
    """The step's `<info>` in Indonesian, then in English."""
    station = incident.station
    web = siteurl.absolute_url(reverse("flood:incident", args=[incident.public_id]))
    level = 0 if step.kind == StepKind.CLOSED else step.to_level
    infos = []
    for language, tag in (("id", "id-ID"), ("en", "en-US")):
        with translation.override(language):
            description = incident_step_message(
                station=station,
                kind=step.kind,
                parameter=incident.parameter,
                level_name=step.level_name,
                value=step.value,
                opened=incident.opened_at,
            )
        infos.append(
            cap.Info(
                language=tag,
                event=HAZARD_EVENTS.get(incident.hazard, HAZARD_EVENTS["flood"])[language],
                categories=("Met",) if incident.kind == AlertKind.RAIN else ("Geo", "Met"),
                urgency="Past" if step.kind == StepKind.CLOSED else "Immediate",
                severity=SEVERITY.get(level, "Unknown"),
                certainty="Observed",
                response_types=RESPONSE.get(level, ()),
                effective=timezone.localtime(step.at),
                expires=timezone.localtime(step.at + timedelta(hours=INCIDENT_TTL_H)),
                sender_name="BPBD Kota Pekalongan (Kota Pintar)",
                headline=f"{step.level_name}: {station.name}",
                description=description,
                web=web,
                parameters=[
                    ("level", str(step.to_level)),
                    ("level_name", step.level_name),
                    ("max_level", str(incident.max_level)),
                    ("station", station.code),
                    *([("value", f"{step.value:g}")] if step.value is not None else []),
                ],
                event_codes=[("kotapintar", f"flood.incident.{incident.hazard}")],
                areas=_areas(station),
            )
        )
    return infos


def incident_messages(incident: Incident) -> list[bytes]:
    """The incident's CAP messages, one per step: the first an `Alert`, each later one an `Update`
    whose `<references>` names every earlier message, the close a `Cancel`."""
    steps = list(incident.steps.order_by("seq"))
    docs: list[bytes] = []
    earlier: list[str] = []
    for step in steps:
        sent = timezone.localtime(step.at)
        identifier = incident_identifier(incident, step.seq)
        msg_type = "Alert" if step.seq == 0 else ("Cancel" if step.kind == StepKind.CLOSED else "Update")
        docs.append(
            cap.to_xml(
                cap.Alert(
                    identifier=identifier,
                    sender=sender(),
                    sent=sent,
                    msg_type=msg_type,
                    references=" ".join(earlier),
                    infos=incident_step_infos(incident, step),
                )
            )
        )
        earlier.append(f"{sender()},{identifier},{cap.cap_time(sent)}")
    return docs


ATOM = "http://www.w3.org/2005/Atom"


def incidents_atom(incidents: list[Incident], *, now: datetime | None = None) -> bytes:
    """An Atom feed whose entries link each incident's latest CAP message (the usual way to publish
    a set of CAP messages: each message stays its own schema-valid document)."""
    now = now or timezone.now()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:kotapintar:banjir:insiden:{siteurl.hostname()}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "Kota Pintar Banjir: insiden (CAP 1.2)"
    entries = []
    for incident in incidents:
        last = incident.steps.order_by("-seq").first()
        if last is None:
            continue
        sent = timezone.localtime(last.at)
        url = siteurl.absolute_url(reverse("flood:cap_incident", args=[incident.public_id, last.seq]))
        entries.append((incident, last, sent, url))
    newest = max((last.at for _i, last, _s, _u in entries), default=now)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = cap.cap_time(timezone.localtime(newest))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "BPBD Kota Pekalongan (Kota Pintar)"
    ET.SubElement(
        feed, f"{{{ATOM}}}link", rel="self", href=siteurl.absolute_url(reverse("flood:cap_incidents"))
    )
    for incident, last, sent, url in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:{incident_identifier(incident, last.seq)}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{last.level_name}: {incident.station.name}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = cap.cap_time(sent)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="application/cap+xml", href=url)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
