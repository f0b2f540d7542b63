"""The texts of flood alerts and rob warnings (translated; no database writes).

An alert keeps the facts it was raised on (station, kind, parameter, levels, value, the rain sums and
the rob window in `detail`); its text is written from them when it is read, in the reader's language
and with the reader's number format (`alert_text`, `forecast_text`). `Alert.message` keeps the text
as it was sent at the time (deliveries, audit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from kotapintar.flood.models import PARAMETER_SPECS, Alert, AlertKind, Parameter, RobForecast, Station


def number(value: float, decimals: int = 1) -> str:
    """A measured figure in the active language's format: 0,39 in Indonesian, 0.39 in English;
    trailing zeros dropped (22,2 rather than 22,20)."""
    text = formats.number_format(
        round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    sep = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(sep) if sep in text else text


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
    shown = f"{number(value, 0)} {unit}" if value is not None else ""
    if kind == AlertKind.RAIN and sums:
        shown = gettext("%(h1)s mm in 1 h, %(h24)s mm in 24 h") % {
            "h1": number(sums.get("1", 0), 2),
            "h24": number(sums.get("24", 0), 2),
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
        "start": formats.time_format(local_start, "TIME_FORMAT"),
        "end": formats.time_format(local_end, "TIME_FORMAT"),
        "where": where or "-",
    }


def alert_text(alert: Alert) -> str:
    """The alert's text in the active language, written from the facts it was raised on."""
    detail = alert.detail or {}
    if alert.kind == AlertKind.ROB:
        starts, ends = (
            parse_datetime(detail.get("starts_at") or ""),
            parse_datetime(detail.get("ends_at") or ""),
        )
        if starts is None or ends is None or "kelurahan" not in detail:
            return str(detail.get("message") or alert.message)  # raised before the window was kept
        return rob_message(alert.level_name, starts, ends, detail["kelurahan"])
    return alert_message(
        station=alert.station,
        kind=alert.kind,
        parameter=alert.parameter,
        level=alert.level,
        previous=alert.previous_level,
        level_name=alert.level_name,
        value=alert.value,
        sums=detail.get("sums_mm"),
    )


def forecast_text(fc: RobForecast) -> str:
    """A rob window's warning in the active language."""
    return rob_message(fc.level_name, fc.starts_at, fc.ends_at, fc.kelurahan_names)


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
        "renewed": gettext("Still %(level)s at %(station)s: %(what)s %(value)s (since %(since)s)."),
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
