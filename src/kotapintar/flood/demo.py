"""Pekalongan demo data for the flood app: gauges on Kali Loji, Kali Banger, Kali Kupang and Sungai
Bremi, a tide gauge at Pelabuhan Pekalongan, rain gauges, the pump houses named in the domain notes,
shelters, thresholds and a week of history. Idempotent: a second run changes nothing.

Station positions are placed inside the kelurahan each gauge stands in (exact coordinates of the
real installations are not public); pump capacities are the published ones (pekalongan.md §3). The
tide gauge carries stand-in constituents (Jakarta's TICON-4 values, a diurnal regime like the one
expected for Pekalongan) with a mean level at 110 cm on the station datum, until a local fit replaces
them with `kotapintar tide-fit`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from shapely.geometry import shape

from kotapintar.core.models import Kelurahan
from kotapintar.flood import services, simulate
from kotapintar.flood.models import (
    CitizenReport,
    Observation,
    Parameter,
    PumpEvent,
    ReportStatus,
    Shelter,
    Station,
    StationKind,
    ThresholdSet,
)
from kotapintar.flood.services import DatastreamSpec
from kotapintar.lib import tide

TIDES = Path(__file__).parent / "data" / "tides"
ALIASES = ["Siaga IV", "Siaga III", "Siaga II", "Siaga I"]
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
WIB = ZoneInfo("Asia/Jakarta")

# code, name, kind, kelurahan, (dx, dy) offset in degrees from its representative point, extra
STATIONS: list[tuple[str, str, str, str, tuple[float, float], dict[str, object]]] = [
    (
        "loji-podosugih",
        "Kali Loji – Podosugih",
        StationKind.RIVER,
        "Podosugih",
        (0.0, 0.0),
        {"river": "Kali Loji", "subsystem": "Loji", "warns": ["Podosugih", "Sapuro Kebulen", "Kauman"]},
    ),
    (
        "loji-kauman",
        "Kali Loji – Jembatan Kauman",
        StationKind.RIVER,
        "Kauman",
        (0.0, 0.0),
        {"river": "Kali Loji", "subsystem": "Loji", "warns": ["Kauman", "Poncol", "Panjang Wetan"]},
    ),
    (
        "banger-poncol",
        "Kali Banger – Poncol",
        StationKind.RIVER,
        "Poncol",
        (0.0, 0.0),
        {"river": "Kali Banger", "subsystem": "Banger Hilir", "warns": ["Poncol", "Klego", "Kali Baros"]},
    ),
    (
        "kupang-pringrejo",
        "Kali Kupang – Pringrejo",
        StationKind.RIVER,
        "Pringrejo",
        (0.0, 0.0),
        {"river": "Kali Kupang", "subsystem": "Bremi", "warns": ["Pringrejo", "Pasirkratonkramat", "Tirto"]},
    ),
    (
        "bremi-krapyak",
        "Sungai Bremi – Krapyak",
        StationKind.RIVER,
        "Krapyak",
        (0.0, 0.0),
        {"river": "Sungai Bremi", "subsystem": "Bremi", "warns": ["Krapyak", "Degayu", "Kandang Panjang"]},
    ),
    (
        "pelabuhan",
        "Pelabuhan Pekalongan (pasang surut)",
        StationKind.TIDE,
        "Panjang Wetan",
        (0.0, 0.0),
        {"warns": ["Panjang Wetan", "Krapyak", "Kandang Panjang", "Panjang Baru", "Bandengan", "Degayu"]},
    ),
    ("hujan-kergon", "Pos Hujan Bendan Kergon", StationKind.RAIN, "Bendan Kergon", (0.0, 0.0), {}),
    ("hujan-buaran", "Pos Hujan Buaran", StationKind.RAIN, "Buaran Kradenan", (0.0, 0.0), {}),
    ("hujan-degayu", "Pos Hujan Degayu", StationKind.RAIN, "Degayu", (0.0, 0.0), {}),
    (
        "pompa-silempeng",
        "Rumah Pompa Silempeng",
        StationKind.PUMP,
        "Krapyak",
        (0.004, 0.003),
        {"units": 2, "capacity": 4000, "subsystem": "Loji–Banger (paket II)"},
    ),
    (
        "pompa-sengkarang",
        "Rumah Pompa Sengkarang",
        StationKind.PUMP,
        "Padukuhan Kraton",
        (0.0, 0.0),
        {"units": 3, "capacity": 6000, "subsystem": "Loji–Banger (paket II)"},
    ),
    (
        "pompa-pabean",
        "Rumah Pompa Pabean",
        StationKind.PUMP,
        "Panjang Wetan",
        (0.004, 0.002),
        {"units": 2, "capacity": 4000, "subsystem": "Bremi–Meduri"},
    ),
    (
        "pompa-mrican",
        "Rumah Pompa Mrican",
        StationKind.PUMP,
        "Degayu",
        (0.0, 0.003),
        {"units": 3, "capacity": 6000, "subsystem": "Banger Hilir"},
    ),
]

# River thresholds (cm on the staff gauge): Waspada, Siaga, Awas.
RIVER_LIMITS = {
    "loji-podosugih": (130.0, 160.0, 200.0),
    "loji-kauman": (120.0, 150.0, 190.0),
    "banger-poncol": (100.0, 125.0, 160.0),
    "kupang-pringrejo": (90.0, 115.0, 150.0),
    "bremi-krapyak": (120.0, 150.0, 180.0),
}
TIDE_LIMITS = (135.0, 150.0, 170.0)  # cm on the station datum; "normal" high water is 100–130 cm

SHELTERS = [
    ("gor-jetayu", "GOR Jetayu", "Kauman", 400, "Jl. Jetayu"),
    ("balai-panjang-wetan", "Balai Kelurahan Panjang Wetan", "Panjang Wetan", 150, "Panjang Wetan"),
    ("sd-krapyak", "SD Negeri Krapyak (tempat pengungsian)", "Krapyak", 200, "Krapyak"),
    ("masjid-degayu", "Masjid Jami' Degayu", "Degayu", 120, "Degayu"),
    ("balai-kandang-panjang", "Balai Kelurahan Kandang Panjang", "Kandang Panjang", 150, "Kandang Panjang"),
]


def _point(kelurahan: str, offset: tuple[float, float]) -> tuple[float, float, Kelurahan]:
    kel = Kelurahan.objects.get(name__iexact=kelurahan)
    p = shape(kel.geometry).representative_point()
    lon, lat = float(p.x) + offset[0], float(p.y) + offset[1]
    if not shape(kel.geometry).covers(type(p)(lon, lat)):
        lon, lat = float(p.x), float(p.y)
    return lon, lat, kel


def _codes(names: list[str]) -> list[str]:
    codes = dict(Kelurahan.objects.values_list("name", "code"))
    return [codes[n] for n in names if n in codes]


def seed(*, out: Callable[[str], None]) -> None:
    created = 0
    for code, name, kind, kel_name, offset, extra in STATIONS:
        if Station.objects.filter(code=code).exists():
            continue
        lon, lat, _kel = _point(kel_name, offset)
        streams = {
            StationKind.RIVER: [DatastreamSpec(Parameter.WATER_LEVEL, 600, "ultrasonic")],
            StationKind.TIDE: [DatastreamSpec(Parameter.TIDE_LEVEL, 600, "radar")],
            StationKind.RAIN: [DatastreamSpec(Parameter.RAINFALL, 600, "tipping bucket 0.2 mm")],
            StationKind.PUMP: [DatastreamSpec(Parameter.PUMP_FLOW, 900, "flow meter")],
        }[StationKind(kind)]
        station = services.station_create(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            lon=lon,
            lat=lat,
            river=str(extra.get("river", "")),
            subsystem=str(extra.get("subsystem", "")),
            warns_kelurahan=_codes(list(extra.get("warns", []))),  # type: ignore[call-overload]
            pump_units=int(extra.get("units", 0)),  # type: ignore[call-overload]
            capacity_lps=int(extra.get("capacity", 0)),  # type: ignore[call-overload]
            subsidence_cm_per_year=5.0 if kind == StationKind.TIDE else 0.0,
            datastreams=streams,
        )
        created += 1
        if code in RIVER_LIMITS:
            w, s, a = RIVER_LIMITS[code]
            services.threshold_set_create(
                actor=None,
                station=station,
                parameter=Parameter.WATER_LEVEL,
                valid_from=SINCE,
                waspada=w,
                siaga=s,
                awas=a,
                deadband=5.0,
                off_delay_s=1800,
                aliases=ALIASES,
                reason="Penetapan awal (demo)",
            )
        if kind == StationKind.TIDE:
            ticon = json.loads((TIDES / "jakarta-161a-idn-uhslc-rq.json").read_text(encoding="utf-8"))
            model = tide.TideModel.from_ticon(ticon, z0_m=1.10)
            model.latitude = -6.86
            services.station_tide_set(
                actor=None, station=station, model_json=model.to_json(), epoch=date(2025, 1, 1)
            )
            services.threshold_set_create(
                actor=None,
                station=station,
                parameter=Parameter.TIDE_LEVEL,
                valid_from=SINCE,
                waspada=TIDE_LIMITS[0],
                siaga=TIDE_LIMITS[1],
                awas=TIDE_LIMITS[2],
                deadband=3.0,
                off_delay_s=1800,
                aliases=[],
                reason="Penetapan awal (demo)",
            )
            services.datum_offset_create(
                actor=None,
                station=station,
                valid_from=SINCE,
                offset_cm=0.0,
                reference="LAT",
                survey="Pengukuran awal (demo)",
            )
            services.datum_offset_create(
                actor=None,
                station=station,
                valid_from=datetime(2025, 6, 1, tzinfo=UTC),
                offset_cm=-6.5,
                reference="LAT",
                survey="Re-levelling setelah penurunan tanah (demo)",
            )
    out(f"  {Station.objects.count()} flood stations ({created} new)")
    for code, name, kel_name, capacity, address in SHELTERS:
        if Shelter.objects.filter(code=code).exists():
            continue
        lon, lat, kel = _point(kel_name, (0.001, -0.001))
        Shelter.objects.create(
            code=code,
            name=name,
            kelurahan=kel,
            lon=lon,
            lat=lat,
            capacity=capacity,
            address=address,
            status=Shelter.Status.OPEN
            if code in ("balai-panjang-wetan", "sd-krapyak")
            else Shelter.Status.CLOSED,
            occupancy={"balai-panjang-wetan": 46, "sd-krapyak": 31}.get(code, 0),
            updated_at=timezone.now(),
        )
    if not PumpEvent.objects.exists():
        now = timezone.now()
        for code, state in [
            ("pompa-silempeng", "on"),
            ("pompa-sengkarang", "on"),
            ("pompa-pabean", "fault"),
            ("pompa-mrican", "off"),
        ]:
            st = Station.objects.get(code=code)
            at = now - timedelta(hours=5)
            PumpEvent.objects.create(station=st, state=state, at=at, note="demo")
            Station.objects.filter(pk=st.pk).update(pump_state=state, pump_state_at=at)
    if not Observation.objects.exists():
        _history(out)
    if not CitizenReport.objects.exists():
        now = timezone.now()
        bpbd = get_user_model().objects.filter(username="bpbd").first()
        for kel_name, depth, text, status, minutes in [
            ("Panjang Wetan", 35, "Air rob masuk ke jalan depan rumah", ReportStatus.VERIFIED, 40),
            ("Krapyak", 80, "Banjir sepinggang di gang", ReportStatus.VERIFIED, 70),
            ("Kauman", 15, "Genangan setelah hujan", ReportStatus.PENDING, 20),
        ]:
            lon, lat, kel = _point(kel_name, (0.0005, 0.0005))
            CitizenReport.objects.create(
                created_at=now - timedelta(minutes=minutes),
                lon=lon,
                lat=lat,
                kelurahan=kel,
                depth_cm=depth,
                text=text,
                status=status,
                reviewed_at=now - timedelta(minutes=minutes // 2)
                if status == ReportStatus.VERIFIED
                else None,
                reviewed_by=bpbd if status == ReportStatus.VERIFIED else None,
                source="demo",
            )
    _recent_reviews(out)
    n = 0
    for station in Station.objects.filter(kind=StationKind.TIDE).exclude(tide_constituents=None):
        n += len(services.rob_forecast_refresh(station=station))
    out(
        f"  {Observation.objects.count()} observations, {ThresholdSet.objects.count()} threshold sets, "
        f"{Shelter.objects.count()} shelters, {n} rob forecast windows"
    )


# kelurahan, depth (cm), text, days before the seed, hour (WIB), minutes until BPBD verified it
RECENT_REPORTS: list[tuple[str, int, str, int, int, int]] = [
    ("Bandengan", 40, "Rob masuk rumah warga, air setinggi lutut", 3, 6, 18),
    ("Degayu", 25, "Jalan kampung tergenang rob sejak subuh", 8, 5, 42),
    ("Pasirkratonkramat", 30, "Genangan setelah hujan deras semalam", 13, 21, 27),
    ("Kandang Panjang", 55, "Tanggul kecil jebol, air masuk gang", 19, 16, 65),
    ("Panjang Wetan", 20, "Air rob di depan balai kelurahan", 26, 7, 33),
]
REVIEW_NOTE = "Dicek petugas lapangan (demo)"


def _recent_reviews(out: Callable[[str], None]) -> None:
    """Citizen reports from the last weeks that BPBD verified, so that the control room's median time
    to verify has data whenever the demo is seeded; added when no demo report was reviewed in the last
    30 days (a second run adds nothing)."""
    now = timezone.now()
    if CitizenReport.objects.filter(
        source="demo", review_note=REVIEW_NOTE, reviewed_at__gte=now - timedelta(days=30)
    ).exists():
        return
    reviewer = get_user_model().objects.filter(username="bpbd").first()
    for kel_name, depth, text, days, hour, minutes in RECENT_REPORTS:
        lon, lat, kel = _point(kel_name, (-0.0005, 0.0005))
        day = (now - timedelta(days=days)).astimezone(WIB)
        created = day.replace(hour=hour, minute=10 + 7 * days % 40, second=0, microsecond=0)
        report = CitizenReport.objects.create(
            created_at=created, lon=lon, lat=lat, kelurahan=kel, depth_cm=depth, text=text, source="demo"
        )
        if reviewer is not None:  # through the service, so the review is audited
            report = services.citizen_report_review(
                actor=reviewer, report=report, verified=True, note=REVIEW_NOTE
            )
        CitizenReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.VERIFIED,
            reviewed_at=created + timedelta(minutes=minutes),
            reviewed_by=reviewer,
            review_note=REVIEW_NOTE,
        )
    out(f"  {len(RECENT_REPORTS)} citizen reports verified by BPBD in the last 30 days")


#: Days of history the demo generates (a city's week, `simulate.WEEK_EVENTS`).
HISTORY_DAYS = 7


def _history(out: Callable[[str], None]) -> None:
    """A week of 10-minute readings up to now, ingested in time order as the gateways would have sent
    them, so the alarms, incidents and CAP messages carry the readings' own times."""
    now = timezone.now().replace(second=0, microsecond=0)
    now -= timedelta(minutes=now.minute % 10)
    times = [now - timedelta(minutes=10 * i) for i in range(HISTORY_DAYS * 24 * 6, -1, -1)]
    stations = list(Station.objects.all())
    day = 144  # one day of readings from every station per batch, each station's in time order
    for start in range(0, len(times), day):
        readings = simulate.readings_for(stations, times[start : start + day], step_s=600, seed=7)
        services.readings_ingest(readings=readings, source="demo")
    out(f"  history: {len(times)} times × {len(stations)} stations over {HISTORY_DAYS} days")
