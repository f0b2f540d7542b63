"""The master plan's open datasets (kotapintar.opendata.registry): programmes, their indicators with
targets and realisations, and the budget per OPD and year — of accepted worksheets only (what the
public reads, `selectors.visible_to(None, …)`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Min, Sum

from kotapintar.masterplan import selectors
from kotapintar.masterplan.models import (
    BudgetLine,
    FundingSource,
    Horizon,
    IndicatorKind,
    IndicatorTarget,
    Programme,
)
from kotapintar.opendata.registry import Column, Dataset, Resource, Row, Statistics, register


def _programmes() -> Iterator[Row]:
    qs = selectors.visible_to(None, Programme.objects.all(), "worksheet__").select_related(
        "worksheet__element__dimension", "lead_opd"
    )
    for p in qs.order_by("code"):
        yield {
            "kode": p.code,
            "nama": p.name_id,
            "nama_en": p.name_en,
            "dimensi": p.worksheet.element.dimension.code,
            "elemen": p.worksheet.element.code,
            "horizon": p.horizon,
            "quick_win": p.is_quick_win,
            "opd_pelaksana": p.lead_opd.short_name,
            "tahun_mulai": p.start_year,
            "tahun_selesai": p.end_year,
        }


def _indicators() -> Iterator[Row]:
    qs = selectors.visible_to(None, IndicatorTarget.objects.all(), "indicator__programme__worksheet__")
    for t in qs.select_related("indicator__programme").order_by(
        "indicator__programme__code", "indicator__code", "year"
    ):
        i = t.indicator
        yield {
            "program": i.programme.code,
            "kode": i.code,
            "indikator": i.name,
            "jenis": i.kind,
            "satuan": i.unit,
            "baseline": i.baseline,
            "tahun_baseline": i.baseline_year,
            "tahun": t.year,
            "target": t.target,
            "realisasi": t.realisation,
        }


def _budget() -> Iterator[Row]:
    qs = selectors.visible_to(None, BudgetLine.objects.all(), "programme__worksheet__")
    rows = (
        qs.values("programme__lead_opd__short_name", "year", "source")
        .annotate(
            total=Sum("amount_idr"),
            realised=Sum("realised_idr"),
            lines=Count("pk"),
            recorded=Count("realised_idr"),
        )
        .order_by("programme__lead_opd__short_name", "year", "source")
    )
    for r in rows:
        yield {
            "opd": r["programme__lead_opd__short_name"],
            "tahun": r["year"],
            "sumber_dana": r["source"],
            "jumlah_idr": r["total"],
            # what the OPD has recorded so far (empty: nothing yet), and whether every line is in
            "realisasi_idr": r["realised"],
            "realisasi_lengkap": r["recorded"] == r["lines"],
        }


def _progress() -> Iterator[Row]:
    """The plan's progress items: each item's weight (its points of 100) and whether it is done."""
    plan = selectors.plan_current_or_none()
    if plan is None:
        return
    for item in selectors.plan_progress(plan=plan).items:
        yield {
            "jenis": item.kind,
            "kode": item.code,
            "butir": item.label,
            "kelompok": item.group,
            "bobot": item.points,
            "selesai": item.done,
        }


def _temporal() -> tuple[date | None, date | None]:
    plan = selectors.plan_current_or_none()
    if plan is None:
        return None, None
    first = Programme.objects.filter(plan=plan).aggregate(y=Min("start_year"))["y"] or plan.start_year
    return date(first, 1, 1), date(plan.end_year, 12, 31)


register(
    Dataset(
        name="masterplan-smart-city",
        title_id="Rencana Induk Smart City: program, indikator dan anggaran",
        title_en="Smart City Master Plan: programmes, indicators and budget",
        notes_id=(
            "Program Rencana Induk Smart City yang sudah diterima, indikator kinerjanya dengan target dan "
            "realisasi per tahun, serta anggaran per OPD, tahun dan sumber dana. Diperbarui langsung dari "
            "ruang kerja rencana induk."
        ),
        notes_en=(
            "The accepted programmes of the Smart City Master Plan, their performance indicators with "
            "targets and realisations per year, and the budget per OPD, year and funding source. Live from "
            "the master plan workspace."
        ),
        opd="bappeda",
        dimensions=("GOV",),
        tags=("smart city", "rencana induk", "anggaran", "indikator kinerja"),
        frequency="irregular",
        statistics=Statistics(
            kegiatan="Penyusunan dan pemantauan Rencana Induk Smart City",
            variabel=("program", "indikator", "target", "realisasi", "anggaran"),
            indikator=("Capaian indikator program smart city",),
        ),
        temporal=_temporal,
        resources=(
            Resource(
                name="program",
                title_id="Program",
                title_en="Programmes",
                columns=(
                    Column("kode", "string", "Kode program", "Programme code"),
                    Column("nama", "string", "Nama program", "Programme name"),
                    Column("nama_en", "string", "Nama (Inggris)", "Name (English)", lang="en"),
                    Column("dimensi", "string", "Dimensi", "Dimension"),
                    Column("elemen", "string", "Elemen", "Element"),
                    Column("horizon", "string", "Jangka waktu", "Horizon", labels=Horizon),
                    Column("quick_win", "boolean", "Hasil cepat (quick win)", "Quick win"),
                    Column("opd_pelaksana", "string", "OPD pelaksana", "Lead OPD"),
                    Column("tahun_mulai", "integer", "Tahun mulai", "First year"),
                    Column("tahun_selesai", "integer", "Tahun selesai", "Last year"),
                ),
                rows=_programmes,
            ),
            Resource(
                name="indikator",
                title_id="Indikator, target dan realisasi",
                title_en="Indicators, targets and realisations",
                columns=(
                    Column("program", "string", "Kode program", "Programme code"),
                    Column("kode", "string", "Kode indikator", "Indicator code"),
                    Column("indikator", "string", "Indikator", "Indicator"),
                    Column("jenis", "string", "Jenis", "Kind", labels=IndicatorKind),
                    Column("satuan", "string", "Satuan", "Unit"),
                    Column("baseline", "number", "Baseline", "Baseline"),
                    Column("tahun_baseline", "integer", "Tahun baseline", "Baseline year"),
                    Column("tahun", "integer", "Tahun", "Year"),
                    Column("target", "number", "Target", "Target"),
                    Column("realisasi", "number", "Realisasi", "Realisation"),
                ),
                rows=_indicators,
            ),
            Resource(
                name="progres",
                title_id="Progres penyusunan rencana induk",
                title_en="Progress of the master plan",
                columns=(
                    Column("jenis", "string", "Jenis butir", "Item kind"),
                    Column("kode", "string", "Kode", "Code"),
                    Column("butir", "string", "Butir", "Item"),
                    Column("kelompok", "string", "Tahap atau dimensi", "Stage or dimension"),
                    Column("bobot", "number", "Bobot (poin dari 100)", "Weight (points of 100)"),
                    Column("selesai", "boolean", "Selesai", "Done"),
                ),
                rows=_progress,
            ),
            Resource(
                name="anggaran",
                title_id="Anggaran per OPD dan tahun",
                title_en="Budget per OPD and year",
                columns=(
                    Column("opd", "string", "OPD", "OPD"),
                    Column("tahun", "integer", "Tahun", "Year"),
                    Column("sumber_dana", "string", "Sumber dana", "Funding source", labels=FundingSource),
                    Column("jumlah_idr", "integer", "Jumlah (Rp)", "Amount (IDR)"),
                    Column("realisasi_idr", "integer", "Realisasi (Rp)", "Realised (IDR)"),
                    Column(
                        "realisasi_lengkap",
                        "boolean",
                        "Realisasi semua baris tercatat",
                        "Realisation recorded for every line",
                    ),
                ),
                rows=_budget,
            ),
        ),
    )
)
