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
