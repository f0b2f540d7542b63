"""Spreadsheet exports write text as text: no live formula in the XLSX, escaped cells in the CSV, and
the exported workbook imports back unchanged (issue 12, item 8)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from kotapintar.masterplan import exports, selectors, services, xlsx
from kotapintar.masterplan.models import Worksheet
from kotapintar.masterplan.selectors import EVERYTHING
from tests.masterplan.factories import programme_payload

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://attacker.example/x","klik")'
HOSTILE: dict[str, Any] = {
    "name_id": "=1+2",
    "name_en": "+62 811 2233",
    "description": HYPERLINK,
    "activities": ["@SUM(A1:A9)", "-2+3", "'=already quoted", "plain"],
}


@pytest.fixture
def hostile(worksheet: Worksheet, opd_user: Any) -> Worksheet:
    services.worksheet_update(
        actor=opd_user, worksheet=worksheet, problem=HYPERLINK, goal="=cmd|' /C calc'!A0"
    )
    services.programme_save(actor=opd_user, worksheet=worksheet, data=programme_payload(**HOSTILE))
    worksheet.refresh_from_db()
    return worksheet


def _cells(data: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_worksheet_xlsx_writes_formula_text_as_a_string(hostile, plan, opd):
    cells = _cells(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING))
    texts = {c.value: c.data_type for c in cells if isinstance(c.value, str)}
    assert texts["=1+2"] == "s"
    assert texts[HYPERLINK] == "s"
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_plan_xlsx_writes_formula_text_as_a_string(hostile, plan):
    cells = _cells(exports.plan_xlsx(plan=plan, reader=EVERYTHING))
    assert {c.value for c in cells} >= {"=1+2", HYPERLINK}
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_programmes_csv_escapes_formula_cells(hostile, plan):
    rows = list(csv.DictReader(io.StringIO(exports.programmes_csv(plan=plan, reader=EVERYTHING))))
    assert rows[0]["nama_id"] == "'=1+2"
    assert rows[0]["nama_en"] == "'+62 811 2233"
    assert rows[0]["kode_program"] == "P-01"


def test_worksheet_xlsx_round_trips_formula_text_unchanged(hostile, plan, opd, opd_user):
    before = selectors.worksheet_snapshot(worksheet=hostile)
    data = xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING)
    assert xlsx.parse_workbook(plan=plan, opd=opd, data=data) == {"GOV-1": before}
    result = xlsx.worksheet_import(actor=opd_user, plan=plan, opd=opd, data=data)
    assert (result.changed, result.unchanged) == (0, 1)


def test_import_unescapes_the_csv_apostrophe(hostile, plan, opd):
    """A cell that went through the CSV export (and Excel) carries the apostrophe; the importer drops it."""
    wb = load_workbook(io.BytesIO(xlsx.worksheet_export(plan=plan, opd=opd, reader=EVERYTHING)))
    wb["Program"]["C2"].value = "'=1+2"
    buf = io.BytesIO()
    wb.save(buf)
    content = xlsx.parse_workbook(plan=plan, opd=opd, data=buf.getvalue())
    assert content["GOV-1"]["programmes"][0]["name_id"] == "=1+2"
