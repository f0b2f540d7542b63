"""Incidents from level changes, and replaying a series through the alarm logic (pure; no Django).

An incident is one hazard at one place from its first level change above Normal until the level is
back at Normal (which `lib.hysteresis` allows only after the off-delay below the deadband). Each level
change inside it is a step: opened, escalated, de-escalated, closed. A step is notified, except a
de-escalation that comes less than the channel's quiet period after the incident's last notified
step. The live alarms (`flood.services.alarms`, `flood.services.incidents`) and the replay
(`replay`) use these same functions, so a replay shows what the live system would have done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kotapintar.lib import hysteresis

OPENED, ESCALATED, DEESCALATED, CLOSED = "opened", "escalated", "deescalated", "closed"


def step_kind(previous: int, level: int) -> str:
    """What a level change means for the incident: opened (from Normal), closed (to Normal), or a step."""
    if previous == 0:
        return OPENED
    if level == 0:
        return CLOSED
    return ESCALATED if level > previous else DEESCALATED


def notify_step(kind: str, at: datetime, last_notified: datetime | None, quiet: timedelta) -> bool:
    """Whether a step goes out on a channel that last notified this incident at `last_notified`."""
    if kind != DEESCALATED or last_notified is None:
        return True
    return at - last_notified >= quiet


@dataclass
class Step:
    time: datetime
    from_level: int
    to_level: int
    kind: str


@dataclass
class ReplayIncident:
    station: str
    parameter: str
    opened: datetime
    closed: datetime | None = None
    max_level: int = 0
    steps: list[Step] = field(default_factory=list)


@dataclass
class Replay:
    incidents: list[ReplayIncident] = field(default_factory=list)
    transitions: int = 0
    notifications: int = 0


def replay(
    series: Iterable[tuple[datetime, float]],
    limits_at: Callable[[datetime], hysteresis.Limits | None],
    *,
    station: str,
    parameter: str,
    quiet: timedelta = timedelta(hours=1),
    into: Replay | None = None,
) -> Replay:
    """Run one station parameter's time-ordered series through the alarm, from Normal; the incidents,
    the level changes (transitions) and the notifications of one channel with quiet period `quiet`."""
    out = into if into is not None else Replay()
    state = hysteresis.State()
    current: ReplayIncident | None = None
    last_notified: datetime | None = None
    for at, value in series:
        limits = limits_at(at)
        if limits is None:
            continue
        previous = state.level
        state, changed = hysteresis.step(state, value, at, limits)
        if not changed:
            continue
        kind = step_kind(previous, state.level)
        out.transitions += 1
        if kind == OPENED or current is None:
            current = ReplayIncident(station=station, parameter=parameter, opened=at)
            out.incidents.append(current)
            last_notified = None
        current.steps.append(Step(time=at, from_level=previous, to_level=state.level, kind=kind))
        current.max_level = max(current.max_level, state.level)
        if notify_step(kind, at, last_notified, quiet):
            out.notifications += 1
            last_notified = at
        if kind == CLOSED:
            current.closed = at
            current = None
    return out
