"""tide-fit and tide-predict: output shapes and clear errors on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kotapintar.lib import tide

START = datetime(2026, 1, 1, tzinfo=UTC)
MODEL = tide.TideModel(
    [
        tide.Constituent("K1", 0.40, 120.0),
        tide.Constituent("O1", 0.25, 80.0),
        tide.Constituent("M2", 0.30, 200.0),
        tide.Constituent("P1", 0.40 * 0.3308, 120.0),  # equilibrium ratio to K1, as fit() infers it
    ],
    z0_m=1.2,
    latitude=-6.87,
)


def _csv(tmp_path: Path, text: str, name: str = "gauge.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _good_csv(tmp_path: Path, days: int = 30) -> Path:
    times = [START + timedelta(hours=i) for i in range(24 * days)]
    heights = tide.predict(MODEL, times)
    rows = [f"{t:%Y-%m-%dT%H:%M:%SZ},{h:.4f}" for t, h in zip(times, heights, strict=True)]
    return _csv(tmp_path, "time,height_m\n" + "\n".join(rows) + "\n")


def _fit(path: Path, **kwargs: object) -> Any:
    out = io.StringIO()
    call_command(
        "tide_fit", csv=str(path), latitude=-6.87, json=True, stdout=out, stderr=io.StringIO(), **kwargs
    )
    return json.loads(out.getvalue())


def _predict(model_path: Path, *args: str, **kwargs: object) -> Any:
    out = io.StringIO()
    call_command("tide_predict", *args, constituents=str(model_path), json=True, stdout=out, **kwargs)
    return json.loads(out.getvalue())


def _model_file(tmp_path: Path, data: object = None) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(MODEL.to_json() if data is None else data))
    return path


# tide-fit ------------------------------------------------------------------------------------


def test_fit_prints_the_documented_shape(tmp_path: Path) -> None:
    data = _fit(_good_csv(tmp_path))
    assert set(data) == {"constituents", "z0_m", "latitude"}
    assert all(set(c) == {"name", "amplitude_m", "phase_deg"} for c in data["constituents"])
    k1 = next(c for c in data["constituents"] if c["name"] == "K1")
    assert abs(k1["amplitude_m"] - 0.40) < 0.01
    assert abs(data["z0_m"] - 1.2) < 0.01


def test_fit_output_feeds_tide_predict(tmp_path: Path) -> None:
    fitted = _model_file(tmp_path, _fit(_good_csv(tmp_path)))
    data = _predict(fitted, start="2026-02-01T00:00:00Z", end="2026-02-02T00:00:00Z", interval=60)
    expected = tide.predict(MODEL, [datetime(2026, 2, 1, tzinfo=UTC) + timedelta(hours=i) for i in range(25)])
    got = [row["height_m"] for row in data["heights"]]
    assert len(got) == 25
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) < 0.02


def test_fit_takes_offsets_and_skips_blank_heights(tmp_path: Path) -> None:
    times = [START + timedelta(hours=i) for i in range(24 * 30)]
    heights = tide.predict(MODEL, times)
    wib = [t.astimezone(ZoneInfo("Asia/Jakarta")).isoformat() for t in times]
    rows = [f"{t},{h:.4f}" if i % 10 else f"{t}," for i, (t, h) in enumerate(zip(wib, heights, strict=True))]
    data = _fit(_csv(tmp_path, "time,height_m\n" + "\n".join(rows) + "\n"))
    k1 = next(c for c in data["constituents"] if c["name"] == "K1")
    assert abs(k1["phase_deg"] - 120.0) < 2.0  # times converted to UTC before the fit


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("when,height_m\n2026-01-01T00:00Z,1.0\n", "missing column(s) time"),
        ("time,level\n2026-01-01T00:00Z,1.0\n", "missing column(s) height_m"),
        ("time,height_m\nyesterday,1.0\n", "line 2: bad time 'yesterday'"),
        ("time,height_m\n2026-01-01T00:00Z,abc\n", "line 2: height_m 'abc' is not a number"),
        ("time,height_m\n2026-01-01T00:00Z,1e9\n", "not a plausible height"),
        ("time,height_m\n2026-01-01T00:00Z\n", "too few fields"),
        ("time,height_m\n" + "".join(f"2026-01-01T{h:02d}:00Z,1.0\n" for h in range(24)), "too short"),
        ("", "missing column(s)"),
    ],
)
def test_fit_rejects_bad_csv(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(CommandError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        _fit(_csv(tmp_path, text))


def test_fit_rejects_duplicate_times(tmp_path: Path) -> None:
    rows = "".join(f"2026-01-{1 + h // 24:02d}T{h % 24:02d}:00Z,1.0\n" for h in range(72))
    with pytest.raises(CommandError, match="duplicate"):
        _fit(_csv(tmp_path, "time,height_m\n" + rows + rows))


def test_fit_rejects_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot open"):
        _fit(tmp_path / "nope.csv")


def test_fit_rejects_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00\x01time")
    with pytest.raises(CommandError, match="UTF-8"):
        _fit(path)


def test_fit_rejects_bad_latitude(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="latitude"):
        call_command("tide_fit", csv=str(_good_csv(tmp_path)), latitude=95, json=True, stdout=io.StringIO())


# tide-predict --------------------------------------------------------------------------------


def test_predict_heights_shape_and_interval(tmp_path: Path) -> None:
    data = _predict(
        _model_file(tmp_path), start="2026-03-01T00:00:00Z", end="2026-03-01T06:00:00Z", interval=30
    )
    assert set(data) == {"heights"}
    assert [row["time"] for row in data["heights"]][:3] == [
        "2026-03-01T00:00:00Z",
        "2026-03-01T00:30:00Z",
        "2026-03-01T01:00:00Z",
    ]
    assert len(data["heights"]) == 13
    assert all(set(row) == {"time", "height_m"} for row in data["heights"])


def test_predict_extremes_shape(tmp_path: Path) -> None:
    data = _predict(_model_file(tmp_path), "--extremes", start="2026-03-01", end="2026-03-04")
    assert set(data) == {"extremes"}
    kinds = [e["kind"] for e in data["extremes"]]
    assert set(kinds) == {"high", "low"}
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    assert all(set(e) == {"time", "height_m", "kind"} for e in data["extremes"])


def test_predict_reads_times_with_offsets(tmp_path: Path) -> None:
    path = _model_file(tmp_path)
    a = _predict(path, start="2026-03-01T07:00:00+07:00", end="2026-03-01T08:00:00+07:00", interval=60)
    b = _predict(path, start="2026-03-01T00:00:00Z", end="2026-03-01T01:00:00Z", interval=60)
    assert a == b


def test_predict_without_z0_and_latitude(tmp_path: Path) -> None:
    bare = {"constituents": [{"name": "M2", "amplitude_m": 1.0, "phase_deg": 0.0}]}
    data = _predict(_model_file(tmp_path, bare), start="2026-03-01", end="2026-03-02", interval=60)
    assert max(abs(row["height_m"]) for row in data["heights"]) <= 1.1


@pytest.mark.parametrize(
    ("model", "kwargs", "fragment"),
    [
        ("{not json", {}, "not valid JSON"),
        (
            {"constituents": [{"name": "ZZ7", "amplitude_m": 1, "phase_deg": 0}]},
            {},
            "unknown tidal constituent",
        ),
        ({"constituents": "M2"}, {}, "non-empty list"),
        (None, {"start": "soon"}, "--start 'soon' is not an ISO 8601 time"),
        (None, {"end": "2025-01-01"}, "--end must be after --start"),
        (None, {"interval": 0}, "--interval"),
        (None, {"interval": "ten"}, "--interval"),
        (None, {"interval": 0.001, "end": "2026-12-01"}, "at most"),
        (None, {"interval": 120, "extremes": True}, "between 1 and 60"),
        (None, {"end": "2040-01-01", "extremes": True}, "longer than"),
    ],
)
def test_predict_rejects_bad_input(
    tmp_path: Path, model: object, kwargs: dict[str, object], fragment: str
) -> None:
    path = tmp_path / "model.json"
    path.write_text(
        model if isinstance(model, str) else json.dumps(MODEL.to_json() if model is None else model)
    )
    options = {"start": "2026-03-01", "end": "2026-03-02", **kwargs}
    with pytest.raises(CommandError, match=fragment.replace("(", r"\(")):
        call_command("tide_predict", constituents=str(path), json=True, stdout=io.StringIO(), **options)


def test_predict_rejects_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        _predict(tmp_path / "missing.json", start="2026-03-01", end="2026-03-02")


def test_commands_exit_non_zero_with_the_reason(tmp_path: Path) -> None:
    bad = _csv(tmp_path, "time,height_m\n2026-01-01T00:00Z,abc\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kotapintar.cli",
            "tide-fit",
            "--csv",
            str(bad),
            "--latitude",
            "-6.87",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "is not a number" in run.stderr
    assert run.stdout == ""


def test_fit_reports_inference_on_stderr(tmp_path: Path) -> None:
    err = io.StringIO()
    call_command(
        "tide_fit", csv=str(_good_csv(tmp_path)), latitude=-6.87, json=True, stdout=io.StringIO(), stderr=err
    )
    assert "P1 inferred from K1" in err.getvalue()
    assert "equilibrium tide" in err.getvalue()


def test_fit_no_infer(tmp_path: Path) -> None:
    data = _fit(_good_csv(tmp_path), no_infer=True)
    assert "P1" not in {c["name"] for c in data["constituents"]}


def test_fit_infer_from_reference_station(tmp_path: Path) -> None:
    import kotapintar.flood

    reference = Path(kotapintar.flood.__file__).parent / "data" / "tides" / "jakarta-161a-idn-uhslc-rq.json"
    err = io.StringIO()
    call_command(
        "tide_fit",
        csv=str(_good_csv(tmp_path)),
        latitude=-6.87,
        infer_from=str(reference),
        json=True,
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "jakarta-161a-idn-uhslc-rq.json" in err.getvalue()
    assert "ratio 0.296" in err.getvalue()  # Jakarta's P1/K1 = 7.598 / 25.693


def test_fit_infer_from_bad_reference(tmp_path: Path) -> None:
    reference = _model_file(tmp_path, {"constituents": [{"name": "M2", "amplitude_m": 0.5, "phase_deg": 0}]})
    with pytest.raises(CommandError, match="lacks"):
        _fit(_good_csv(tmp_path), infer_from=str(reference))


def test_fit_prints_a_table_without_json(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("tide_fit", csv=str(_good_csv(tmp_path)), latitude=-6.87, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("z0 (mean level) 1.2")
    k1 = next(line for line in lines if line.startswith("K1 "))
    assert k1.split()[1:] == ["40.00", "120.00"]


def _first_predicted_line(tmp_path: Path) -> str:
    out = io.StringIO()
    call_command(
        "tide_predict",
        constituents=str(_model_file(tmp_path)),
        start="2026-03-01T00:00:00Z",
        end="2026-03-01T01:00:00Z",
        interval=60,
        stdout=out,
    )
    return out.getvalue().splitlines()[0]


def test_predict_prints_utc_and_wib_without_json(tmp_path: Path) -> None:
    first = _first_predicted_line(tmp_path)
    assert first.startswith("2026-03-01T00:00:00Z  2026-03-01 07:00 WIB")
    assert first.endswith(" m")


def test_predict_prints_the_configured_zone_for_a_city_in_wita(tmp_path: Path, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Makassar"
    assert _first_predicted_line(tmp_path).startswith("2026-03-01T00:00:00Z  2026-03-01 08:00 WITA")
