"""Reading a city's OPD list (perangkat daerah) from a spreadsheet for `kotapintar city-init`.

An .xlsx workbook (its first sheet) or a UTF-8 .csv file; the first row names the columns:

| column | required | meaning |
|---|---|---|
| `code` | yes | a short identifier: lowercase letters, digits and hyphens, up to 32 (e.g. `bappeda`) |
| `name` | yes | the full name (e.g. "Badan Perencanaan Pembangunan Daerah"), up to 255 characters |
| `short_name` | yes | the name used in lists (e.g. "Bappeda"), up to 64 characters |
| `kind` | no | badan, dinas, sekretariat, inspektorat, satuan, kecamatan, … (up to 64) |

A file without one of the required columns is refused whole; each bad row is refused with its row
number (as the spreadsheet numbers it, the header being row 1) and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kotapintar.core.errors import OpdSheetColumnsMissing, OpdSheetInvalid, OpdSheetRowInvalid
from kotapintar.lib import sheets
from kotapintar.masterplan.xlsx import MAX_BYTES, MAX_ROWS, check_package

REQUIRED = ("code", "name", "short_name")
OPTIONAL = ("kind",)
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
LIMITS = {"name": 255, "short_name": 64, "kind": 64}


@dataclass(frozen=True)
class OpdIn:
    code: str
    name: str
    short_name: str
    kind: str


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return sheets.unescape(text.strip().replace("\x00", ""))


def _table(data: bytes, filename: str) -> list[list[Any]]:
    """The rows of the file (header first), read as xlsx or csv by the file's name."""
    if len(data) > MAX_BYTES:
        raise OpdSheetInvalid(
            _("%(file)s is larger than 5 MB.") % {"file": filename},
            detail={"file": filename, "max_bytes": MAX_BYTES},
        )
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        check_package(data)
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
            wb.close()
        except (InvalidFileException, KeyError, ValueError, OSError, IndexError):
            raise OpdSheetInvalid(detail={"file": filename}) from None
        return rows
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise OpdSheetInvalid(
                _("%(file)s is not UTF-8 text.") % {"file": filename}, detail={"file": filename}
            ) from None
        try:
            return [list(r) for r in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]
        except csv.Error as exc:
            raise OpdSheetInvalid(
                _("%(file)s is not a valid CSV file: %(reason)s") % {"file": filename, "reason": exc},
                detail={"file": filename},
            ) from None
    raise OpdSheetInvalid(
        _("%(file)s: give an .xlsx or .csv file.") % {"file": filename}, detail={"file": filename}
    )


def opd_sheet_parse(*, data: bytes, filename: str) -> list[OpdIn]:
    """Every OPD of the file, or the file's problems (every bad row listed in the detail)."""
    rows = _table(data, filename)
    header = [_cell(h).lower() for h in rows[0]] if rows else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise OpdSheetColumnsMissing(
            _("%(file)s lacks the columns %(columns)s (row 1: code, name, short_name and optionally kind).")
            % {"file": filename, "columns": ", ".join(missing)},
            detail={"file": filename, "row": 1, "missing": missing},
        )
    index = {c: header.index(c) for c in REQUIRED + OPTIONAL if c in header}
    if len(rows) - 1 > MAX_ROWS:
        raise OpdSheetInvalid(
            _("%(file)s has more than %(max)d rows.") % {"file": filename, "max": MAX_ROWS},
            detail={"file": filename, "max_rows": MAX_ROWS},
        )
    problems: list[dict[str, Any]] = []
    out: list[OpdIn] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        values = {c: _cell(row[i]) if i < len(row) else "" for c, i in index.items()}
        if not any(values.values()):
            continue
        reasons = []
        code = values["code"]
        if not CODE.match(code):
            reasons.append(
                str(
                    _("code “%(code)s”: use lowercase letters, digits and hyphens, up to 32")
                    % {"code": code[:40]}
                )
            )
        elif code in seen:
            reasons.append(
                str(_("code “%(code)s” is already used in row %(row)d") % {"code": code, "row": seen[code]})
            )
        seen.setdefault(code, n)
        for column in ("name", "short_name"):
            if not values[column]:
                reasons.append(str(_("%(column)s is empty") % {"column": column}))
        for column, limit in LIMITS.items():
            if len(values.get(column, "")) > limit:
                reasons.append(
                    str(_("%(column)s is longer than %(max)d characters") % {"column": column, "max": limit})
                )
        if reasons:
            problems.append({"row": n, "code": code, "reasons": reasons})
            continue
        out.append(
            OpdIn(
                code=code, name=values["name"], short_name=values["short_name"], kind=values.get("kind", "")
            )
        )
    if problems:
        first = problems[0]
        message = _("%(file)s, row %(row)d: %(reason)s") % {
            "file": filename,
            "row": first["row"],
            "reason": "; ".join(first["reasons"]),
        }
        if len(problems) > 1:
            message = _("%(first)s (and %(more)d more rows, listed in the detail)") % {
                "first": message,
                "more": len(problems) - 1,
            }
        raise OpdSheetRowInvalid(message, detail={"file": filename, "problems": problems})
    if not out:
        raise OpdSheetInvalid(_("%(file)s lists no OPD.") % {"file": filename}, detail={"file": filename})
    return out
