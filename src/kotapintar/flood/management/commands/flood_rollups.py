"""`kotapintar flood-rollups --since DATE [--until DATE] [--station CODE]`: rebuild hourly/daily rollups.

Recomputes the rollups of the local days from `--since` to `--until` (inclusive, default today) from
the raw readings, one transaction per day (PostgreSQL: storing waits for that day only). Use it after
importing history by other means than the platform's ingestion, or to check the rollups. Days before
the raw retention (FLOOD_RAW_RETENTION_DAYS) are skipped: their raw readings are gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kotapintar.flood import selectors, services


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the hourly and daily rollups of flood readings for a range of days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="first local day, YYYY-MM-DD")
        parser.add_argument("--until", help="last local day, YYYY-MM-DD (default: today)")
        parser.add_argument("--station", action="append", default=[], help="station code (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"])
        until = _day(options["until"]) if options["until"] else timezone.localdate()
        if until < since:
            raise CommandError("--until is before --since")
        ids: list[int] | None = None
        if options["station"]:
            ids = selectors.datastream_ids(station_codes=options["station"])
            if not ids:
                raise CommandError("no datastream for these stations")
        result = services.rollups_rebuild(since=since, until=until, datastream_ids=ids)
        self.stdout.write(
            f"days={result.days} hours={result.hours} readings={result.readings} "
            f"skipped_days={result.skipped_days}"
        )
