"""Spreadsheet cells the platform writes: text stays text, never a formula.

Every CSV and XLSX export goes through this module (OWASP "CSV injection"):

- CSV: a text cell that begins with `= + - @`, TAB or CR is written with a leading apostrophe, so a
  spreadsheet shows the text instead of evaluating it (`csv_text`, `csv_writer`).
- XLSX: a text cell is written with the string type (`data_type "s"`), so `=1+2` is text, not a formula
  (`append_row`, `set_text`). No apostrophe is needed there.
- Import: `unescape` drops the apostrophe the CSV export added, so export → import gives back the text
  unchanged. Text that really begins with an apostrophe followed by a formula character is written with
  one more apostrophe by both exports, so nothing is lost either way.

No Django imports: the worksheet argument only needs openpyxl's `append`/`max_row`/indexing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

#: The characters a spreadsheet treats as the start of a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _is_formula_like(text: str) -> bool:
    """The text, after any leading apostrophes, begins with a formula character."""
    return text.lstrip(QUOTE).startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """The text as a CSV cell: an apostrophe before anything a spreadsheet would evaluate."""
    return QUOTE + text if _is_formula_like(text) else text


def xlsx_text(text: str) -> str:
    """The text as an XLSX string cell: unchanged unless it already begins with an escaping apostrophe."""
    return QUOTE + text if text.startswith(QUOTE) and _is_formula_like(text) else text


def unescape(text: str) -> str:
    """The text a cell of our exports stands for (drops the escaping apostrophe)."""
    return text[1:] if text.startswith(QUOTE) and _is_formula_like(text) else text


def csv_cell(value: Any) -> Any:
    return csv_text(value) if isinstance(value, str) else value


class _Writer(Protocol):
    def write(self, s: str, /) -> Any: ...


class CsvWriter:
    """`csv.writer` whose text cells are escaped."""

    def __init__(self, stream: _Writer, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writer, **kwargs: Any) -> CsvWriter:
    return CsvWriter(stream, **kwargs)


def set_text(cell: Any, text: str) -> None:
    """Give an openpyxl cell a text value, typed as a string even when it begins with `=`."""
    cell.value = xlsx_text(text)
    cell.data_type = "s"


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """`ws.append(values)` with every text cell written as a string, never as a formula."""
    values = list(values)
    ws.append([None if isinstance(v, str) else v for v in values])
    row = ws.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            set_text(ws.cell(row=row, column=column), value)
