"""Exports of the demo plan: DOCX and PDF carry all six dimensions and all three quick wins; CSV; CLI."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from kotapintar.masterplan import exports
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db

DIMENSIONS = [
    "Smart Governance",
    "Smart Branding",
    "Smart Economy",
    "Smart Living",
    "Smart Society",
    "Smart Environment",
]
QUICK_WINS = ["Tanda Tangan Elektronik (TTE)", "Pekalongan Batik Fusion", "Penanganan banjir dan rob"]


def _docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_cli_docx_contains_all_dimensions_and_quick_wins(demo, tmp_path):
    out = tmp_path / "plan.docx"
    call_command("masterplan_export", "--format", "docx", "--out", str(out), stdout=io.StringIO())
    text = _docx_text(out)
    for name in DIMENSIONS + QUICK_WINS:
        assert name in text, name


def test_cli_pdf_contains_all_dimensions_and_quick_wins(demo, tmp_path):
    out = tmp_path / "plan.pdf"
    call_command("masterplan_export", "--format", "pdf", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(text.split())
    for name in DIMENSIONS + QUICK_WINS:
        assert name in text, name


def test_cli_csv_writes_programmes_and_indicators(demo, tmp_path):
    out = tmp_path / "program.csv"
    call_command("masterplan_export", "--format", "csv", "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == demo.programmes.count()
    assert {r["quick_win"] for r in rows if r["kode_program"] in {"GOV-01", "BRA-01", "LIV-01"}} == {"ya"}
    indicator_csv = (tmp_path / "program-indikator.csv").read_text(encoding="utf-8")
    indicators = list(csv.DictReader(indicator_csv.splitlines()))
    assert indicators and {"kode_indikator", "tahun", "target", "realisasi"} <= set(indicators[0])


def test_cli_xlsx_of_one_opd_is_the_upload_format(demo, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "dinkominfo.xlsx"
    call_command(
        "masterplan_export",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--opd",
        "dinkominfo",
        stdout=io.StringIO(),
    )
    wb = load_workbook(out)
    assert {"KertasKerja", "Program", "Anggaran", "Target"} <= set(wb.sheetnames)


def test_plan_xlsx_has_every_programme(demo):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exports.plan_xlsx(plan=demo, reader=EVERYTHING)))
    assert wb["Program"].max_row - 1 == demo.programmes.count()


def test_budget_totals_are_integer_rupiah(demo):
    text = exports.programmes_csv(plan=demo, reader=EVERYTHING)
    for row in csv.DictReader(io.StringIO(text)):
        assert row["anggaran_rp"].isdigit()
