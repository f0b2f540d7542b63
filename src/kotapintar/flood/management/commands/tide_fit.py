"""kotapintar tide-fit: fit harmonic tidal constituents (UTide) to a gauge record in CSV.

    kotapintar tide-fit --csv gauge.csv --latitude -6.87 --json

The CSV needs a header with the columns ``time`` (ISO 8601; UTC unless it carries an offset) and
``height_m`` (metres above the gauge datum). Blank or ``NaN`` heights are gaps and are skipped.
Prints ``{"constituents": [{"name", "amplitude_m", "phase_deg"}…], "z0_m": …, "latitude": …}``
with Greenwich (UTC) phases; a summary goes to stderr. Bad input exits non-zero with the reason.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.flood.management.tide_files import load_model, parse_time
from kotapintar.lib import tide

MAX_ROWS = 1_100_000  # two years of 1-minute data (the fit itself thins to tide.MAX_FIT_SAMPLES)


def read_record(path: Path) -> tuple[list[datetime], list[float], int]:
    """Read (times, heights, gaps) from a ``time,height_m`` CSV. Raises CommandError on bad input."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"cannot open {path}: {exc.strerror or exc}") from exc
    times: list[datetime] = []
    heights: list[float] = []
    gaps = 0
    with handle:
        try:
            reader = csv.DictReader(handle)
            fields = [f.strip() for f in (reader.fieldnames or [])]
            missing = [c for c in ("time", "height_m") if c not in fields]
            if missing:
                raise CommandError(
                    f"{path}: missing column(s) {', '.join(missing)}; the header must name time and height_m"
                )
            reader.fieldnames = fields
            for row in reader:
                line = reader.line_num
                if len(times) + gaps >= MAX_ROWS:
                    raise CommandError(f"{path}: more than {MAX_ROWS} rows; decimate the record first")
                raw_time = row.get("time")
                raw_height = row.get("height_m")
                if raw_time is None or raw_height is None:
                    raise CommandError(f"{path} line {line}: row has too few fields")
                try:
                    when = parse_time(raw_time)
                except ValueError:
                    raise CommandError(
                        f"{path} line {line}: bad time {raw_time.strip()!r} (want ISO 8601)"
                    ) from None
                text = raw_height.strip()
                if text == "" or text.lower() == "nan":
                    gaps += 1
                    continue
                try:
                    height = float(text)
                except ValueError:
                    raise CommandError(f"{path} line {line}: height_m {text!r} is not a number") from None
                if not math.isfinite(height) or abs(height) > 100.0:
                    raise CommandError(
                        f"{path} line {line}: height_m {text!r} is not a plausible height in metres"
                    )
                times.append(when)
                heights.append(height)
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file") from None
        except csv.Error as exc:
            raise CommandError(f"{path}: malformed CSV ({exc})") from None
    return times, heights, gaps


def model_json(model: tide.TideModel) -> dict[str, Any]:
    """The tide-fit output: tide.TideModel.to_json() rounded to 0.01 mm and 0.001 degree."""
    data = model.to_json()
    for item in data["constituents"]:
        item["amplitude_m"] = round(item["amplitude_m"], 5)
        item["phase_deg"] = round(item["phase_deg"], 3)
    data["z0_m"] = round(data["z0_m"], 5)
    return data


class Command(BaseCommand):
    help = (
        "Fit harmonic tidal constituents (UTide, least squares, Greenwich/UTC phases) to a gauge record "
        "in CSV with columns time (ISO 8601 UTC) and height_m."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="CSV file with columns time,height_m")
        parser.add_argument("--latitude", required=True, type=float, help="gauge latitude, degrees north")
        parser.add_argument(
            "--constituents",
            default="",
            help="comma-separated names to fit (default: chosen from the record length, Rayleigh criterion)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--infer-from",
            type=Path,
            help=(
                "records under 182.6 days: take the P1/K1 and K2/S2 ratios from this nearby station "
                "(tide-fit JSON or TICON file) instead of the equilibrium tide"
            ),
        )
        group.add_argument("--no-infer", action="store_true", help="never infer P1 and K2")
        parser.add_argument("--json", action="store_true", help="print the model as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["csv"])
        try:
            latitude = float(options["latitude"])
        except (TypeError, ValueError):
            raise CommandError("--latitude must be a number") from None
        if not math.isfinite(latitude) or not -90.0 <= latitude <= 90.0:
            raise CommandError("--latitude must be between -90 and 90")
        names = [n.strip() for n in str(options["constituents"]).split(",") if n.strip()] or None
        infer: Sequence[tide.Inference] | None = tide.EQUILIBRIUM_INFERENCE
        source = "equilibrium tide"
        if options.get("no_infer"):
            infer = None
        elif options.get("infer_from"):
            reference_path = Path(options["infer_from"])
            try:
                infer = tide.inference_from(load_model(reference_path))
            except tide.TideError as exc:
                raise CommandError(f"{reference_path}: {exc}") from None
            source = reference_path.name
        times, heights, gaps = read_record(path)
        try:
            result = tide.fit_details(times, heights, latitude, constituents=names, infer=infer)
        except tide.TideError as exc:
            raise CommandError(f"{path}: {exc}") from None
        model = result.model
        self.stderr.write(
            f"fitted {len(model.constituents)} constituents to {result.samples} samples "
            f"({gaps} gaps) over {result.span_days:.1f} days; "
            f"residual RMS {result.residual_rms_m * 100:.1f} cm"
        )
        if result.thinned_by > 1:
            self.stderr.write(f"record thinned to every {result.thinned_by}th sample for the fit")
        for item in result.inferred:
            self.stderr.write(
                f"{item.inferred} inferred from {item.reference} (ratio {item.amp_ratio:.3f}, "
                f"phase offset {item.phase_offset_deg:.1f} deg, {source}): "
                "record shorter than the Rayleigh limit"
            )
        if options["json"]:
            self.stdout.write(json.dumps(model_json(model), indent=2))
            return
        self.stdout.write(f"z0 (mean level) {model.z0_m:.3f} m   latitude {latitude:g}")
        self.stdout.write(f"{'name':<6} {'amplitude cm':>12} {'phase deg (UTC)':>16}")
        for c in model.constituents:
            self.stdout.write(f"{c.name:<6} {c.amplitude_m * 100:12.2f} {c.phase_deg:16.2f}")
