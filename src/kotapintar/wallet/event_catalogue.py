"""What the wallet knows about events: only their codes (`MerchantEvent`). Names and dates live in the
app that runs the events (batik), which registers a lookup here in its AppConfig.ready; the POS uses
it to offer only the events running today, by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class EventInfo:
    code: str
    name: str
    starts_at: datetime
    ends_at: datetime
    ongoing: bool = False


EventLookup = Callable[[list[str]], dict[str, EventInfo]]
_lookups: list[EventLookup] = []


def event_lookup_register(lookup: EventLookup) -> None:
    """Add a source of event names and dates (idempotent)."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def events_describe(codes: list[str]) -> dict[str, EventInfo] | None:
    """Name and dates of each known code; None when no app describes events at all."""
    if not _lookups:
        return None
    found: dict[str, EventInfo] = {}
    for lookup in _lookups:
        found.update(lookup(codes))
    return found
