"""lib/sheets: formula text escaped for CSV (OWASP), written as text in XLSX, and un-escaped on import."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from kotapintar.lib import sheets

FORMULAS = ["=1+2", '=HYPERLINK("http://x.example","klik")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"]
PLAIN = ["", "abc", "'abc", "Rp 1.000", "a=b"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cell_starting_with_a_formula_character_gets_an_apostrophe(text):
    assert sheets.csv_text(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_csv_cell_of_plain_text_is_unchanged(text):
    assert sheets.csv_text(text) == text


@pytest.mark.parametrize("text", [*FORMULAS, *PLAIN, "'=1", "''=1", "'"])
def test_unescape_reverses_both_escapes(text):
    assert sheets.unescape(sheets.csv_text(text)) == text
    assert sheets.unescape(sheets.xlsx_text(text)) == text


def test_csv_writer_escapes_text_and_leaves_numbers():
    buf = io.StringIO()
    sheets.csv_writer(buf).writerow(["=1+2", -5, "x"])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'=1+2", "-5", "x"]


def test_xlsx_row_is_written_as_strings_not_formulas():
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sheets.append_row(ws, ["=1+2", 3, None, "plain"])
    buf = io.BytesIO()
    wb.save(buf)
    sheet = load_workbook(io.BytesIO(buf.getvalue())).active
    assert sheet is not None
    cells = next(sheet.iter_rows())
    assert [(c.value, c.data_type) for c in cells] == [("=1+2", "s"), (3, "n"), (None, "n"), ("plain", "s")]
