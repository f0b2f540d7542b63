"""RFC 5545 writer: escaping, folding at 75 octets, UTC times, CRLF."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kotapintar.lib.ical import VEvent, calendar, escape_text, fold, format_utc


def test_escape_text_escapes_specials():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_fold_keeps_every_line_within_75_octets():
    folded = fold("DESCRIPTION:" + "é" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 100


def test_fold_leaves_short_lines_alone():
    assert fold("SUMMARY:Pekan Batik") == "SUMMARY:Pekan Batik"


def test_format_utc_converts_wib():
    wib = timezone(timedelta(hours=7))
    assert format_utc(datetime(2025, 11, 27, 8, 0, tzinfo=wib)) == "20251127T010000Z"


def test_format_utc_refuses_naive():
    with pytest.raises(ValueError):
        format_utc(datetime(2025, 1, 1))


def test_calendar_lines_end_in_crlf():
    start = datetime(2025, 11, 27, 1, tzinfo=UTC)
    text = calendar(
        [VEvent(uid="a@x", starts_at=start, ends_at=start, summary="Pekan Batik, Jetayu")],
        name="Batik",
        prodid="-//x//y//ID",
        stamp=start,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "SUMMARY;LANGUAGE=id:Pekan Batik\\, Jetayu\r\n" in text
