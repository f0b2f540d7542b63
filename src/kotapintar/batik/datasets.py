"""Batik Fusion's open dataset (kotapintar.opendata.registry): the published events with their
venues, visitors per event and day, and wallet turnover per event and day — aggregates only, never a
ticket, a card or a person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Max, Min

from kotapintar.batik import selectors, wallet_port
from kotapintar.batik.models import Event
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


def _events() -> Iterator[Row]:
    for ev in (
        Event.objects.filter(is_published=True).prefetch_related("venues").order_by("starts_at", "code")
    ):
        venues = list(ev.venues.all())
        first = venues[0] if venues else None
        yield {
            "kode": ev.code,
            "nama": ev.name_id,
            "nama_en": ev.name_en,
            "mulai": ev.starts_at.astimezone(WIB).isoformat(),
            "selesai": ev.ends_at.astimezone(WIB).isoformat(),
            "berkelanjutan": ev.ongoing,
            "tempat": "; ".join(v.name for v in venues),
            "kode_kelurahan": first.kelurahan_code if first else "",
            "lat": round(first.lat, 6) if first else None,
            "lon": round(first.lon, 6) if first else None,
        }


def _published() -> set[str]:
    return set(Event.objects.filter(is_published=True).values_list("code", flat=True))


def _visitors() -> Iterator[Row]:
    published = _published()
    for code, days in sorted(selectors.visitors_by_event_day().items()):
        if code in published:
            for day, n in sorted(days.items()):
                yield {"acara": code, "tanggal": day, "pengunjung": n}


def _turnover() -> Iterator[Row]:
    published = _published()
    for (code, day), total in sorted(wallet_port.turnover_by_event_day().items()):
        if code in published:
            yield {"acara": code, "tanggal": day, "omzet_idr": total}


def _temporal() -> tuple[date | None, date | None]:
    span = Event.objects.filter(is_published=True).aggregate(a=Min("starts_at"), b=Max("ends_at"))
    if span["a"] is None:
        return None, None
    return span["a"].astimezone(WIB).date(), span["b"].astimezone(WIB).date()


register(
    Dataset(
        name="batik-fusion-acara",
        title_id="Pekalongan Batik Fusion: acara, pengunjung dan omzet",
        title_en="Pekalongan Batik Fusion: events, visitors and turnover",
        notes_id=(
            "Acara batik kota dengan tempatnya, jumlah pengunjung per acara dan hari (tiket berbeda yang "
            "masuk), dan omzet dompet kartu kota per acara dan hari. Hanya agregat: tanpa tiket, kartu "
            "atau orang."
        ),
        notes_en=(
            "The city's batik events with their venues, visitors per event and day (distinct tickets that "
            "entered), and city card wallet turnover per event and day. Aggregates only: no ticket, card "
            "or person."
        ),
        opd="dinparbudpora",
        dimensions=("BRA", "ECO"),
        tags=("batik", "pariwisata", "acara", "ekonomi kreatif"),
        frequency="daily",
        statistics=Statistics(
            kegiatan="Penyelenggaraan acara Pekalongan Batik Fusion",
            variabel=("acara", "tanggal", "pengunjung", "omzet_idr"),
            indikator=("Jumlah pengunjung acara batik", "Omzet transaksi nontunai acara batik"),
        ),
        temporal=_temporal,
        resources=(
            Resource(
                name="acara",
                title_id="Acara dan tempat",
                title_en="Events and venues",
                columns=(
                    Column("kode", "string", "Kode acara", "Event code"),
                    Column("nama", "string", "Nama acara", "Event name"),
                    Column("nama_en", "string", "Nama (Inggris)", "Name (English)", lang="en"),
                    Column("mulai", "datetime", "Mulai", "Starts"),
                    Column("selesai", "datetime", "Selesai", "Ends"),
                    Column("berkelanjutan", "boolean", "Berkelanjutan", "Ongoing"),
                    Column("tempat", "string", "Tempat", "Venues"),
                    KELURAHAN_CODE,
                    LAT,
                    LON,
                ),
                rows=_events,
                geometry=point,
            ),
            Resource(
                name="pengunjung-harian",
                title_id="Pengunjung per acara dan hari",
                title_en="Visitors per event and day",
                columns=(
                    Column("acara", "string", "Kode acara", "Event code"),
                    Column("tanggal", "date", "Tanggal", "Date"),
                    Column("pengunjung", "integer", "Pengunjung", "Visitors"),
                ),
                rows=_visitors,
            ),
            Resource(
                name="omzet-harian",
                title_id="Omzet per acara dan hari",
                title_en="Turnover per event and day",
                columns=(
                    Column("acara", "string", "Kode acara", "Event code"),
                    Column("tanggal", "date", "Tanggal", "Date"),
                    Column("omzet_idr", "integer", "Omzet (Rp)", "Turnover (IDR)"),
                ),
                rows=_turnover,
            ),
        ),
    )
)
