"""Threshold rules shared by the stored threshold versions and the replay's threshold files.

`limits_check` refuses limits that invert or overlap (with the reason); `limits_of` turns a version
into the `lib.hysteresis.Limits` the alarm and the replay step with.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from kotapintar.flood.errors import BadLimits
from kotapintar.lib import hysteresis

MAX_OFF_DELAY_S = 7 * 86400
MAX_ON_READINGS = 100


class LimitsLike(Protocol):
    """A stored threshold version or a replay's threshold set."""

    @property
    def waspada(self) -> float: ...
    @property
    def siaga(self) -> float: ...
    @property
    def awas(self) -> float: ...
    @property
    def deadband(self) -> float: ...
    @property
    def off_delay_s(self) -> int: ...
    @property
    def on_readings(self) -> int: ...
    @property
    def on_delay_s(self) -> int: ...


def limits_check(
    *,
    waspada: float,
    siaga: float,
    awas: float,
    deadband: float,
    off_delay_s: int,
    on_readings: int,
    on_delay_s: int,
) -> None:
    """Raise `BadLimits` with the reason when the levels invert or overlap or the delays make no sense."""
    if not all(math.isfinite(v) for v in (waspada, siaga, awas, deadband)):
        raise BadLimits(_("Limits and deadband must be finite numbers."))
    if not waspada < siaga < awas:
        raise BadLimits(_("The levels are inverted or equal: Waspada < Siaga < Awas is required."))
    if deadband < 0:
        raise BadLimits(_("The deadband must not be negative."))
    if deadband > min(siaga - waspada, awas - siaga):
        raise BadLimits(
            _("The levels overlap: the deadband must not be larger than the gap between two levels.")
        )
    if not 0 <= off_delay_s <= MAX_OFF_DELAY_S or not 0 <= on_delay_s <= MAX_OFF_DELAY_S:
        raise BadLimits(_("Off-delay and dwell must be between 0 seconds and 7 days."))
    if not 1 <= on_readings <= MAX_ON_READINGS:
        raise BadLimits(_("The readings before escalating must be between 1 and 100."))


def limits_of(ts: LimitsLike) -> hysteresis.Limits:
    return hysteresis.Limits(
        (ts.waspada, ts.siaga, ts.awas),
        deadband=ts.deadband,
        off_delay=timedelta(seconds=ts.off_delay_s),
        on_readings=ts.on_readings,
        on_delay=timedelta(seconds=ts.on_delay_s),
    )
