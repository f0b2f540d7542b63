"""`kotapintar flood-replay --csv FILE [--station CODE] [--thresholds FILE.json] [--json]`.

Runs a recorded series through the alarm logic (hysteresis, incidents, notifications) without touching
live data and prints the incidents it would have made. Bad lines are reported per line and skipped;
a threshold file whose levels invert or overlap is refused with the reason (exit status 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core.errors import DomainError
from kotapintar.flood import replay
from kotapintar.flood.services.ingest import CSV_MAX_BYTES


def _read(path: str, limit: int) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file")
    if file.stat().st_size > limit:
        raise CommandError(f"{path}: larger than {limit:,} bytes")
    return file.read_bytes()


class Command(BaseCommand):
    help = "Replay a recorded series (CSV station,parameter,time,value) through the alarm logic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", required=True, help="the readings, columns station,parameter,time,value")
        parser.add_argument("--station", default="", help="replay only this station")
        parser.add_argument(
            "--thresholds", default="", help='JSON {"STATION": {"waspada": …, "siaga": …, "awas": …, …}}'
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            thresholds = (
                replay.thresholds_parse(_read(options["thresholds"], replay.THRESHOLD_FILE_MAX_BYTES))
                if options["thresholds"]
                else None
            )
            result = replay.replay_csv(
                _read(options["csv"], CSV_MAX_BYTES), thresholds=thresholds, station=options["station"]
            )
        except DomainError as exc:
            where = f" ({exc.detail})" if exc.detail else ""
            raise CommandError(f"{exc.code}: {exc.message}{where}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for p in result.rejected:
            self.stderr.write(f"line {p.line}: {p.code}: {p.message} {p.detail}".rstrip())
        for inc in result.replay.incidents:
            steps = ", ".join(f"{s.time:%Y-%m-%d %H:%M} {s.from_level}→{s.to_level}" for s in inc.steps)
            closed = f"{inc.closed:%Y-%m-%d %H:%M}" if inc.closed else "open"
            self.stdout.write(
                f"{inc.station} {inc.parameter}: {inc.opened:%Y-%m-%d %H:%M} – {closed}, "
                f"max {inc.max_level}: {steps}"
            )
        self.stdout.write(
            f"{len(result.replay.incidents)} incidents, {result.replay.transitions} transitions, "
            f"{result.replay.notifications} notifications, {result.replayed} readings replayed, "
            f"{len(result.rejected)} lines rejected"
        )
