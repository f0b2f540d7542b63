"""Banjir & rob's open dataset (kotapintar.opendata.registry): stations, daily aggregates of their
readings, shelters, and verified citizen reports without anything personal (no text, no photo, no
reporter; the place rounded to about 100 m)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Max, Min
from django.utils import timezone

from kotapintar.flood.models import (
    CitizenReport,
    DailyRollup,
    Hazard,
    Incident,
    Observation,
    Parameter,
    ReportStatus,
    RobForecast,
    Shelter,
    Station,
    StationKind,
    StationStatus,
)
from kotapintar.opendata.registry import (
    KELURAHAN_CODE,
    LAT,
    LON,
    Column,
    Dataset,
    Resource,
    Row,
    Statistics,
    point,
    register,
)

WIB = ZoneInfo("Asia/Jakarta")


def _stations() -> Iterator[Row]:
    for s in Station.objects.select_related("kelurahan").order_by("code"):
        yield {
            "kode": s.code,
            "nama": s.name,
            "jenis": s.kind,
            "status": s.status,
            "sungai": s.river,
            "kode_kelurahan": s.kelurahan.code if s.kelurahan else "",
            "lat": round(s.lat, 6),
            "lon": round(s.lon, 6),
        }


def _daily() -> Iterator[Row]:
    """The daily rollups ingestion keeps (kept beyond the raw readings' retention; no scan of the raw
    table)."""
    rows = DailyRollup.objects.select_related("datastream__station").order_by(
        "datastream__station__code", "datastream__parameter", "bucket"
    )
    for r in rows:
        yield {
            "stasiun": r.datastream.station.code,
            "parameter": r.datastream.parameter,
            "satuan": r.datastream.unit,
            "tanggal": timezone.localtime(r.bucket).date(),
            "jumlah_bacaan": r.count,
            "minimum": round(r.min, 2),
            "maksimum": round(r.max, 2),
            "rata_rata": round(r.sum / r.count, 2),
        }


def _shelters() -> Iterator[Row]:
    for s in Shelter.objects.select_related("kelurahan").order_by("code"):
        yield {
            "kode": s.code,
            "nama": s.name,
            "alamat": s.address,
            "kode_kelurahan": s.kelurahan.code if s.kelurahan else "",
            "kapasitas": s.capacity,
            "terisi": s.occupancy,
            "status": s.status,
            "lat": round(s.lat, 6),
            "lon": round(s.lon, 6),
        }


def _reports() -> Iterator[Row]:
    qs = CitizenReport.objects.filter(status=ReportStatus.VERIFIED).select_related("kelurahan")
    for r in qs.order_by("created_at", "pk"):
        yield {
            "waktu": r.created_at.astimezone(WIB).isoformat(timespec="minutes"),
            "kode_kelurahan": r.kelurahan.code if r.kelurahan else "",
            "kedalaman_cm": r.depth_cm,
            "lat": round(r.lat, 3),
            "lon": round(r.lon, 3),
        }


def _incidents() -> Iterator[Row]:
    """Incidents without the operators: who acknowledged them and their notes stay inside."""
    qs = Incident.objects.select_related("station__kelurahan").order_by("opened_at", "pk")
    for i in qs:
        yield {
            "stasiun": i.station.code,
            "bahaya": i.hazard,
            "kode_kelurahan": i.station.kelurahan.code if i.station.kelurahan else "",
            "dibuka": timezone.localtime(i.opened_at).isoformat(timespec="minutes"),
            "ditutup": timezone.localtime(i.closed_at).isoformat(timespec="minutes") if i.closed_at else None,
            "tingkat_tertinggi": i.max_level_name,
            "nilai_tertinggi": i.max_value,
        }


def _rob_forecasts() -> Iterator[Row]:
    for f in RobForecast.objects.select_related("station").order_by("starts_at", "pk"):
        yield {
            "stasiun": f.station.code,
            "tingkat": f.level_name,
            "mulai": timezone.localtime(f.starts_at).isoformat(timespec="minutes"),
            "selesai": timezone.localtime(f.ends_at).isoformat(timespec="minutes"),
            "puncak": timezone.localtime(f.peak_at).isoformat(timespec="minutes"),
            "puncak_cm": round(f.peak_cm, 1),
            "kelurahan": "; ".join(f.kelurahan_names),
            "dihitung": timezone.localtime(f.computed_at).isoformat(timespec="minutes"),
        }


def _temporal() -> tuple[date | None, date | None]:
    span = Observation.objects.aggregate(a=Min("phenomenon_time"), b=Max("phenomenon_time"))
    if span["a"] is None:
        return None, None
    return span["a"].astimezone(WIB).date(), span["b"].astimezone(WIB).date()


register(
    Dataset(
        name="banjir-rob",
        title_id="Banjir dan rob: stasiun, bacaan harian, posko dan laporan warga",
        title_en="Floods and tidal floods: stations, daily readings, shelters and citizen reports",
        notes_id=(
            "Stasiun pemantauan muka air, pasang surut, hujan dan rumah pompa; ringkasan harian bacaan "
            "sensornya (jumlah, minimum, maksimum, rata-rata); insiden banjir dan rob; prakiraan rob; "
            "posko pengungsian dengan kapasitas dan "
            "keterisian; laporan genangan warga yang sudah diverifikasi BPBD, tanpa data pribadi (tanpa "
            "teks, foto atau pelapor; lokasi dibulatkan sekitar 100 m)."
        ),
        notes_en=(
            "Water level, tide, rain and pump stations; a daily summary of their sensor readings (count, "
            "minimum, maximum, mean); flood and rob incidents; rob forecasts; shelters with capacity and "
            "occupancy; citizen flood reports verified "
            "by BPBD, without personal data (no text, photo or reporter; the place rounded to about 100 m)."
        ),
        opd="bpbd",
        dimensions=("ENV", "LIV"),
        tags=("banjir", "banjir rob", "sensor", "kebencanaan", "posko"),
        frequency="continuous",
        statistics=Statistics(
            kegiatan="Pemantauan dan peringatan dini banjir dan rob",
            variabel=("muka_air", "pasang_surut", "curah_hujan", "kedalaman_genangan", "kapasitas_posko"),
            indikator=("Tinggi muka air harian maksimum", "Jumlah laporan genangan terverifikasi"),
        ),
        temporal=_temporal,
        resources=(
            Resource(
                name="stasiun",
                title_id="Stasiun pemantauan",
                title_en="Monitoring stations",
                columns=(
                    Column("kode", "string", "Kode stasiun", "Station code"),
                    Column("nama", "string", "Nama", "Name"),
                    Column("jenis", "string", "Jenis", "Kind", labels=StationKind),
                    Column("status", "string", "Status", "Status", labels=StationStatus),
                    Column("sungai", "string", "Sungai atau badan air", "River or water body"),
                    KELURAHAN_CODE,
                    LAT,
                    LON,
                ),
                rows=_stations,
                geometry=point,
            ),
            Resource(
                name="bacaan-harian",
                title_id="Ringkasan harian bacaan sensor",
                title_en="Daily summary of sensor readings",
                columns=(
                    Column("stasiun", "string", "Kode stasiun", "Station code"),
                    Column("parameter", "string", "Parameter", "Parameter", labels=Parameter),
                    Column("satuan", "string", "Satuan", "Unit"),
                    Column("tanggal", "date", "Tanggal (WIB)", "Date (WIB)"),
                    Column("jumlah_bacaan", "integer", "Jumlah bacaan", "Readings"),
                    Column("minimum", "number", "Minimum", "Minimum"),
                    Column("maksimum", "number", "Maksimum", "Maximum"),
                    Column("rata_rata", "number", "Rata-rata", "Mean"),
                ),
                rows=_daily,
            ),
            Resource(
                name="posko",
                title_id="Posko pengungsian",
                title_en="Shelters",
                columns=(
                    Column("kode", "string", "Kode posko", "Shelter code"),
                    Column("nama", "string", "Nama", "Name"),
                    Column("alamat", "string", "Alamat", "Address"),
                    KELURAHAN_CODE,
                    Column("kapasitas", "integer", "Kapasitas (orang)", "Capacity (people)"),
                    Column("terisi", "integer", "Terisi (orang)", "Occupancy (people)"),
                    Column("status", "string", "Status", "Status", labels=Shelter.Status),
                    LAT,
                    LON,
                ),
                rows=_shelters,
                geometry=point,
            ),
            Resource(
                name="insiden",
                title_id="Insiden banjir dan rob",
                title_en="Flood and rob incidents",
                columns=(
                    Column("stasiun", "string", "Kode stasiun", "Station code"),
                    Column("bahaya", "string", "Bahaya", "Hazard", labels=Hazard),
                    KELURAHAN_CODE,
                    Column("dibuka", "datetime", "Dibuka", "Opened"),
                    Column("ditutup", "datetime", "Ditutup", "Closed"),
                    Column("tingkat_tertinggi", "string", "Tingkat tertinggi", "Highest level"),
                    Column("nilai_tertinggi", "number", "Nilai tertinggi", "Highest value"),
                ),
                rows=_incidents,
            ),
            Resource(
                name="prakiraan-rob",
                title_id="Prakiraan rob",
                title_en="Rob forecasts",
                columns=(
                    Column("stasiun", "string", "Kode stasiun pasang surut", "Tide gauge code"),
                    Column("tingkat", "string", "Tingkat", "Level"),
                    Column("mulai", "datetime", "Mulai", "Starts"),
                    Column("selesai", "datetime", "Selesai", "Ends"),
                    Column("puncak", "datetime", "Puncak", "Peak"),
                    Column("puncak_cm", "number", "Tinggi puncak (cm)", "Peak height (cm)"),
                    Column("kelurahan", "string", "Kelurahan terdampak", "Kelurahan affected"),
                    Column("dihitung", "datetime", "Dihitung", "Computed"),
                ),
                rows=_rob_forecasts,
            ),
            Resource(
                name="laporan-warga",
                title_id="Laporan genangan warga terverifikasi",
                title_en="Verified citizen flood reports",
                columns=(
                    Column("waktu", "datetime", "Waktu (WIB)", "Time (WIB)"),
                    KELURAHAN_CODE,
                    Column("kedalaman_cm", "integer", "Kedalaman (cm)", "Depth (cm)"),
                    Column("lat", "number", "Lintang (±100 m)", "Latitude (±100 m)"),
                    Column("lon", "number", "Bujur (±100 m)", "Longitude (±100 m)"),
                ),
                rows=_reports,
                geometry=point,
            ),
        ),
    )
)
