"""Harmonic tide analysis and prediction (pure: numpy + utide, no Django).

The model is the classical harmonic one::

    h(t) = z0 + sum_k f_k(t) * A_k * cos(V_k(t) + u_k(t) - g_k)

with ``A_k`` the amplitude (metres), ``g_k`` the Greenwich phase lag (degrees, times in UTC),
``V_k`` the astronomical argument at Greenwich and ``f_k``/``u_k`` the nodal/satellite corrections.
Fitting goes through ``utide.solve`` with exact (not linearised) nodal corrections and Greenwich
phases; prediction evaluates the same formula with UTide's own arguments and nodal factors (equal
to ``utide.reconstruct`` to 1e-7 m), so what :func:`fit` produces, :func:`predict` reproduces.

Public API (stable; the flood app codes against it):

- :class:`Constituent`, :class:`TideModel` (``to_json()`` / ``from_json()``, ``from_ticon()``)
- :func:`fit` (times, heights) -> TideModel; :func:`fit_details` -> :class:`FitResult` (model plus
  diagnostics); :class:`Inference`, :func:`inference_from` for short records
- :func:`predict` (model, times) -> numpy array of heights (z0 included)
- :func:`extremes` (model, start, end) -> list of :class:`Extreme` (high and low waters)
- :func:`noaa_phase_to_utide` and ``"convention": "noaa"`` in model JSON for NOAA-published phases
- :class:`TideError` (a ``ValueError``) for every bad input

All datetimes must be timezone-aware; they are converted to UTC. Heights are in metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_LATITUDE",
    "MAX_FIT_SAMPLES",
    "MIN_RECORD_HOURS",
    "MIN_SAMPLES",
    "YEAR_DAYS_MIN",
    "EQUILIBRIUM_INFERENCE",
    "Constituent",
    "Extreme",
    "FitResult",
    "Inference",
    "TideError",
    "TideModel",
    "canonical_name",
    "extremes",
    "fit",
    "fit_details",
    "inference_from",
    "known_constituents",
    "noaa_phase_to_utide",
    "predict",
]

#: Latitude used for the latitude-dependent nodal/satellite factors when a model carries none
#: (the flood app always gives the gauge's own). It only changes a few small satellite terms.
DEFAULT_LATITUDE = -6.89

#: Shortest record :func:`fit` accepts (hours between first and last valid sample).
MIN_RECORD_HOURS = 48.0

#: Fewest valid samples :func:`fit` accepts.
MIN_SAMPLES = 24

#: Most samples used in one fit (memory); denser records are thinned evenly to this.
MAX_FIT_SAMPLES = 40_000

#: A record at least this long (days) is analysed as a full year (SA, T2, S1… resolved).
YEAR_DAYS_MIN = 360.0

_TROPICAL_YEAR_D = 365.2422
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_STR = "1970-01-01"
_PY_DATENUM_1970 = 719163.0  # 1970-01-01 in UTide's datenums (days since 0000-12-31)
_CHUNK = 20_000  # time samples per evaluation (bounds memory: chunk x constituents)

# Names used by other agencies (NOAA CO-OPS, TICON, IHO) for UTide's constituents.
_ALIASES = {
    "LAM2": "LDA2",
    "LAMBDA2": "LDA2",
    "RHO": "RHO1",
    # NOAA's 2MK3 has the speed and astronomical argument of UTide's MO3 (2*M2 - K1 == M2 + O1);
    # only the small nodal factor differs.
    "2MK3": "MO3",
    # NOAA's M1 (speed 14.4966939 deg/h) is UTide's NO1 by speed; the nodal factors differ slightly.
    "M1": "NO1",
}


class TideError(ValueError):
    """Bad input to the tide library (message is English, fit for a CLI error)."""


def _utide_names() -> list[str]:
    from utide._ut_constants import constit_names

    return [str(n) for n in constit_names if str(n) != "Z0"]


def known_constituents() -> list[str]:
    """Constituent names the library can fit and predict (UTide's table, Z0 excluded)."""
    return _utide_names()


def canonical_name(name: str) -> str:
    """UTide's spelling of a constituent name ('Sa' -> 'SA', 'LAM2' -> 'LDA2').

    Raises :class:`TideError` for a name UTide does not know.
    """
    if not isinstance(name, str) or not name.strip():
        raise TideError("constituent name must be a non-empty string")
    key = name.strip().upper()
    key = _ALIASES.get(key, key)
    if key in _utide_names():
        return key
    raise TideError(f"unknown tidal constituent {name!r}")


@dataclass
class Constituent:
    """One harmonic constituent: amplitude in metres, Greenwich (UTC) phase lag in degrees."""

    name: str
    amplitude_m: float
    phase_deg: float


@dataclass
class TideModel:
    """A set of constituents plus the mean level ``z0_m`` (above the gauge's datum)."""

    constituents: list[Constituent]
    z0_m: float = 0.0
    latitude: float | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"constituents": [{"name","amplitude_m","phase_deg"}…], "z0_m": …, "latitude": …}``."""
        return {
            "constituents": [
                {"name": c.name, "amplitude_m": float(c.amplitude_m), "phase_deg": float(c.phase_deg)}
                for c in self.constituents
            ],
            "z0_m": float(self.z0_m),
            "latitude": None if self.latitude is None else float(self.latitude),
        }

    @classmethod
    def from_json(cls, data: Any) -> TideModel:
        """Parse and validate the shape :meth:`to_json` writes (``z0_m``, ``latitude`` optional).

        Names are normalised to UTide's spelling; raises :class:`TideError` on anything invalid.
        An optional ``"convention": "noaa"`` marks phases published by NOAA CO-OPS (Schureman's
        astronomical arguments); they are converted to UTide's (see :func:`noaa_phase_to_utide`).
        Other keys (provenance notes, datum names) are ignored.
        """
        if not isinstance(data, Mapping):
            raise TideError("tide model must be a JSON object")
        convention = data.get("convention", "utide")
        if convention not in ("utide", "noaa"):
            raise TideError("convention must be 'utide' or 'noaa'")
        raw = data.get("constituents")
        if not isinstance(raw, list) or not raw:
            raise TideError("'constituents' must be a non-empty list")
        constituents: list[Constituent] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping):
                raise TideError(f"constituents[{i}] must be an object")
            for key in ("name", "amplitude_m", "phase_deg"):
                if key not in item:
                    raise TideError(f"constituents[{i}] lacks {key!r}")
            name = canonical_name(item["name"])
            if name in seen:
                raise TideError(f"constituent {name} given twice")
            seen.add(name)
            amp = _number(item["amplitude_m"], f"constituents[{i}].amplitude_m")
            if amp < 0 or amp > 50:
                raise TideError(f"constituents[{i}].amplitude_m must be between 0 and 50 m")
            phase = _number(item["phase_deg"], f"constituents[{i}].phase_deg")
            if convention == "noaa":
                phase = noaa_phase_to_utide(name, phase)
            constituents.append(Constituent(name=name, amplitude_m=amp, phase_deg=phase % 360.0))
        z0 = _number(data.get("z0_m", 0.0), "z0_m")
        if abs(z0) > 1000:
            raise TideError("z0_m must be between -1000 and 1000 m")
        lat_raw = data.get("latitude")
        latitude = None if lat_raw is None else _latitude(lat_raw)
        return cls(constituents=constituents, z0_m=z0, latitude=latitude)

    @classmethod
    def from_ticon(cls, data: Any, *, z0_m: float = 0.0) -> TideModel:
        """Build a model from a TICON / neaps tide-database station file.

        That shape is ``{"latitude": …, "harmonic_constituents": [{"name", "amplitude_cm",
        "phase_UTC_deg"}…]}`` (amplitudes in centimetres). ``z0_m`` sets the mean level.
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("harmonic_constituents"), list):
            raise TideError("not a TICON station file: 'harmonic_constituents' list missing")
        items = []
        for i, item in enumerate(data["harmonic_constituents"]):
            if not isinstance(item, Mapping) or not {"name", "amplitude_cm", "phase_UTC_deg"} <= set(item):
                raise TideError(f"harmonic_constituents[{i}] needs name, amplitude_cm and phase_UTC_deg")
            amp_cm = _number(item["amplitude_cm"], f"harmonic_constituents[{i}].amplitude_cm")
            items.append(
                {"name": item["name"], "amplitude_m": amp_cm / 100.0, "phase_deg": item["phase_UTC_deg"]}
            )
        return cls.from_json({"constituents": items, "z0_m": z0_m, "latitude": data.get("latitude")})

    def constituent(self, name: str) -> Constituent:
        """The constituent called ``name`` (any accepted spelling); KeyError if absent."""
        key = canonical_name(name)
        for c in self.constituents:
            if c.name == key:
                return c
        raise KeyError(key)


