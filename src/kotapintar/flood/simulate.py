"""Realistic synthetic readings for the demo and the tests (pure functions of time plus a seed).

- tide gauges: the station's own constituents (lib.tide) plus subsidence, plus a little noise;
- river gauges: a base level with a slow daily swing, and a flood wave (a rising river) following
  each afternoon's rain event;
- rain gauges: a convective rain event in the afternoon, whose strength depends on the day
  (`event_scale`): a week has dry days, showers and one or two real storms (BMKG "lebat" at the peak);
- pump houses: discharge that follows the state an operator set.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kotapintar.flood import selectors
from kotapintar.flood.models import Parameter, Station, StationKind

EVENT_HOUR_LOCAL = 15  # rain peaks mid-afternoon local time; rivers peak some hours later


@dataclass(frozen=True)
class Profile:
    base: float
    swing: float
    flood: float
    lag_h: float


RIVER_PROFILES = {
    "loji": Profile(base=70.0, swing=8.0, flood=110.0, lag_h=3.0),
    "banger": Profile(base=60.0, swing=6.0, flood=70.0, lag_h=2.5),
    "kupang": Profile(base=50.0, swing=5.0, flood=60.0, lag_h=2.0),
    "bremi": Profile(base=80.0, swing=10.0, flood=55.0, lag_h=2.0),
}


#: The strength of the afternoon event by day of the week (local date, Monday first): a city's week of
#: dry days, showers, one storm that floods the rivers and a lighter one.
WEEK_EVENTS = (0.0, 0.3, 0.0, 1.0, 0.15, 0.0, 0.65)


def _hours_since_event(at: datetime) -> float:
    local = at + timedelta(hours=7)
    return (local.hour + local.minute / 60 + local.second / 3600 - EVENT_HOUR_LOCAL) % 24


def event_scale(at: datetime) -> float:
    """The strength (0 = none, 1 = a storm) of the latest afternoon event at `at` (rain falls for
    3 hours; the rivers' waves follow within 15 hours, before the next afternoon)."""
    local = at - timedelta(hours=_hours_since_event(at)) + timedelta(hours=7)
    return WEEK_EVENTS[local.weekday()]


def rain_mm(at: datetime, step_s: int, *, seed: int = 0) -> float:
    """Rain in the `step_s` seconds ending at `at`: a 3-hour afternoon event peaking at ~15 mm/h."""
    h = _hours_since_event(at)
    if h > 3.0:
        return 0.0
    rate = 15.0 * event_scale(at) * math.sin(math.pi * h / 3.0) ** 2  # mm/h
    rng = random.Random(f"{seed}:{int(at.timestamp())}")
    return round(max(0.0, rate * step_s / 3600.0 * rng.uniform(0.8, 1.2)), 2)


def river_cm(profile: Profile, at: datetime, *, seed: int = 0) -> float:
    h = _hours_since_event(at) - profile.lag_h
    wave = profile.flood * event_scale(at) * math.exp(-((h - 2.0) ** 2) / 4.0) if -3 < h < 12 else 0.0
    daily = profile.swing * math.sin(2 * math.pi * (at.timestamp() / 86400.0))
    rng = random.Random(f"{seed}:{int(at.timestamp())}")
    return round(profile.base + daily + wave + rng.uniform(-1.0, 1.0), 1)


def profile_for(station: Station) -> Profile:
    key = (station.river or station.code).lower()
    for name, profile in RIVER_PROFILES.items():
        if name in key:
            return profile
    return RIVER_PROFILES["kupang"]


def tide_cm(station: Station, times: Sequence[datetime], *, seed: int = 0) -> list[float]:
    values = selectors.rob_predicted_cm(station, times)
    out = []
    for t, v in zip(times, values, strict=True):
        rng = random.Random(f"{seed}:{int(t.timestamp())}")
        out.append(round(v + rng.uniform(-2.0, 2.0), 1))
    return out


def readings_for(
    stations: Sequence[Station], times: Sequence[datetime], *, step_s: int = 600, seed: int = 0
) -> list[dict[str, Any]]:
    """One reading per station main datastream per time (ISO strings, as a field gateway sends them)."""
    out: list[dict[str, Any]] = []
    for st in stations:
        if st.kind == StationKind.RIVER:
            profile = profile_for(st)
            out += [
                {
                    "station": st.code,
                    "parameter": Parameter.WATER_LEVEL.value,
                    "time": t.isoformat(),
                    "value": river_cm(profile, t, seed=seed),
                }
                for t in times
            ]
        elif st.kind == StationKind.RAIN:
            out += [
                {
                    "station": st.code,
                    "parameter": Parameter.RAINFALL.value,
                    "time": t.isoformat(),
                    "value": rain_mm(t, step_s, seed=seed + st.pk),
                }
                for t in times
            ]
        elif st.kind == StationKind.TIDE and st.tide_constituents:
            for t, v in zip(times, tide_cm(st, times, seed=seed), strict=True):
                out.append(
                    {
                        "station": st.code,
                        "parameter": Parameter.TIDE_LEVEL.value,
                        "time": t.isoformat(),
                        "value": v,
                    }
                )
        elif st.kind == StationKind.PUMP:
            flow = float(st.capacity_lps) if st.pump_state == "on" else 0.0
            out += [
                {
                    "station": st.code,
                    "parameter": Parameter.PUMP_FLOW.value,
                    "time": t.isoformat(),
                    "value": flow,
                }
                for t in times
            ]
    return out
