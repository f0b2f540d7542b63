"""Common Alerting Protocol 1.2 (OASIS) XML writer (pure; no Django).

Builds an `<alert>` in the namespace ``urn:oasis:names:tc:emergency:cap:1.2`` from plain dataclasses,
with the element order the schema requires. Times are written as ``YYYY-MM-DDThh:mm:ss+hh:mm`` as the
schema's pattern demands (no fractional seconds, no "Z").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

NS = "urn:oasis:names:tc:emergency:cap:1.2"


def cap_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("CAP times must be timezone-aware")
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "+00:00" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class Area:
    description: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)  # (lon, lat) rings
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # (lon, lat, radius km)
    geocodes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Info:
    event: str
    urgency: str
    severity: str
    certainty: str
    expires: datetime
    headline: str
    description: str
    areas: list[Area]
    language: str = "id-ID"
    categories: tuple[str, ...] = ("Met",)
    response_types: tuple[str, ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    sender_name: str = ""
    instruction: str = ""
    web: str = ""
    parameters: list[tuple[str, str]] = field(default_factory=list)
    event_codes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: datetime
    infos: list[Info]
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    note: str = ""
    references: str = ""


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}")
    el.text = value
    return el


def _pairs(parent: ET.Element, tag: str, pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        el = ET.SubElement(parent, f"{{{NS}}}{tag}")
        _text(el, "valueName", name)
        _text(el, "value", value)


def polygon_text(ring: list[tuple[float, float]]) -> str:
    """CAP polygons are 'lat,lon' pairs separated by spaces, closed (first point repeated)."""
    points = list(ring)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return " ".join(f"{lat:.5f},{lon:.5f}" for lon, lat in points)


def to_element(alert: Alert) -> ET.Element:
    root = ET.Element(f"{{{NS}}}alert")
    _text(root, "identifier", alert.identifier)
    _text(root, "sender", alert.sender)
    _text(root, "sent", cap_time(alert.sent))
    _text(root, "status", alert.status)
    _text(root, "msgType", alert.msg_type)
    _text(root, "scope", alert.scope)
    if alert.note:
        _text(root, "note", alert.note)
    if alert.references:
        _text(root, "references", alert.references)
    for info in alert.infos:
        el = ET.SubElement(root, f"{{{NS}}}info")
        _text(el, "language", info.language)
        for category in info.categories:
            _text(el, "category", category)
        _text(el, "event", info.event)
        for response in info.response_types:
            _text(el, "responseType", response)
        _text(el, "urgency", info.urgency)
        _text(el, "severity", info.severity)
        _text(el, "certainty", info.certainty)
        _pairs(el, "eventCode", info.event_codes)
        if info.effective is not None:
            _text(el, "effective", cap_time(info.effective))
        if info.onset is not None:
            _text(el, "onset", cap_time(info.onset))
        _text(el, "expires", cap_time(info.expires))
        if info.sender_name:
            _text(el, "senderName", info.sender_name)
        _text(el, "headline", info.headline[:160])
        _text(el, "description", info.description)
        if info.instruction:
            _text(el, "instruction", info.instruction)
        if info.web:
            _text(el, "web", info.web)
        _pairs(el, "parameter", info.parameters)
        for area in info.areas:
            area_el = ET.SubElement(el, f"{{{NS}}}area")
            _text(area_el, "areaDesc", area.description)
            for ring in area.polygons:
                if len(ring) >= 3:
                    _text(area_el, "polygon", polygon_text(ring))
            for lon, lat, radius in area.circles:
                _text(area_el, "circle", f"{lat:.5f},{lon:.5f} {radius:.3f}")
            _pairs(area_el, "geocode", area.geocodes)
    return root


def to_xml(alert: Alert) -> bytes:
    ET.register_namespace("", NS)
    body: bytes = ET.tostring(to_element(alert), encoding="utf-8", xml_declaration=True)
    return body