def _solar_perigee_deg() -> float:
    """Longitude of the solar perigee p' (degrees) on 2025-07-01; it moves 0.017 deg a year."""
    from utide.astronomy import ut_astron

    astro, _ = ut_astron(np.array([739433.0]))  # 2025-07-01 as a Python-ordinal datenum
    return float(astro[5, 0] * 360.0 % 360.0)


def noaa_phase_to_utide(name: str, phase_deg: float) -> float:
    """Convert a NOAA CO-OPS (Schureman) Greenwich phase to UTide's (Foreman) convention.

    The two agree for every constituent except two whose astronomical arguments UTide writes
    with the solar perigee p': SA (Schureman V = h, UTide V = h - p') and S1 (Schureman V = T,
    UTide V = T + p' - 90 deg). Keeping V - g unchanged gives g_utide = g_noaa - p' for SA and
    g_noaa + p' - 90 for S1. Without this, NOAA's SA (often 5-10 cm) is predicted ~80 deg off.
    """
    key = canonical_name(name)
    if key == "SA":
        return (phase_deg - _solar_perigee_deg()) % 360.0
    if key == "S1":
        return (phase_deg + _solar_perigee_deg() - 90.0) % 360.0
    return phase_deg % 360.0


@dataclass(frozen=True)
class Extreme:
    """A high or low water: aware UTC time, height in metres (z0 included)."""

    time: datetime
    height_m: float
    kind: Literal["high", "low"]


