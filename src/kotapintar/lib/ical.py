"""A small iCalendar (RFC 5545) writer: text escaping, line folding at 75 octets, UTC date-times.

Pure Python, no Django. Lines end in CRLF; a folded line continues with CRLF + one space and is never
split inside a UTF-8 multi-byte character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (§3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one content line (§3.1) so that no physical line exceeds 75 octets (without CRLF)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # the continuation's leading space counts towards its 75 octets
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def format_utc(value: datetime) -> str:
    """An aware datetime as a UTC DATE-TIME: 20251127T010000Z."""
    if value.tzinfo is None:
        raise ValueError("aware datetimes only")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class VEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    geo: tuple[float, float] | None = None  # (lat, lon)
    categories: tuple[str, ...] = field(default_factory=tuple)


def calendar(
    events: Iterable[VEvent],
    *,
    name: str,
    prodid: str,
    stamp: datetime,
    lang: str = "id",
    time_zone: str = "Asia/Jakarta",
) -> str:
    """A complete VCALENDAR with one VEVENT per event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{time_zone}",
    ]
    dtstamp = format_utc(stamp)
    for ev in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ev.uid}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART:{format_utc(ev.starts_at)}",
            f"DTEND:{format_utc(ev.ends_at)}",
            f"SUMMARY;LANGUAGE={lang}:{escape_text(ev.summary)}",
        ]
        if ev.description:
            lines.append(f"DESCRIPTION;LANGUAGE={lang}:{escape_text(ev.description)}")
        if ev.location:
            lines.append(f"LOCATION:{escape_text(ev.location)}")
        if ev.geo is not None:
            lines.append(f"GEO:{ev.geo[0]:.6f};{ev.geo[1]:.6f}")
        if ev.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in ev.categories))
        if ev.url:
            lines.append(f"URL:{ev.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
