"""Rob (tidal flooding) forecasts: the windows where tide plus land subsidence reaches Waspada, and
the early-warning alarm they raise."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kotapintar.flood import selectors
from kotapintar.flood.formatting import rob_message
from kotapintar.flood.models import LEVEL_NAMES, AlertKind, Parameter, RobForecast, Station, ThresholdSet
from kotapintar.flood.services.alarms import (
    alert_record,
    alert_state_lock,
    level_name_of,
    threshold_at,
    threshold_versions,
)
from kotapintar.lib import hysteresis


def rob_forecast_refresh(
    *, station: Station, start: datetime | None = None, days: int = 3
) -> list[RobForecast]:
    """Replace the station's future rob windows: where tide + subsidence reaches Waspada or more."""
    start = (start or timezone.now()).replace(second=0, microsecond=0)
    step = timedelta(minutes=10)
    times = [start + i * step for i in range(int(days * 86400 / step.total_seconds()) + 1)]
    heights = selectors.rob_predicted_cm(station, times)
    versions = threshold_versions(station.pk, Parameter.TIDE_LEVEL)
    windows: list[tuple[int, datetime, datetime, datetime, float, ThresholdSet]] = []
    run: list[Any] | None = None
    for t, h in zip(times, heights, strict=False):
        ts = threshold_at(versions, t)
        level = hysteresis.raw_level(h, (ts.waspada, ts.siaga, ts.awas)) if ts else 0
        if run is not None and (level != run[0]):
            windows.append((run[0], run[1], run[2], run[3], run[4], run[5]))
            run = None
        if level > 0:
            if run is None:
                run = [level, t, t, t, h, ts]
            run[2] = t
            if h > run[4]:
                run[3], run[4] = t, h
    if run is not None:
        windows.append((run[0], run[1], run[2], run[3], run[4], run[5]))
    # Merge adjacent windows into one event per crossing of Waspada, carrying its highest level.
    events: list[dict[str, Any]] = []
    for level, w_start, w_end, peak_at, peak, ts in windows:
        if events and w_start - events[-1]["end"] <= step:
            ev = events[-1]
            ev["end"] = w_end
            if level > ev["level"]:
                ev.update(level=level, level_start=w_start, level_end=w_end, ts=ts)
            elif level == ev["level"]:
                ev["level_end"] = w_end
            if peak > ev["peak"]:
                ev.update(peak=peak, peak_at=peak_at)
        else:
            events.append(
                {
                    "level": level,
                    "start": w_start,
                    "end": w_end,
                    "level_start": w_start,
                    "level_end": w_end,
                    "peak": peak,
                    "peak_at": peak_at,
                    "ts": ts,
                }
            )
    names = selectors.kelurahan_names(
        station.warns_kelurahan or ([station.kelurahan.code] if station.kelurahan else [])
    )
    now = timezone.now()
    with transaction.atomic():
        RobForecast.objects.filter(station=station, ends_at__gte=start).delete()
        out = []
        for ev in events:
            level_name = level_name_of(ev["level"], ev["ts"])
            out.append(
                RobForecast.objects.create(
                    station=station,
                    level=ev["level"],
                    level_name=level_name,
                    starts_at=ev["level_start"],
                    ends_at=ev["level_end"] + step,
                    peak_at=ev["peak_at"],
                    peak_cm=round(ev["peak"], 1),
                    kelurahan_names=names,
                    message=rob_message(level_name, ev["level_start"], ev["level_end"] + step, names),
                    computed_at=now,
                )
            )
        _rob_alarm(station, out, start, now)
    return out


#: A rob window starting within this horizon raises the station's rob alarm (the early warning).
ROB_WARNING_HORIZON = timedelta(hours=24)


def _rob_alarm(station: Station, windows: list[RobForecast], start: datetime, now: datetime) -> None:
    """Warn ahead of time: the highest level forecast within the horizon is the rob alarm's level."""
    upcoming = [w for w in windows if w.starts_at <= start + ROB_WARNING_HORIZON]
    top = max(upcoming, key=lambda w: (w.level, -w.starts_at.timestamp()), default=None)
    level = top.level if top is not None else 0
    state = alert_state_lock(station.pk, AlertKind.ROB, Parameter.TIDE_LEVEL)
    if state.level == level:
        return
    previous = state.level
    state.level = level
    state.changed_at = now
    state.save(update_fields=["level", "changed_at"])
    alert_record(
        station_id=station.pk,
        kind=AlertKind.ROB,
        parameter=Parameter.TIDE_LEVEL,
        level=level,
        previous=previous,
        value=top.peak_cm if top is not None else None,
        at=top.peak_at if top is not None else now,
        level_name=top.level_name if top is not None else str(LEVEL_NAMES[0]),
        detail={
            "message": top.message,
            "starts_at": top.starts_at.isoformat(),
            "ends_at": top.ends_at.isoformat(),
            "kelurahan": top.kelurahan_names,
        }
        if top is not None
        else {},
    )
