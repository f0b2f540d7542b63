"""Unit tests of kotapintar.lib.tide on synthetic tides (exact answers known by construction)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from kotapintar.lib import tide
from kotapintar.lib.tide import Constituent, TideError, TideModel

START = datetime(2026, 1, 1, tzinfo=UTC)


def _model() -> TideModel:
    return TideModel(
        constituents=[
            Constituent("K1", 0.40, 120.0),
            Constituent("O1", 0.25, 80.0),
            Constituent("M2", 0.30, 200.0),
            Constituent("S2", 0.12, 250.0),
            # In equilibrium proportion to K1 and S2, as in nature (and as fit() infers them).
            Constituent("P1", 0.40 * 0.3308, 120.0),
            Constituent("K2", 0.12 * 0.2721, 250.0),
        ],
        z0_m=1.5,
        latitude=-6.9,
    )


def _hours(n: int, start: datetime = START) -> list[datetime]:
    return [start + timedelta(hours=i) for i in range(n)]


def test_json_round_trip_keeps_every_field() -> None:
    model = _model()
    data = model.to_json()
    assert set(data) == {"constituents", "z0_m", "latitude"}
    assert set(data["constituents"][0]) == {"name", "amplitude_m", "phase_deg"}
    assert TideModel.from_json(data) == model


def test_from_json_defaults_z0_and_latitude() -> None:
    model = TideModel.from_json({"constituents": [{"name": "m2", "amplitude_m": 0.5, "phase_deg": 370}]})
    assert model.z0_m == 0.0
    assert model.latitude is None
    assert model.constituents == [Constituent("M2", 0.5, 10.0)]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "JSON object"),
        ({"constituents": []}, "non-empty"),
        ({"constituents": [{"name": "XX9", "amplitude_m": 1, "phase_deg": 0}]}, "unknown tidal constituent"),
        ({"constituents": [{"name": "M2", "amplitude_m": "1", "phase_deg": 0}]}, "must be a number"),
        ({"constituents": [{"name": "M2", "amplitude_m": -1, "phase_deg": 0}]}, "between 0 and 50"),
        ({"constituents": [{"name": "M2", "amplitude_m": 1}]}, "lacks 'phase_deg'"),
        ({"constituents": [{"name": "M2", "amplitude_m": 1, "phase_deg": float("nan")}]}, "finite"),
        (
            {
                "constituents": [
                    {"name": "M2", "amplitude_m": 1, "phase_deg": 0},
                    {"name": "m2", "amplitude_m": 1, "phase_deg": 0},
                ]
            },
            "twice",
        ),
        ({"constituents": [{"name": "M2", "amplitude_m": 1, "phase_deg": 0}], "latitude": 91}, "latitude"),
        ({"constituents": [{"name": "M2", "amplitude_m": 1, "phase_deg": 0}], "z0_m": True}, "z0_m"),
        (
            {"constituents": [{"name": "M2", "amplitude_m": 1, "phase_deg": 0}], "convention": "iho"},
            "convention",
        ),
    ],
)
def test_from_json_rejects_bad_input(data: object, fragment: str) -> None:
    with pytest.raises(TideError, match=fragment):
        TideModel.from_json(data)


def test_aliases_map_to_utide_names() -> None:
    assert tide.canonical_name("Lam2") == "LDA2"
    assert tide.canonical_name("Sa") == "SA"
    assert "M2" in tide.known_constituents()


def test_predict_is_a_harmonic_sum_around_z0() -> None:
    model = _model()
    times = _hours(24 * 30)
    heights = tide.predict(model, times)
    assert heights.shape == (len(times),)
    assert abs(float(heights.mean()) - model.z0_m) < 0.02
    bound = sum(c.amplitude_m for c in model.constituents) * 1.2  # nodal factors stay within +-20 %
    assert float(np.abs(heights - model.z0_m).max()) < bound


def test_predict_single_constituent_follows_its_period() -> None:
    model = TideModel([Constituent("M2", 1.0, 0.0)], z0_m=0.0, latitude=10.0)
    period_h = 12.4206012
    t0 = START
    a, b = tide.predict(model, [t0, t0 + timedelta(hours=period_h)])
    assert abs(a - b) < 1e-3


def test_predict_rejects_naive_times() -> None:
    with pytest.raises(TideError, match="timezone"):
        tide.predict(_model(), [datetime(2026, 1, 1)])


def test_predict_accepts_any_timezone() -> None:
    wib = timezone(timedelta(hours=7))
    utc_time = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    (a,) = tide.predict(_model(), [utc_time])
    (b,) = tide.predict(_model(), [utc_time.astimezone(wib)])
    assert a == b


def test_fit_recovers_synthetic_constituents() -> None:
    model = _model()
    times = _hours(24 * 400)
    heights = tide.predict(model, times)
    fitted = tide.fit(times, heights, latitude=-6.9)
    assert abs(fitted.z0_m - model.z0_m) < 1e-3
    for c in model.constituents:
        got = fitted.constituent(c.name)
        assert abs(got.amplitude_m - c.amplitude_m) < 1e-3, c.name
        dphase = (got.phase_deg - c.phase_deg + 180.0) % 360.0 - 180.0
        assert abs(dphase) < 0.5, c.name


def test_fit_then_predict_reproduces_the_record() -> None:
    times = _hours(24 * 60)
    heights = tide.predict(_model(), times)
    fitted = tide.fit(times, heights, latitude=-6.9)
    assert float(np.abs(tide.predict(fitted, times) - heights).max()) < 2e-3


def test_fit_drops_gaps() -> None:
    times = _hours(24 * 60)
    heights = tide.predict(_model(), times)
    heights[100:200] = np.nan
    fitted = tide.fit(times, heights, latitude=-6.9)
    assert abs(fitted.constituent("K1").amplitude_m - 0.40) < 0.01


@pytest.mark.parametrize(
    ("times", "heights", "fragment"),
    [
        (_hours(10), [1.0] * 10, "too short"),
        (_hours(40), [1.0] * 40, "too short"),
        (_hours(72), [1.0] * 71, "equal length"),
        (_hours(36) + _hours(36), [1.0] * 72, "duplicate"),
        ([datetime(2026, 1, 1) + timedelta(hours=i) for i in range(72)], [1.0] * 72, "timezone"),
    ],
)
def test_fit_rejects_bad_records(times: list[datetime], heights: list[float], fragment: str) -> None:
    with pytest.raises(TideError, match=fragment):
        tide.fit(times, heights, latitude=-6.9)


def test_fit_rejects_bad_latitude() -> None:
    with pytest.raises(TideError, match="latitude"):
        tide.fit(_hours(72), [1.0] * 72, latitude=120)


def test_equator_latitude_is_usable() -> None:
    model = TideModel([Constituent("K1", 0.3, 10.0), Constituent("M2", 0.2, 50.0)], latitude=0.0)
    assert np.all(np.isfinite(tide.predict(model, _hours(48))))


def test_extremes_alternate_and_match_dense_sampling() -> None:
    model = _model()
    end = START + timedelta(days=5)
    found = tide.extremes(model, START, end)
    assert found
    kinds = [e.kind for e in found]
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    # Brute force: the tide every 10 seconds.
    n = int((end - START).total_seconds() // 10)
    times = [START + timedelta(seconds=10 * i) for i in range(n)]
    h = tide.predict(model, times)
    for e in found:
        i = round((e.time - START).total_seconds() / 10)
        window = h[max(i - 60, 0) : i + 61]
        best = window.max() if e.kind == "high" else window.min()
        assert abs(e.height_m - best) < 1e-4
        j = int(np.argmax(window) if e.kind == "high" else np.argmin(window))
        assert abs(j - min(i, 60)) * 10 <= 30  # within 30 s of the brute-force turning point


def test_extremes_find_highs_above_lows() -> None:
    found = tide.extremes(_model(), START, START + timedelta(days=15))
    highs = [e.height_m for e in found if e.kind == "high"]
    lows = [e.height_m for e in found if e.kind == "low"]
    assert min(highs) > max(lows) - 1.0
    assert max(highs) > max(lows)
    assert all(START < e.time < START + timedelta(days=15) for e in found)
    assert all(e.time.tzinfo is not None for e in found)


def test_extremes_count_of_a_pure_semidiurnal_tide() -> None:
    model = TideModel([Constituent("M2", 1.0, 0.0)], latitude=10.0)
    days = 29
    found = tide.extremes(model, START, START + timedelta(days=days))
    expected = days * 24 / 12.4206012 * 2
    assert abs(len(found) - expected) <= 2
    assert all(math.isclose(abs(e.height_m), abs(found[0].height_m), rel_tol=0.1) for e in found)


@pytest.mark.parametrize("step", [0, 0.5, 61, float("nan")])
def test_extremes_reject_bad_step(step: float) -> None:
    with pytest.raises(TideError):
        tide.extremes(_model(), START, START + timedelta(days=1), step_minutes=step)


def test_extremes_reject_reversed_window() -> None:
    with pytest.raises(TideError, match="after"):
        tide.extremes(_model(), START, START - timedelta(days=1))


def test_from_ticon_converts_centimetres() -> None:
    data = {
        "latitude": -6.117,
        "harmonic_constituents": [{"name": "K1", "amplitude_cm": 25.7, "phase_UTC_deg": -20.0}],
    }
    model = TideModel.from_ticon(data, z0_m=1.0)
    (k1,) = model.constituents
    assert (k1.name, k1.phase_deg) == ("K1", 340.0)
    assert k1.amplitude_m == pytest.approx(0.257)
    assert model.latitude == -6.117
    assert model.z0_m == 1.0


# inference (short records) -------------------------------------------------------------------


def _surabaya() -> TideModel:
    import json
    from pathlib import Path

    import kotapintar.flood

    path = Path(kotapintar.flood.__file__).parent / "data" / "tides" / "surabaya-160a-idn-uhslc-rq.json"
    return TideModel.from_ticon(json.loads(path.read_text()), z0_m=1.0)


def _forecast_rms(model: TideModel, truth: TideModel, start: datetime, days: int) -> float:
    times = _hours(24 * days, start)
    return float(np.sqrt(np.mean((tide.predict(model, times) - tide.predict(truth, times)) ** 2)))


def test_month_record_infers_p1_and_k2_and_forecasts_well() -> None:
    truth = _surabaya()
    times = _hours(24 * 30)
    noise = np.random.default_rng(7).normal(0.0, 0.03, len(times))
    heights = tide.predict(truth, times) + noise
    with_inference = tide.fit_details(times, heights, latitude=-7.2)
    without = tide.fit(times, heights, latitude=-7.2, infer=None)
    assert {i.inferred for i in with_inference.inferred} == {"P1", "K2"}
    assert "P1" not in {c.name for c in without.constituents}
    p1 = with_inference.model.constituent("P1")
    assert abs(p1.amplitude_m - truth.constituent("P1").amplitude_m) < 0.02
    later = START + timedelta(days=60)
    rms_with = _forecast_rms(with_inference.model, truth, later, 30)
    rms_without = _forecast_rms(without, truth, later, 30)
    assert rms_with < 0.05
    assert rms_with < rms_without / 3


def test_inference_ratios_from_a_reference_station() -> None:
    truth = _surabaya()
    (p1, k2) = tide.inference_from(truth)
    assert (p1.inferred, p1.reference, k2.inferred, k2.reference) == ("P1", "K1", "K2", "S2")
    assert p1.amp_ratio == pytest.approx(
        truth.constituent("P1").amplitude_m / truth.constituent("K1").amplitude_m
    )
    expected = (truth.constituent("K1").phase_deg - truth.constituent("P1").phase_deg) % 360.0
    assert p1.phase_offset_deg == pytest.approx(expected)
    # Using the station's own ratios on its own tide recovers P1 closely.
    times = _hours(24 * 30)
    fitted = tide.fit(times, tide.predict(truth, times), latitude=-7.2, infer=[p1, k2])
    assert abs(fitted.constituent("P1").amplitude_m - truth.constituent("P1").amplitude_m) < 0.005


def test_inference_from_needs_both_constituents() -> None:
    with pytest.raises(TideError, match="lacks P1"):
        tide.inference_from(TideModel([Constituent("K1", 0.3, 0.0), Constituent("S2", 0.1, 0.0)]))


def test_year_record_needs_no_inference() -> None:
    times = _hours(24 * 366)
    result = tide.fit_details(times, tide.predict(_model(), times), latitude=-6.9)
    assert result.inferred == []
    assert result.model.constituent("P1").amplitude_m == pytest.approx(0.40 * 0.3308, abs=1e-3)
    assert result.samples == len(times)
    assert result.residual_rms_m < 1e-3


def test_predict_equals_utide_reconstruct_of_utide_solve() -> None:
    import utide

    truth = _surabaya()
    times = _hours(24 * 90)
    heights = tide.predict(truth, times) + np.random.default_rng(3).normal(0.0, 0.02, len(times))
    days = np.array([(t - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400.0 for t in times])
    coef = utide.solve(
        days, heights, lat=-7.2, epoch="1970-01-01", method="ols", conf_int="none", trend=False, verbose=False
    )
    model = TideModel(
        [
            Constituent(str(n), float(a), float(g))
            for n, a, g in zip(coef["name"], coef["A"], coef["g"], strict=True)
        ],
        z0_m=float(coef["mean"]),
        latitude=-7.2,
    )
    later = _hours(24 * 30, START + timedelta(days=400))
    later_days = np.array([(t - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400.0 for t in later])
    expected = utide.reconstruct(later_days, coef, epoch="1970-01-01", verbose=False)["h"]
    assert float(np.abs(tide.predict(model, later) - expected).max()) < 1e-6


def test_dense_records_are_thinned_evenly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tide, "MAX_FIT_SAMPLES", 500)
    times = _hours(24 * 40)  # 960 hourly samples -> every 2nd one
    result = tide.fit_details(times, tide.predict(_model(), times), latitude=-6.9)
    assert result.thinned_by == 2
    assert result.samples == 480
    assert abs(result.model.constituent("K1").amplitude_m - 0.40) < 1e-3
