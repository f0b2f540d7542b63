"""The texts of flood alerts and rob warnings (translated; no database writes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from kotapintar.flood.models import PARAMETER_SPECS, AlertKind, Parameter, Station


def _parameter_label(parameter: str) -> str:
    return str(Parameter(parameter).label) if parameter in Parameter.values else parameter


def alert_message(
    *,
    station: Station,
    kind: str,
    parameter: str,
    level: int,
    previous: int,
    level_name: str,
    value: float | None,
    sums: dict[str, float] | None = None,
) -> str:
    """The one-line text of an alert: a level change, a rain alarm or a silent sensor."""
    where = station.name + (f" ({station.kelurahan.name})" if station.kelurahan else "")
    if kind == AlertKind.SILENT:
        if level > 0:
            return gettext("Sensor silent: %(station)s sends no %(parameter)s data.") % {
                "station": where,
                "parameter": _parameter_label(parameter),
            }
        return gettext("Sensor back: %(station)s sends data again.") % {"station": where}
    unit = PARAMETER_SPECS.get(parameter, ("",))[0]
    shown = f"{value:.0f} {unit}" if value is not None else ""
    if kind == AlertKind.RAIN and sums:
        shown = gettext("%(h1)s mm in 1 h, %(h24)s mm in 24 h") % {
            "h1": sums.get("1", 0),
            "h24": sums.get("24", 0),
        }
    text = (
        gettext("%(level)s at %(station)s: %(what)s %(value)s.")
        if level > previous
        else gettext("Down to %(level)s at %(station)s: %(what)s %(value)s.")
    )
    return text % {
        "level": level_name,
        "station": where,
        "what": _parameter_label(parameter).lower(),
        "value": shown,
    }


def rob_message(level_name: str, start: datetime, end: datetime, kelurahan: Sequence[str]) -> str:
    """The warning text of a rob (tidal flooding) window, in local time."""
    local_start = timezone.localtime(start)
    local_end = timezone.localtime(end)
    days = [
        gettext("Monday"),
        gettext("Tuesday"),
        gettext("Wednesday"),
        gettext("Thursday"),
        gettext("Friday"),
        gettext("Saturday"),
        gettext("Sunday"),
    ]
    where = ", ".join(kelurahan[:4]) + ("…" if len(kelurahan) > 4 else "")
    return gettext("rob %(level)s expected %(day)s %(start)s–%(end)s in %(where)s") % {
        "level": level_name,
        "day": days[local_start.weekday()],
        "start": local_start.strftime("%H.%M"),
        "end": local_end.strftime("%H.%M"),
        "where": where or "-",
    }


def incident_step_message(
    *, station: Station, kind: str, parameter: str, level_name: str, value: float | None, opened: datetime
) -> str:
    """The text of one incident step (translated: callers pick the language with translation.override)."""
    where = station.name + (f" ({station.kelurahan.name})" if station.kelurahan else "")
    unit = PARAMETER_SPECS.get(parameter, ("",))[0]
    values = {
        "level": level_name,
        "station": where,
        "what": _parameter_label(parameter).lower(),
        "value": f"{value:.0f} {unit}" if value is not None else "–",
        "since": timezone.localtime(opened).strftime("%d/%m %H.%M"),
    }
    texts = {
        "opened": gettext("Incident opened: %(level)s at %(station)s, %(what)s %(value)s."),
        "escalated": gettext("Escalated to %(level)s at %(station)s: %(what)s %(value)s (since %(since)s)."),
        "deescalated": gettext("Down to %(level)s at %(station)s: %(what)s %(value)s (since %(since)s)."),
        "closed": gettext(
            "Back to normal at %(station)s: %(what)s %(value)s; the incident since %(since)s is closed."
        ),
    }
    return texts.get(kind, texts["escalated"]) % values


def sparkline_points(values: Sequence[float], *, width: int = 120, height: int = 28) -> str:
    """An SVG polyline's points for a small chart of `values` (empty when fewer than two)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in enumerate(values)
    )


def duration_text(seconds: float) -> str:
    """A duration as operators say it: "2 h 15 min", "40 min", "3 d 4 h"."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return gettext("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return gettext("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    return gettext("%(m)s min") % {"m": mins}
