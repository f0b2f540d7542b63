"""TTE's open dataset (kotapintar.opendata.registry): documents signed per month by OPD — counts
only, never a title, a number, a name or a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from kotapintar.esign import selectors
from kotapintar.opendata.registry import Column, Dataset, Resource, Row, Statistics, register


def _rows() -> Iterator[Row]:
    for month, opd, n in selectors.signed_per_month_by_opd():
        yield {"bulan": month, "opd": opd, "dokumen_ditandatangani": n}


def _temporal() -> tuple[date | None, date | None]:
    months = [m for m, _o, _n in selectors.signed_per_month_by_opd()]
    if not months:
        return None, None
    first, last = min(months), max(months)
    y, m = int(last[:4]), int(last[5:])
    end = date(y + (m == 12), m % 12 + 1, 1)
    return date(int(first[:4]), int(first[5:]), 1), date.fromordinal(end.toordinal() - 1)


register(
    Dataset(
        name="tte-dokumen-ditandatangani",
        title_id="Dokumen bertanda tangan elektronik per bulan dan OPD",
        title_en="Electronically signed documents per month and OPD",
        notes_id=(
            "Jumlah dokumen kedinasan yang selesai ditandatangani secara elektronik (TTE) setiap bulan, per "
            "perangkat daerah. Hanya jumlah: tanpa judul, nomor, penanda tangan atau isi dokumen."
        ),
        notes_en=(
            "How many official documents were fully signed electronically each month, per city agency. "
            "Counts only: no title, number, signer or content."
        ),
        opd="dinkominfo",
        dimensions=("GOV",),
        tags=("tanda tangan elektronik", "tte", "layanan publik"),
        frequency="monthly",
        statistics=Statistics(
            kegiatan="Penyelenggaraan tanda tangan elektronik pemerintah kota",
            variabel=("bulan", "opd", "dokumen_ditandatangani"),
            indikator=("Jumlah dokumen ditandatangani secara elektronik",),
        ),
        temporal=_temporal,
        resources=(
            Resource(
                name="per-bulan",
                title_id="Dokumen ditandatangani per bulan dan OPD",
                title_en="Documents signed per month and OPD",
                columns=(
                    Column("bulan", "string", "Bulan", "Month"),
                    Column("opd", "string", "OPD", "OPD"),
                    Column("dokumen_ditandatangani", "integer", "Dokumen ditandatangani", "Documents signed"),
                ),
                rows=_rows,
            ),
        ),
    )
)