# ---------------------------------------------------------------------------------------------
# helpers


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TideError(f"{what} must be a number")
    out = float(value)
    if not math.isfinite(out):
        raise TideError(f"{what} must be finite")
    return out


def _latitude(value: Any) -> float:
    lat = _number(value, "latitude")
    if not -90.0 <= lat <= 90.0:
        raise TideError("latitude must be between -90 and 90 degrees")
    return lat


def _nodal_latitude(lat: float | None) -> float:
    # UTide divides by sin(lat) for the latitude-dependent satellites and clamps |lat| < 5 to
    # sign(lat) * 5, which is 0 at the equator: use +5 there.
    if lat is None:
        return DEFAULT_LATITUDE
    return 5.0 if lat == 0.0 else lat


def _days(times: Iterable[datetime] | npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Aware datetimes (or numpy datetime64, taken as UTC) -> float days since 1970-01-01 UTC."""
    if isinstance(times, np.ndarray) and np.issubdtype(times.dtype, np.datetime64):
        ms = times.astype("datetime64[ms]").astype(np.int64)
        return np.asarray(ms, dtype=np.float64) / 86_400_000.0
    out = []
    for t in times:
        if not isinstance(t, datetime):
            raise TideError(f"time {t!r} is not a datetime")
        if t.tzinfo is None or t.utcoffset() is None:
            raise TideError(f"time {t.isoformat()} has no timezone (use aware UTC datetimes)")
        out.append((t - _EPOCH).total_seconds() / 86400.0)
    return np.asarray(out, dtype=np.float64)


def _from_day(day: float) -> datetime:
    return _EPOCH + timedelta(seconds=round(day * 86400.0))


def _aware(t: datetime, what: str) -> datetime:
    if not isinstance(t, datetime):
        raise TideError(f"{what} must be a datetime")
    if t.tzinfo is None or t.utcoffset() is None:
        raise TideError(f"{what} has no timezone (use aware UTC datetimes)")
    return t.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# fit


@dataclass(frozen=True)
class Inference:
    """Infer ``inferred`` from ``reference`` when the record cannot separate them (Rayleigh).

    ``amp_ratio`` = A_inferred / A_reference; ``phase_offset_deg`` = g_reference - g_inferred.
    """

    inferred: str
    reference: str
    amp_ratio: float
    phase_offset_deg: float = 0.0


#: Equilibrium-tide ratios (Cartwright & Tayler amplitudes: P1 0.1755 / K1 0.5305, K2 0.1150 /
#: S2 0.4227) with equal Greenwich phases: the usual fallback when no nearby station is known.
EQUILIBRIUM_INFERENCE: tuple[Inference, ...] = (
    Inference("P1", "K1", 0.3308, 0.0),
    Inference("K2", "S2", 0.2721, 0.0),
)


def inference_from(
    model: TideModel, pairs: Iterable[tuple[str, str]] = (("P1", "K1"), ("K2", "S2"))
) -> list[Inference]:
    """Ratios taken from a nearby station's long-record constants, e.g. a TICON station.

    ``pairs`` are (inferred, reference) names; a pair missing from ``model`` raises TideError.
    """
    out = []
    for inferred, reference in pairs:
        try:
            ci, cr = model.constituent(inferred), model.constituent(reference)
        except KeyError as exc:
            raise TideError(f"reference station lacks {exc.args[0]}") from None
        if cr.amplitude_m <= 0:
            raise TideError(f"reference station has a zero {cr.name} amplitude")
        out.append(
            Inference(
                ci.name, cr.name, ci.amplitude_m / cr.amplitude_m, (cr.phase_deg - ci.phase_deg) % 360.0
            )
        )
    return out


@dataclass
class FitResult:
    """What :func:`fit_details` returns: the model plus diagnostics worth storing or showing."""

    model: TideModel
    samples: int
    gaps: int
    span_days: float
    residual_rms_m: float
    inferred: list[Inference] = field(default_factory=list)
    thinned_by: int = 1


def fit(
    times: Sequence[datetime] | npt.NDArray[Any],
    heights_m: Sequence[float] | npt.NDArray[Any],
    latitude: float,
    *,
    constituents: Sequence[str] | None = None,
    infer: Sequence[Inference] | None = EQUILIBRIUM_INFERENCE,
) -> TideModel:
    """Least-squares harmonic fit (``utide.solve``, OLS, exact nodal corrections, no trend).

    ``times`` are aware datetimes (any zone; converted to UTC) or ``datetime64`` taken as UTC;
    samples need not be evenly spaced. Non-finite heights (gaps) are dropped; records denser than
    :data:`MAX_FIT_SAMPLES` are thinned evenly (every k-th sample). Constituents are
    chosen by UTide's Rayleigh criterion from the record length (a record of at least
    :data:`YEAR_DAYS_MIN` days counts as a full year) unless ``constituents`` names them.
    Phases are Greenwich phase lags (UTC); ``z0_m`` is the fitted mean level. The result lists
    constituents from the largest amplitude down.

    Inference: when the record is too short to separate an ``infer`` pair (P1 from K1 needs
    182.6 days, K2 from S2 too) but long enough to fit the reference, the inferred constituent
    is tied to its reference with the given ratio (default: equilibrium ratios; use
    :func:`inference_from` for a nearby station's; ``None`` turns inference off). Inference
    applies to the automatic selection only: an explicit ``constituents`` list is fitted as is.

    Raises :class:`TideError` for mismatched lengths, naive times, duplicate times, or a record
    shorter than :data:`MIN_RECORD_HOURS` / :data:`MIN_SAMPLES`.
    """
    return fit_details(times, heights_m, latitude, constituents=constituents, infer=infer).model


def fit_details(
    times: Sequence[datetime] | npt.NDArray[Any],
    heights_m: Sequence[float] | npt.NDArray[Any],
    latitude: float,
    *,
    constituents: Sequence[str] | None = None,
    infer: Sequence[Inference] | None = EQUILIBRIUM_INFERENCE,
) -> FitResult:
    """:func:`fit`, returning the model with its diagnostics (:class:`FitResult`)."""
    lat = _latitude(latitude)
    t = _days(times)
    h = np.asarray(heights_m, dtype=np.float64)
    if h.ndim != 1 or t.shape != h.shape:
        raise TideError(f"times ({t.size}) and heights ({h.size}) must be 1-D and of equal length")
    ok = np.isfinite(h)
    gaps = int((~ok).sum())
    t, h = t[ok], h[ok]
    if t.size < MIN_SAMPLES:
        raise TideError(f"record too short: {t.size} valid samples, need at least {MIN_SAMPLES}")
    order = np.argsort(t, kind="stable")
    t, h = t[order], h[order]
    if np.any(np.diff(t) <= 0):
        raise TideError("record has duplicate times")
    span_h = float(t[-1] - t[0]) * 24.0
    if span_h < MIN_RECORD_HOURS:
        raise TideError(f"record too short: {span_h:.1f} h, need at least {MIN_RECORD_HOURS:.0f} h")
    if float(np.ptp(h)) > 100.0:
        raise TideError("heights span more than 100 m: are they in metres?")
    # Least squares builds a samples x 2*constituents complex matrix: thin dense records evenly
    # (every k-th sample; hourly sampling resolves every constituent up to M8, unlike averaging
    # it does not attenuate the short-period ones).
    thinned_by = max(1, math.ceil(t.size / MAX_FIT_SAMPLES))
    if thinned_by > 1:
        t, h = t[::thinned_by], h[::thinned_by]

    # Rayleigh criterion: two constituents are fitted separately only when the record spans at
    # least 1/|f1 - f2|. A year of hourly data is 8,760 h = 365.0 d, a few hours short of the
    # 365.24-day period of SA, which UTide would then drop with T2, S1, PSI1… (one cycle per year
    # from their neighbours). A record of at least YEAR_DAYS_MIN counts as a full year.
    span_d = span_h / 24.0
    rayleigh_min = min(1.0, span_d / _TROPICAL_YEAR_D) if span_d >= YEAR_DAYS_MIN else 1.0
    constit: str | list[str] = "auto"
    if constituents is not None:
        constit = [canonical_name(n) for n in constituents]
        if not constit:
            raise TideError("constituents must not be empty")

    coef = _solve(t, h, lat, constit, rayleigh_min, None)
    used: list[Inference] = []
    if infer and constituents is None:
        names = {str(n) for n in coef["name"]}
        for item in infer:
            inferred, reference = canonical_name(item.inferred), canonical_name(item.reference)
            ratio = _number(item.amp_ratio, "amp_ratio")
            if not 0.0 < ratio < 10.0:
                raise TideError("inference amp_ratio must be between 0 and 10")
            if reference in names and inferred not in names:
                used.append(
                    Inference(inferred, reference, ratio, _number(item.phase_offset_deg, "phase_offset_deg"))
                )
        if used:
            from utide.utilities import Bunch

            bunch = Bunch(
                inferred_names=[i.inferred for i in used],
                reference_names=[i.reference for i in used],
                amp_ratios=[i.amp_ratio for i in used],
                phase_offsets=[i.phase_offset_deg for i in used],
            )
            coef = _solve(t, h, lat, constit, rayleigh_min, bunch)

    items = [
        Constituent(name=str(n), amplitude_m=float(a), phase_deg=float(g) % 360.0)
        for n, a, g in zip(coef["name"], coef["A"], coef["g"], strict=True)
    ]
    items.sort(key=lambda c: c.amplitude_m, reverse=True)
    model = TideModel(constituents=items, z0_m=float(coef["mean"]), latitude=lat)
    residual = h - _predict_days(_prepare(model), t)
    return FitResult(
        model=model,
        samples=int(t.size),
        gaps=gaps,
        span_days=span_d,
        residual_rms_m=float(np.sqrt(np.mean(residual**2))),
        inferred=used,
        thinned_by=thinned_by,
    )


def _solve(
    t: npt.NDArray[np.float64],
    h: npt.NDArray[np.float64],
    lat: float,
    constit: str | list[str],
    rayleigh_min: float,
    infer: Any,
) -> Any:
    import utide

    with np.errstate(invalid="ignore", divide="ignore"):
        return utide.solve(
            t,
            h,
            lat=_nodal_latitude(lat),
            epoch=_EPOCH_STR,
            constit=constit,
            method="ols",
            Rayleigh_min=rayleigh_min,
            conf_int="none",
            trend=False,
            nodal=True,
            phase="Greenwich",
            infer=infer,
            verbose=False,
        )


# ---------------------------------------------------------------------------------------------
# predict


@dataclass
class _Prepared:
    names: list[str]
    coef: Any = field(repr=False)


def _prepare(model: TideModel) -> _Prepared:
    """A minimal UTide coefficient Bunch: what ``utide.reconstruct`` (and :func:`_predict_days`) need."""
    from utide._ut_constants import constit_index_dict, ut_constants
    from utide.utilities import Bunch

    if not isinstance(model, TideModel):
        raise TideError("model must be a TideModel")
    names = [canonical_name(c.name) for c in model.constituents]
    if len(set(names)) != len(names):
        raise TideError("model lists a constituent twice")
    lind = np.array([constit_index_dict[n] for n in names], dtype=int)
    opt = Bunch(
        twodim=False,
        nodsatlint=False,
        nodsatnone=False,
        gwchlint=False,
        gwchnone=False,
        notrend=True,
        prefilt=[],
        nodiagn=True,
    )
    aux = Bunch(
        reftime=0.0,  # unused with exact nodal corrections and Greenwich phases
        frq=np.asarray(ut_constants.const.freq, dtype=float)[lind],
        lind=lind,
        lat=_nodal_latitude(model.latitude),
        opt=opt,
    )
    coef = Bunch(
        name=np.array(names),
        A=np.array([float(c.amplitude_m) for c in model.constituents]),
        g=np.array([float(c.phase_deg) for c in model.constituents]),
        mean=float(model.z0_m),
        aux=aux,
    )
    return _Prepared(names=names, coef=coef)


def _predict_days(prepared: _Prepared, days: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """h(t) = z0 + sum f A cos(V + u - g), as ``utide.reconstruct`` computes it, but faster.

    UTide's ``FUV`` gives the nodal/satellite factors f, u and the Greenwich argument V. f and u
    depend only on the slow lunar and solar arguments (perigee p, node N', solar perigee p'; the
    fastest has an 8.85-year period), so they are evaluated once a day and interpolated linearly
    (error below 1e-7); V is evaluated exactly at every time. Same formula as the fit.
    """
    from utide.harmonics import FUV

    coef = prepared.coef
    lind = coef["aux"]["lind"]
    lat = coef["aux"]["lat"]
    ap = 0.5 * coef["A"] * np.exp(-1j * np.deg2rad(coef["g"]))
    t = days + _PY_DATENUM_1970  # UTide's time scale: days since 0000-12-31
    out = np.empty(days.shape, dtype=np.float64)
    for lo in range(0, t.size, _CHUNK):
        chunk = t[lo : lo + _CHUNK]
        grid = np.arange(math.floor(float(chunk.min())) - 1.0, math.ceil(float(chunk.max())) + 2.0, 1.0)
        f_grid, u_grid, _ = FUV(grid, grid[0], lind, lat, [False, False, False, False])
        u_grid = np.unwrap(u_grid * 2.0 * np.pi, axis=0)  # radians, continuous in time
        f = np.empty((chunk.size, lind.size))
        u = np.empty((chunk.size, lind.size))
        for k in range(lind.size):
            f[:, k] = np.interp(chunk, grid, f_grid[:, k])
            u[:, k] = np.interp(chunk, grid, u_grid[:, k])
        _, _, v = FUV(chunk, chunk[0], lind, lat, [False, True, False, False])  # exact Greenwich V
        e = f * np.exp(1j * (u + 2.0 * np.pi * v))
        out[lo : lo + _CHUNK] = 2.0 * np.real(e @ ap) + coef["mean"]
    return out


def predict(model: TideModel, times: Sequence[datetime] | npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Predicted heights (metres, ``z0_m`` included) at ``times`` (aware datetimes or UTC datetime64).

    Uses exact nodal/satellite corrections at each time, consistent with :func:`fit`.
    """
    days = _days(times)
    if days.size == 0:
        return np.empty(0, dtype=np.float64)
    return _predict_days(_prepare(model), days)


# ---------------------------------------------------------------------------------------------
# extremes


def extremes(
    model: TideModel,
    start: datetime,
    end: datetime,
    step_minutes: float = 10.0,
) -> list[Extreme]:
    """High and low waters strictly inside ``[start, end]``, in time order.

    The tide is sampled every ``step_minutes``; around each sampled turning point it is evaluated
    again every minute, and a parabola through the best minute and its neighbours gives the time
    (to the second) and height of the turning point.
    """
    t0 = _aware(start, "start")
    t1 = _aware(end, "end")
    if t1 <= t0:
        raise TideError("end must be after start")
    step = _number(step_minutes, "step_minutes")
    if not 1.0 <= step <= 60.0:
        raise TideError("step_minutes must be between 1 and 60")
    prepared = _prepare(model)
    d0 = (t0 - _EPOCH).total_seconds() / 86400.0
    d1 = (t1 - _EPOCH).total_seconds() / 86400.0
    step_d = step / 1440.0
    n = int(math.floor((d1 - d0) / step_d)) + 1
    coarse: npt.NDArray[np.float64] = d0 + np.arange(n, dtype=np.float64) * step_d
    if coarse[-1] < d1:
        coarse = np.append(coarse, d1).astype(np.float64)
    if coarse.size < 3:
        return []
    h = _predict_days(prepared, coarse)
    dh = np.diff(h)
    # A turning point lies near sample i when the slope changes sign between (i-1, i) and (i, i+1);
    # a flat pair (dh == 0) takes the sign of the slope before it.
    sign = np.sign(dh)
    for i in range(1, sign.size):
        if sign[i] == 0:
            sign[i] = sign[i - 1]
    cand = [i for i in range(1, sign.size) if sign[i - 1] != 0 and sign[i] != sign[i - 1]]
    if not cand:
        return []

    # Refine: one-minute samples over +-1 coarse step around each candidate (one vectorised call).
    minute = 1.0 / 1440.0
    half = int(math.ceil(step)) + 1
    offsets = np.arange(-half, half + 1) * minute
    fine = np.asarray((coarse[np.array(cand)][:, None] + offsets[None, :]).ravel(), dtype=np.float64)
    hf = _predict_days(prepared, fine).reshape(len(cand), offsets.size)

    found: list[Extreme] = []
    for row, i in enumerate(cand):
        kind: Literal["high", "low"] = "high" if sign[i - 1] > 0 else "low"
        vals = hf[row] if kind == "high" else -hf[row]
        j = int(np.argmax(vals))
        tj = float(fine[row * offsets.size + j])
        hj = float(hf[row, j])
        if 0 < j < offsets.size - 1:
            ym, y0, yp = vals[j - 1], vals[j], vals[j + 1]
            denom = ym - 2.0 * y0 + yp
            if denom < 0:
                x = 0.5 * (ym - yp) / denom  # in minutes, |x| <= 0.5
                tj += x * minute
                peak = y0 - 0.25 * (ym - yp) * x
                hj = float(peak if kind == "high" else -peak)
        elif j in (0, offsets.size - 1):
            continue  # turning point not bracketed (window edge or a flat): skip
        if tj <= d0 or tj >= d1:
            continue
        when = _from_day(tj)
        if found and found[-1].kind == kind and abs((when - found[-1].time).total_seconds()) < 120:
            continue  # same turning point found from two neighbouring samples
        found.append(Extreme(time=when, height_m=hj, kind=kind))
    return found
