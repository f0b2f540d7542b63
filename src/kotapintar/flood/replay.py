"""Replay a recorded series through the alarm logic to tune thresholds, without touching live data.

The series (CSV `station,parameter,time,value`, or the stored readings of a station) runs through
`lib.incidents.replay`, the same hysteresis, incident and notification rules the live alarms use
(`services.alarms`, `services.incidents`, `services.deliveries`). Thresholds come from a JSON file
or form (refused with the reason when levels invert or overlap, `thresholds.limits_check`) or, for
stations it does not name, from the station's stored threshold versions valid at each reading's
time. Nothing is written: bad CSV lines are reported with their line number and the rest replayed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.flood import selectors
from kotapintar.flood.errors import REJECT_REASONS, BadLimits, BadThresholdFile
from kotapintar.flood.models import LEVEL_PARAMETERS, Station
from kotapintar.flood.readings import Row
from kotapintar.flood.services.ingest import FUTURE_TOLERANCE, csv_rows, readings_check
from kotapintar.flood.thresholds import limits_check, limits_of
from kotapintar.lib import hysteresis
from kotapintar.lib import incidents as logic

THRESHOLD_FILE_MAX_BYTES = 1_000_000
#: The replay's notification count assumes one channel with this quiet period for de-escalations
#: (the default of a channel, `Channel.deescalation_quiet_s`).
DEFAULT_QUIET = timedelta(hours=1)

#: Why a replay line was skipped beyond the ingest reasons: code → translated message.
REPLAY_REASONS = {
    "unordered_time": _("The time is earlier than the line before it for this station and parameter."),
    "duplicate_time": _("The time repeats the line before it for this station and parameter."),
    "no_thresholds": _("The station has no thresholds for this parameter (give them in the file)."),
}


@dataclass(frozen=True)
class Spec:
    """One threshold set for the replay (the same fields as a stored version)."""

    waspada: float
    siaga: float
    awas: float
    deadband: float = 5.0
    off_delay_s: int = 1800
    on_readings: int = 2
    on_delay_s: int = 0


@dataclass
class LineProblem:
    line: int
    code: str
    message: str
    detail: str = ""


@dataclass
class Result:
    replay: logic.Replay = field(default_factory=logic.Replay)
    replayed: int = 0
    rejected: list[LineProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "incidents": [
                {
                    "station": inc.station,
                    "parameter": inc.parameter,
                    "opened": inc.opened.isoformat(),
                    "closed": inc.closed.isoformat() if inc.closed else None,
                    "max_level": inc.max_level,
                    "steps": [
                        {"time": s.time.isoformat(), "from": s.from_level, "to": s.to_level, "kind": s.kind}
                        for s in inc.steps
                    ],
                }
                for inc in self.replay.incidents
            ],
            "transitions": self.replay.transitions,
            "notifications": self.replay.notifications,
            "replayed": self.replayed,
            "rejected": [
                {"line": p.line, "code": p.code, "message": p.message, "detail": p.detail}
                for p in self.rejected
            ],
        }


_SPEC_FIELDS = {"waspada", "siaga", "awas", "deadband", "off_delay_s", "on_readings", "on_delay_s"}


def spec_checked(raw: Any, where: str) -> Spec:
    """A threshold set from JSON, refused (with where and why) unless it is a valid, ordered set."""
    if not isinstance(raw, dict) or not {"waspada", "siaga", "awas"} <= set(raw) or set(raw) - _SPEC_FIELDS:
        raise BadThresholdFile(detail={"at": where})
    try:
        spec = Spec(
            waspada=float(raw["waspada"]),
            siaga=float(raw["siaga"]),
            awas=float(raw["awas"]),
            deadband=float(raw.get("deadband", 5.0)),
            off_delay_s=_whole(raw.get("off_delay_s", 1800)),
            on_readings=_whole(raw.get("on_readings", 2)),
            on_delay_s=_whole(raw.get("on_delay_s", 0)),
        )
    except (TypeError, ValueError) as exc:
        raise BadThresholdFile(detail={"at": where}) from exc
    try:
        limits_check(**spec.__dict__)
    except BadLimits as exc:
        raise BadLimits(exc.message, detail={"at": where}) from exc
    return spec


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(value)
    return int(value)


def thresholds_parse(data: bytes) -> dict[tuple[str, str], Spec]:
    """`{"STATION": {limits}}` (for its level parameters) or `{"STATION": {"water_level": {limits}}}`."""
    if len(data) > THRESHOLD_FILE_MAX_BYTES:
        raise BadThresholdFile(detail={"max_bytes": THRESHOLD_FILE_MAX_BYTES})
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadThresholdFile() from exc
    if not isinstance(raw, dict) or not raw:
        raise BadThresholdFile()
    out: dict[tuple[str, str], Spec] = {}
    for station, value in raw.items():
        if isinstance(value, dict) and "waspada" not in value:
            for parameter, spec in value.items():
                if parameter not in LEVEL_PARAMETERS:
                    raise BadThresholdFile(detail={"at": f"{station}.{parameter}"})
                out[(station, parameter)] = spec_checked(spec, f"{station}.{parameter}")
        else:
            spec = spec_checked(value, station)
            for parameter in LEVEL_PARAMETERS:
                out[(station, str(parameter))] = spec
    return out


def _limits_source(
    station: Station, parameter: str, given: Spec | None
) -> Callable[[datetime], hysteresis.Limits | None]:
    if given is not None:
        fixed = limits_of(given)
        return lambda _at: fixed
    versions = sorted(
        (ts for ts in selectors.threshold_set_list(station=station) if ts.parameter == parameter),
        key=lambda ts: ts.valid_from,
    )
    built = {ts.pk: limits_of(ts) for ts in versions}

    def at(when: datetime) -> hysteresis.Limits | None:
        current = None
        for ts in versions:
            if ts.valid_from <= when:
                current = ts
        return built[current.pk] if current is not None else None

    return at


def replay_rows(
    rows: list[dict[str, Any]],
    *,
    thresholds: dict[tuple[str, str], Spec] | None = None,
    station: str = "",
    first_line: int = 2,
    quiet: timedelta = DEFAULT_QUIET,
) -> Result:
    """Replay CSV rows (dicts; line numbers from `first_line`); nothing is written."""
    thresholds = thresholds or {}
    result = Result()
    checked = readings_check(rows, latest_allowed=timezone.now() + FUTURE_TOLERANCE)
    series: dict[tuple[str, str], list[tuple[datetime, float]]] = defaultdict(list)
    stations: dict[str, Station] = {}
    first: dict[tuple[str, str], int] = {}
    for i, (raw, outcome) in enumerate(zip(rows, checked, strict=True)):
        line = first_line + i
        code = str(raw.get("station", "")) if isinstance(raw, dict) else ""
        if station and code != station:
            continue
        if not isinstance(outcome, Row):
            reason, detail = outcome
            result.rejected.append(LineProblem(line, reason, str(REJECT_REASONS.get(reason, reason)), detail))
            continue
        parameter = outcome.ds.parameter
        if parameter not in LEVEL_PARAMETERS:
            result.rejected.append(
                LineProblem(line, "unknown_parameter", str(REJECT_REASONS["unknown_parameter"]), parameter)
            )
            continue
        key = (code, parameter)
        points = series[key]
        if points and outcome.time <= points[-1][0]:
            reason = "duplicate_time" if outcome.time == points[-1][0] else "unordered_time"
            result.rejected.append(
                LineProblem(line, reason, str(REPLAY_REASONS[reason]), outcome.time.isoformat())
            )
            continue
        first.setdefault(key, line)
        points.append((outcome.time, outcome.value))
    for (code, parameter), points in series.items():
        st = stations.get(code) or selectors.station_get(code=code)
        stations[code] = st
        given = thresholds.get((code, parameter))
        if given is None and not any(
            ts.parameter == parameter for ts in selectors.threshold_set_list(station=st)
        ):
            result.rejected.append(
                LineProblem(
                    first[(code, parameter)], "no_thresholds", str(REPLAY_REASONS["no_thresholds"]), code
                )
            )
            continue
        source = _limits_source(st, parameter, given)
        logic.replay(points, source, station=code, parameter=parameter, quiet=quiet, into=result.replay)
        result.replayed += len(points)
    result.replay.incidents.sort(key=lambda inc: (inc.opened, inc.station))
    result.rejected.sort(key=lambda p: p.line)
    return result


def replay_csv(
    data: bytes, *, thresholds: dict[tuple[str, str], Spec] | None = None, station: str = ""
) -> Result:
    """Replay a CSV file (`services.ingest.csv_rows` reads it: size, encoding, header)."""
    return replay_rows(csv_rows(data), thresholds=thresholds, station=station)


MAX_DAYS = 366


def replay_stored(
    *, station: Station, parameter: str, spec: Spec, since: datetime, until: datetime | None = None
) -> tuple[Result, list[tuple[datetime, float]]]:
    """What `spec` would have done to the station's stored readings since `since` (and the series).
    `spec` is checked first (`limits_check`: inverted or overlapping levels are refused)."""
    limits_check(**spec.__dict__)
    points = [
        (o.phenomenon_time, o.value)
        for o in selectors.observation_list(
            station=station, parameter=parameter, since=since, until=until, limit=200_000
        )
    ]
    result = Result()
    fixed = limits_of(spec)
    logic.replay(points, lambda _at: fixed, station=station.code, parameter=parameter, into=result.replay)
    result.replayed = len(points)
    return result, points


def chart(
    result: Result, points: list[tuple[datetime, float]], spec: Spec, *, max_points: int = 1500
) -> dict[str, Any]:
    """The station page's replay chart: the series (thinned), the thresholds and the replayed level."""
    stride = max(1, len(points) // max_points)
    shown = points[::stride]
    steps = sorted((s.time, s.to_level) for inc in result.replay.incidents for s in inc.steps)
    levels: list[int] = []
    level, i = 0, 0
    for at, _value in shown:
        while i < len(steps) and steps[i][0] <= at:
            level = steps[i][1]
            i += 1
        levels.append(level)
    return {
        "points": [[timezone.localtime(t).isoformat(), v] for t, v in shown],
        "levels": levels,
        "thresholds": [spec.waspada, spec.siaga, spec.awas],
    }
