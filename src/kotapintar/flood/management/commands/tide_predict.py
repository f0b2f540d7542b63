"""kotapintar tide-predict: tide heights or high and low waters from harmonic constituents.

    kotapintar tide-predict --constituents model.json --start 2026-07-15 --end 2026-07-18 --json
    kotapintar tide-predict --constituents model.json --start … --end … --extremes --json

``model.json`` is shaped like tide-fit's output (``constituents`` with ``name``, ``amplitude_m``,
``phase_deg`` (Greenwich/UTC); optional ``z0_m``, ``latitude`` and ``"convention": "noaa"`` for
NOAA-published phases). A TICON / neaps tide-database station file (``harmonic_constituents`` in
centimetres) is accepted too. Times are ISO 8601, UTC unless they carry an offset.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core import localtime
from kotapintar.flood.management.tide_files import load_model, parse_time
from kotapintar.lib import tide

MAX_POINTS = 200_000  # heights per call
MAX_EXTREME_DAYS = 3660  # ten years of high and low waters


def iso_utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Command(BaseCommand):
    help = "Predict tide heights, or high and low waters (--extremes), from harmonic constituents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--constituents", required=True, type=Path, help="JSON file shaped like tide-fit's output"
        )
        parser.add_argument("--start", required=True, help="ISO 8601 start (UTC unless an offset is given)")
        parser.add_argument("--end", required=True, help="ISO 8601 end (UTC unless an offset is given)")
        parser.add_argument(
            "--extremes", action="store_true", help="print high and low waters instead of heights"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=10.0,
            help="minutes between heights (default 10); with --extremes, the search step before refinement",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        model = load_model(Path(options["constituents"]))
        start = self._time(options["start"], "--start")
        end = self._time(options["end"], "--end")
        if end <= start:
            raise CommandError("--end must be after --start")
        try:
            interval = float(options["interval"])
        except (TypeError, ValueError):
            raise CommandError("--interval must be a number of minutes") from None
        if not math.isfinite(interval) or interval <= 0:
            raise CommandError("--interval must be a positive number of minutes")
        if options["extremes"]:
            self._extremes(model, start, end, interval, as_json=options["json"])
        else:
            self._heights(model, start, end, interval, as_json=options["json"])

    @staticmethod
    def _time(text: str, what: str) -> datetime:
        try:
            return parse_time(text)
        except ValueError:
            raise CommandError(f"{what} {text!r} is not an ISO 8601 time") from None

    def _heights(
        self, model: tide.TideModel, start: datetime, end: datetime, interval: float, *, as_json: bool
    ) -> None:
        if interval > 1440:
            raise CommandError("--interval must be at most 1440 minutes")
        count = int((end - start).total_seconds() // (interval * 60)) + 1
        if count > MAX_POINTS:
            raise CommandError(
                f"{count} heights requested, at most {MAX_POINTS}: raise --interval or shorten the range"
            )
        times = [start + timedelta(minutes=interval * i) for i in range(count)]
        heights = tide.predict(model, times)
        rows = [(t, float(h)) for t, h in zip(times, np.round(heights, 4), strict=True)]
        if as_json:
            payload = {"heights": [{"time": iso_utc(t), "height_m": h} for t, h in rows]}
            self.stdout.write(json.dumps(payload, indent=1))
            return
        zone, abbr = localtime.zone(), localtime.abbreviation()
        for t, h in rows:
            self.stdout.write(f"{iso_utc(t)}  {t.astimezone(zone):%Y-%m-%d %H:%M} {abbr}  {h:7.3f} m")

    def _extremes(
        self, model: tide.TideModel, start: datetime, end: datetime, interval: float, *, as_json: bool
    ) -> None:
        if not 1 <= interval <= 60:
            raise CommandError("with --extremes, --interval must be between 1 and 60 minutes")
        if end - start > timedelta(days=MAX_EXTREME_DAYS):
            raise CommandError(f"range longer than {MAX_EXTREME_DAYS} days")
        found = tide.extremes(model, start, end, step_minutes=interval)
        if as_json:
            payload = {
                "extremes": [
                    {"time": iso_utc(e.time), "height_m": round(e.height_m, 4), "kind": e.kind} for e in found
                ]
            }
            self.stdout.write(json.dumps(payload, indent=1))
            return
        zone, abbr = localtime.zone(), localtime.abbreviation()
        for e in found:
            local = e.time.astimezone(zone)
            line = f"{iso_utc(e.time)}  {local:%Y-%m-%d %H:%M} {abbr}  {e.kind:<4}  {e.height_m:7.3f} m"
            self.stdout.write(line)
