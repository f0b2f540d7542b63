"""Alarm levels with hysteresis (pure; no Django).

The model is the OPC UA Part 9 limit alarm (§B.1.5) as described in the flood domain notes:

1. **Escalate after a dwell**: the level rises once the value has stayed at or above a limit for
   ``on_readings`` consecutive readings *and* ``on_delay`` (defaults 1 and 0: at once). While it
   dwells, the level it rises to is the lowest the value pointed to, so a spike does not skip levels
   on its own. A value back below the limit restarts the dwell: noise around one limit escalates once.
2. **De-escalate only after an off-delay plus a deadband**: the level drops only once the value has
   stayed below ``limit − deadband`` for the whole off-delay. If it climbs back in between, the
   countdown starts again.
3. Levels are integers 0 (normal) … ``len(limits)``; ``limits`` are ascending and half-open
   (a value equal to a limit is at that limit's level), so the bands have no gaps.

`step()` returns the new state and whether the level changed; callers record an event on a change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    """Ascending level limits (e.g. Waspada, Siaga, Awas) with the de-escalation rules."""

    limits: tuple[float, ...]
    deadband: float = 0.0
    off_delay: timedelta = timedelta(0)
    #: Escalation dwell: consecutive readings at or above the limit, and the time since the first one.
    on_readings: int = 1
    on_delay: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if any(b < a for a, b in zip(self.limits, self.limits[1:], strict=False)):
            raise ValueError("limits must be ascending")
        if self.deadband < 0:
            raise ValueError("deadband must not be negative")
        if self.off_delay < timedelta(0):
            raise ValueError("off_delay must not be negative")
        if self.on_readings < 1:
            raise ValueError("on_readings must be at least 1")
        if self.on_delay < timedelta(0):
            raise ValueError("on_delay must not be negative")


@dataclass(frozen=True)
class State:
    level: int = 0
    #: When the value first fell below the current level's limit minus the deadband (None: not falling).
    below_since: datetime | None = None
    #: The highest level the value has pointed to while falling; the level it drops to.
    pending_level: int | None = None
    #: The time of the last value evaluated; older values are ignored (late readings).
    last_time: datetime | None = None
    #: When the value first rose above the current level (None: not dwelling), how many readings
    #: since, and the lowest level it pointed to meanwhile (the level it rises to).
    above_since: datetime | None = None
    above_count: int = 0
    above_level: int | None = None


def raw_level(value: float, limits: Sequence[float]) -> int:
    """The level a value falls in, without hysteresis: the number of limits it reaches."""
    return sum(1 for limit in limits if value >= limit)


def steady_band(state: State, limits: Limits) -> tuple[float, float] | None:
    """The values a later reading may have for `step()` to change nothing but `last_time`.

    None when the level is counting down (or may be: a pending level is set) or dwelling above a
    limit. Otherwise
    ``(low, high)``: a value with ``value + deadband >= low`` and ``value < high`` neither
    escalates nor starts the countdown, so `step()` returns ``State(level, last_time=at)``
    unchanged otherwise. Callers use it to skip `step()` for the steady stream of normal readings.
    """
    if state.below_since is not None or state.pending_level is not None or state.above_since is not None:
        return None
    level, bounds = state.level, limits.limits
    low = bounds[level - 1] if level > 0 else -math.inf
    high = bounds[level] if level < len(bounds) else math.inf
    return low, high


def step(state: State, value: float, at: datetime, limits: Limits) -> tuple[State, bool]:
    """Evaluate one value observed at `at`. Values older than the last one evaluated change nothing."""
    if state.last_time is not None and at <= state.last_time:
        return state, False
    raw = raw_level(value, limits.limits)
    if raw > state.level:
        if state.above_since is None:
            since, count, rises_to = at, 1, raw
        else:
            since, count = state.above_since, state.above_count + 1
            rises_to = min(raw, state.above_level if state.above_level is not None else raw)
        if count >= limits.on_readings and at - since >= limits.on_delay:
            return State(level=rises_to, last_time=at), True
        dwelling = State(level=state.level, last_time=at, above_since=since, above_count=count)
        return replace(dwelling, above_level=rises_to), False
    # The level the value would have if it were `deadband` higher: it must clear the deadband to count.
    target = raw_level(value + limits.deadband, limits.limits)
    if target >= state.level:
        return State(level=state.level, below_since=None, pending_level=None, last_time=at), False
    if state.below_since is None:
        new = State(level=state.level, below_since=at, pending_level=target, last_time=at)
        if limits.off_delay <= timedelta(0):
            return State(level=target, last_time=at), True
        return new, False
    pending = max(target, state.pending_level if state.pending_level is not None else target)
    if at - state.below_since >= limits.off_delay:
        return State(level=pending, last_time=at), True
    return (
        replace(
            state, pending_level=pending, last_time=at, above_since=None, above_count=0, above_level=None
        ),
        False,
    )
