"""Banjir & rob's open dataset (kotapintar.opendata.registry): stations, daily aggregates of their
readings, shelters, and verified citizen reports without anything personal (no text, no photo, no
reporter; the place rounded to about 100 m)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncDate

from kotapintar.flood.models import (
    CitizenReport,
    Observation,
    Parameter,
    ReportStatus,
    Shelter,
    Station,
    StationKind,
    StationStatus,
)
from kotapintar.opendata.registry import (
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
            "lat": s.lat,
            "lon": s.lon,
        }


def _daily() -> Iterator[Row]:
    rows = (
        Observation.objects.annotate(day=TruncDate("phenomenon_time", tzinfo=WIB))
        .values("datastream__station__code", "datastream__parameter", "datastream__unit", "day")
        .annotate(n=Count("id"), lo=Min("value"), hi=Max("value"), avg=Avg("value"))
        .order_by("datastream__station__code", "datastream__parameter", "day")
    )
    for r in rows:
        yield {
            "stasiun": r["datastream__station__code"],
            "parameter": r["datastream__parameter"],
            "satuan": r["datastream__unit"],
            "tanggal": r["day"],
            "jumlah_bacaan": r["n"],
            "minimum": round(r["lo"], 2),
            "maksimum": round(r["hi"], 2),
            "rata_rata": round(r["avg"], 2),
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
            "lat": s.lat,
            "lon": s.lon,
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
            "sensornya (jumlah, minimum, maksimum, rata-rata); posko pengungsian dengan kapasitas dan "
            "keterisian; laporan genangan warga yang sudah diverifikasi BPBD, tanpa data pribadi (tanpa "
            "teks, foto atau pelapor; lokasi dibulatkan sekitar 100 m)."
        ),
        notes_en=(
            "Water level, tide, rain and pump stations; a daily summary of their sensor readings (count, "
            "minimum, maximum, mean); shelters with capacity and occupancy; citizen flood reports verified "
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
                    Column(
                        "kode_kelurahan",
                        "string",
                        "Kode kelurahan (Kemendagri)",
                        "Kelurahan code (Kemendagri)",
                    ),
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
                    Column(
                        "kode_kelurahan",
                        "string",
                        "Kode kelurahan (Kemendagri)",
                        "Kelurahan code (Kemendagri)",
                    ),
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
                name="laporan-warga",
                title_id="Laporan genangan warga terverifikasi",
                title_en="Verified citizen flood reports",
                columns=(
                    Column("waktu", "datetime", "Waktu (WIB)", "Time (WIB)"),
                    Column(
                        "kode_kelurahan",
                        "string",
                        "Kode kelurahan (Kemendagri)",
                        "Kelurahan code (Kemendagri)",
                    ),
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
