"""Excel round trip of an OPD's worksheets (kertas kerja penajaman).

`worksheet_export(plan, opd)` writes one workbook: an Info sheet and one sheet per table. The OPD fills it
offline and uploads it back: `worksheet_import(...)` checks EVERY row first and, if any is invalid, saves
nothing and raises ValidationFailed whose detail lists each error by sheet, row and column (in the
caller's language). A file identical to the database changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from kotapintar.core import audit
from kotapintar.core.errors import DomainError
from kotapintar.core.models import OPD
from kotapintar.core.types import Actor
from kotapintar.lib import sheets
from kotapintar.masterplan.errors import WorksheetLocked, XlsxInvalid, XlsxTooLarge
from kotapintar.masterplan.models import (
    Direction,
    Element,
    FundingSource,
    Horizon,
    IndicatorKind,
    Plan,
    Programme,
    Worksheet,
)
from kotapintar.masterplan.selectors import EVERYTHING, Reader, worksheet_list, worksheet_snapshot
from kotapintar.masterplan.services.programmes import programme_apply
from kotapintar.masterplan.services.worksheets import EDITABLE, require_writer

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: Bounds checked on the zip before openpyxl reads it: a 217 KB file can unpack to 85 MB of XML.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 200
MAX_RATIO = 100  # unpacked / packed size of one member larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024

SHEETS: dict[str, list[str]] = {
    "KertasKerja": ["elemen", "permasalahan", "tujuan"],
    "Program": [
        "elemen",
        "kode_program",
        "nama_id",
        "nama_en",
        "uraian",
        "horizon",
        "quick_win",
        "opd_pengampu",
        "opd_pendukung",
        "tujuan_rpjmd",
        "tahun_mulai",
        "tahun_selesai",
        "tautan_modul",
    ],
    "Kegiatan": ["kode_program", "kegiatan"],
    "Indikator": [
        "kode_program",
        "kode_indikator",
        "jenis",
        "nama",
        "satuan",
        "arah",
        "baseline",
        "tahun_baseline",
    ],
    "Target": ["kode_program", "kode_indikator", "tahun", "target", "realisasi"],
    "Anggaran": ["kode_program", "tahun", "sumber_dana", "jumlah_rp"],
}
TRUE = {"ya", "yes", "true", "1", "y"}
FALSE = {"tidak", "no", "false", "0", "n", ""}


# --- Export -----


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def worksheet_rows(*, plan: Plan, opd: OPD, reader: Reader) -> dict[str, list[list[Any]]]:
    """The data rows of each table sheet (without the header) for the OPD's worksheets `reader` reads."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for w in worksheet_list(plan=plan, reader=reader, opd_code=opd.code).order_by("element__code"):
        snap = worksheet_snapshot(worksheet=w)
        rows["KertasKerja"].append([snap["element"], snap["problem"], snap["goal"]])
        for p in snap["programmes"]:
            rows["Program"].append(
                [
                    snap["element"],
                    p["code"],
                    p["name_id"],
                    p["name_en"],
                    p["description"],
                    p["horizon"],
                    "ya" if p["is_quick_win"] else "tidak",
                    p["lead_opd"],
                    ", ".join(p["supporting_opds"]),
                    p["rpjmd_goal"],
                    p["start_year"],
                    p["end_year"],
                    p["module_url"],
                ]
            )
            for a in p["activities"]:
                rows["Kegiatan"].append([p["code"], a])
            for ind in p["indicators"]:
                rows["Indikator"].append(
                    [
                        p["code"],
                        ind["code"],
                        ind["kind"],
                        ind["name"],
                        ind["unit"],
                        ind["direction"],
                        _num(Decimal(ind["baseline"])),
                        ind["baseline_year"],
                    ]
                )
                for t in ind["targets"]:
                    rows["Target"].append(
                        [
                            p["code"],
                            ind["code"],
                            t["year"],
                            _num(Decimal(t["target"])),
                            None if t["realisation"] is None else _num(Decimal(t["realisation"])),
                        ]
                    )
            for b in p["budget"]:
                rows["Anggaran"].append([p["code"], b["year"], b["source"], b["amount_idr"]])
    return rows


def worksheet_export(*, plan: Plan, opd: OPD, reader: Reader) -> bytes:
    """The upload format: every text cell is written as text (`lib.sheets`), never as a formula."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Info"
    for line in (
        [_("Worksheet (kertas kerja penajaman)"), plan.title],
        ["plan", str(plan.public_id)],
        ["opd", opd.code],
        ["periode", f"{plan.start_year}-{plan.end_year}"],
        [],
        [_("Horizons"), ", ".join(Horizon.values)],
        [_("Funding sources"), ", ".join(FundingSource.values)],
        [_("Indicator kinds"), ", ".join(IndicatorKind.values)],
        [_("Directions"), ", ".join(Direction.values)],
    ):
        sheets.append_row(info, line)
    info["A1"].font = Font(bold=True)
    info.column_dimensions["A"].width = 36
    info.column_dimensions["B"].width = 60
    for name, rows in worksheet_rows(plan=plan, opd=opd, reader=reader).items():
        ws = wb.create_sheet(name)
        sheets.append_row(ws, SHEETS[name])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="0B6E4F")
        for i, header in enumerate(SHEETS[name], start=1):
            ws.column_dimensions[get_column_letter(i)].width = (
                40 if header.startswith(("nama", "uraian", "perm", "tuj", "keg")) else 16
            )
        ws.freeze_panes = "A2"
        for row in rows:
            sheets.append_row(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- Import -----


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    changed: int
    unchanged: int
    programmes: int


class _Reader:
    def __init__(self) -> None:
        self.errors: list[CellError] = []

    def err(self, sheet: str, row: int, col: str, message: str) -> None:
        self.errors.append(CellError(sheet, row, col, message))

    def text(
        self, sheet: str, row: int, col: str, value: Any, *, required: bool = False, max_len: int = 255
    ) -> str:
        if value is None:
            value = ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, str | int | float):
            self.err(sheet, row, col, _("Expected text."))
            return ""
        text = sheets.unescape(value).strip() if isinstance(value, str) else str(value)
        if required and not text:
            self.err(sheet, row, col, _("This cell must not be empty."))
        if len(text) > max_len:
            self.err(sheet, row, col, _("The text is longer than %(n)s characters.") % {"n": max_len})
        return text

    def integer(self, sheet: str, row: int, col: str, value: Any) -> int | None:
        if isinstance(value, bool):
            value = None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            self.err(sheet, row, col, _("Expected a whole number."))
            return None
        return value

    def decimal(self, sheet: str, row: int, col: str, value: Any, *, required: bool = True) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(sheet, row, col, _("Expected a number."))
            return None
        if isinstance(value, bool):
            self.err(sheet, row, col, _("Expected a number."))
            return None
        try:
            d = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            self.err(sheet, row, col, _("Expected a number."))
            return None
        if not d.is_finite() or abs(d) >= Decimal("1e14"):
            self.err(sheet, row, col, _("Expected a number."))
            return None
        return d.quantize(Decimal("0.01"))


def _not_xlsx() -> DomainError:
    message = _("The file is not an Excel workbook (.xlsx).")
    return XlsxInvalid(message, detail=[{"sheet": "", "row": 0, "column": "", "message": message}])


def _too_large() -> DomainError:
    return XlsxTooLarge(
        _("The workbook is larger than an upload may be (5 MB, 32 MB unpacked)."),
        detail={"max_bytes": MAX_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES, "max_members": MAX_MEMBERS},
    )


class _Refused(Exception):
    pass


def _refuse(*args: Any) -> None:
    raise _Refused()


def _check_xml(stream: Any) -> None:
    """Parse one XML member with expat, refusing any DTD (no entities, so no XXE and no entity bomb);
    truncated or malformed XML raises too. This is what defusedxml does, with the standard library."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]  # typeshed: returns int
    parser.ParseFile(stream)


def check_package(data: bytes) -> None:
    """Bound the zip (size, members, unpacked sizes, ratio) and vet its XML before openpyxl parses it."""
    if len(data) > MAX_BYTES:
        raise _too_large()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _too_large()
            for m in members:
                if m.file_size > RATIO_FROM_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                    raise _too_large()
            for m in members:
                if m.filename.endswith((".xml", ".rels")):
                    with package.open(m) as stream:
                        _check_xml(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise _not_xlsx() from None
    except (expat.ExpatError, _Refused, ValueError):
        raise _not_xlsx() from None


def _rows(ws: Any) -> list[tuple[int, dict[str, Any]]]:
    rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for n, values in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append((n, {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}))
    return out


def _read_tables(r: _Reader, data: bytes) -> tuple[dict[str, list[tuple[int, dict[str, Any]]]], str | None]:
    """Every table sheet's rows, read in one pass of openpyxl (its parse errors are the caller's)."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for name, columns in SHEETS.items():
        if name not in wb.sheetnames:
            r.err(name, 0, "", _("The sheet %(sheet)s is missing.") % {"sheet": name})
            continue
        ws = wb[name]
        first = next(ws.iter_rows(values_only=True, max_row=1), ())
        header = [str(h).strip() if h is not None else "" for h in first]
        for col in columns:
            if col not in header:
                r.err(name, 1, col, _("The column %(column)s is missing.") % {"column": col})
        tables[name] = _rows(ws)
        if len(tables[name]) > MAX_ROWS:
            r.err(name, MAX_ROWS, "", _("Too many rows."))
    opd_code = None
    if "Info" in wb.sheetnames:
        for row in wb["Info"].iter_rows(values_only=True, max_row=10):
            if row and row[0] == "opd":
                opd_code = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
    wb.close()
    return tables, opd_code


def parse_workbook(*, plan: Plan, opd: OPD, data: bytes) -> dict[str, dict[str, Any]]:
    """The file's content per element, in the canonical form of `selectors.worksheet_snapshot`."""
    check_package(data)
    r = _Reader()
    try:
        tables, opd_code = _read_tables(r, data)
    except (InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError, SyntaxError):
        raise _not_xlsx() from None  # SyntaxError: ElementTree's ParseError
    known_opds = set(OPD.objects.values_list("code", flat=True))
    if opd_code is not None and opd_code != opd.code:
        if opd_code not in known_opds:
            r.err("Info", 3, "B", _("Unknown OPD code: %(code)s") % {"code": opd_code})
        else:
            r.err(
                "Info", 3, "B", _("This file belongs to OPD %(code)s, not to this OPD.") % {"code": opd_code}
            )
    if r.errors and any(e.row <= 1 for e in r.errors):
        raise XlsxInvalid(
            _("The file has %(n)s errors; nothing was saved.") % {"n": len(r.errors)},
            detail=[e.as_dict() for e in r.errors],
        )

    years = set(plan.years)
    elements = set(Element.objects.values_list("code", flat=True))
    goals = {g.get("code") for g in plan.rpjmd_goals}
    content: dict[str, dict[str, Any]] = {}
    for n, row in tables["KertasKerja"]:
        el = r.text("KertasKerja", n, "elemen", row.get("elemen"), required=True, max_len=16)
        if el and el not in elements:
            r.err("KertasKerja", n, "elemen", _("Unknown element: %(code)s") % {"code": el})
        elif el in content:
            r.err("KertasKerja", n, "elemen", _("The element %(code)s appears twice.") % {"code": el})
        content[el] = {
            "element": el,
            "problem": r.text("KertasKerja", n, "permasalahan", row.get("permasalahan"), max_len=10000),
            "goal": r.text("KertasKerja", n, "tujuan", row.get("tujuan"), max_len=10000),
            "programmes": [],
        }
    progs: dict[str, dict[str, Any]] = {}
    S = "Program"
    for n, row in tables[S]:
        el = r.text(S, n, "elemen", row.get("elemen"), required=True)
        if el and el not in content:
            r.err(S, n, "elemen", _("The element %(code)s is not in the KertasKerja sheet.") % {"code": el})
        code = r.text(S, n, "kode_program", row.get("kode_program"), required=True, max_len=32)
        if code in progs:
            r.err(S, n, "kode_program", _("The programme %(code)s appears twice.") % {"code": code})
        horizon = r.text(S, n, "horizon", row.get("horizon"), required=True)
        if horizon and horizon not in Horizon.values:
            r.err(S, n, "horizon", _("Unknown horizon: %(value)s") % {"value": horizon})
        qw_raw = r.text(S, n, "quick_win", row.get("quick_win")).lower()
        if qw_raw not in TRUE | FALSE:
            r.err(S, n, "quick_win", _("Write ya or tidak."))
        lead = r.text(S, n, "opd_pengampu", row.get("opd_pengampu"), required=True)
        if lead and lead not in known_opds:
            r.err(S, n, "opd_pengampu", _("Unknown OPD code: %(code)s") % {"code": lead})
        support = [
            c.strip() for c in r.text(S, n, "opd_pendukung", row.get("opd_pendukung")).split(",") if c.strip()
        ]
        for c in support:
            if c not in known_opds:
                r.err(S, n, "opd_pendukung", _("Unknown OPD code: %(code)s") % {"code": c})
        goal = r.text(S, n, "tujuan_rpjmd", row.get("tujuan_rpjmd"), max_len=32)
        if goal and goal not in goals:
            r.err(S, n, "tujuan_rpjmd", _("Unknown RPJMD goal: %(code)s") % {"code": goal})
        sy = r.integer(S, n, "tahun_mulai", row.get("tahun_mulai"))
        ey = r.integer(S, n, "tahun_selesai", row.get("tahun_selesai"))
        for col, y in (("tahun_mulai", sy), ("tahun_selesai", ey)):
            if y is not None and y not in years:
                r.err(S, n, col, _("The year %(year)s is outside the plan period.") % {"year": y})
        if sy is not None and ey is not None and sy > ey:
            r.err(S, n, "tahun_selesai", _("The last year comes before the first year."))
        prog: dict[str, Any] = {
            "code": code,
            "name_id": r.text(S, n, "nama_id", row.get("nama_id"), required=True),
            "name_en": r.text(S, n, "nama_en", row.get("nama_en")),
            "description": r.text(S, n, "uraian", row.get("uraian"), max_len=10000),
            "horizon": horizon,
            "is_quick_win": qw_raw in TRUE,
            "lead_opd": lead,
            "supporting_opds": sorted(set(support)),
            "rpjmd_goal": goal,
            "start_year": sy,
            "end_year": ey,
            "module_url": r.text(S, n, "tautan_modul", row.get("tautan_modul"), max_len=200),
            "activities": [],
            "budget": [],
            "indicators": [],
        }
        progs[code] = prog
        if el in content:
            content[el]["programmes"].append(prog)

    def prog_of(sheet: str, n: int, row: dict[str, Any]) -> dict[str, Any] | None:
        code = r.text(sheet, n, "kode_program", row.get("kode_program"), required=True)
        if code and code not in progs:
            r.err(sheet, n, "kode_program", _("Unknown programme: %(code)s") % {"code": code})
            return None
        return progs.get(code)

    for n, row in tables["Kegiatan"]:
        p = prog_of("Kegiatan", n, row)
        name = r.text("Kegiatan", n, "kegiatan", row.get("kegiatan"), required=True)
        if p is not None:
            p["activities"].append(name)
    indicators: dict[tuple[str, str], dict[str, Any]] = {}
    S = "Indikator"
    for n, row in tables[S]:
        p = prog_of(S, n, row)
        code = r.text(S, n, "kode_indikator", row.get("kode_indikator"), required=True, max_len=32)
        kind = r.text(S, n, "jenis", row.get("jenis"), required=True)
        if kind and kind not in IndicatorKind.values:
            r.err(S, n, "jenis", _("The kind must be output or outcome."))
        direction = r.text(S, n, "arah", row.get("arah")) or Direction.HIGHER
        if direction not in Direction.values:
            r.err(S, n, "arah", _("Unknown direction."))
        baseline = r.decimal(S, n, "baseline", row.get("baseline"))
        by = r.integer(S, n, "tahun_baseline", row.get("tahun_baseline"))
        if by is not None and not plan.start_year - 10 <= by <= plan.end_year:
            r.err(S, n, "tahun_baseline", _("The baseline year is not valid."))
        new_ind: dict[str, Any] = {
            "code": code,
            "kind": kind,
            "name": r.text(S, n, "nama", row.get("nama"), required=True),
            "unit": r.text(S, n, "satuan", row.get("satuan"), max_len=40),
            "direction": direction,
            "baseline": str(baseline) if baseline is not None else "0.00",
            "baseline_year": by,
            "targets": [],
        }
        if p is not None:
            if (p["code"], code) in indicators:
                r.err(S, n, "kode_indikator", _("Duplicate indicator code: %(code)s") % {"code": code})
            indicators[(p["code"], code)] = new_ind
            p["indicators"].append(new_ind)
    S = "Target"
    for n, row in tables[S]:
        p = prog_of(S, n, row)
        code = r.text(S, n, "kode_indikator", row.get("kode_indikator"), required=True)
        year = r.integer(S, n, "tahun", row.get("tahun"))
        if year is not None and year not in years:
            r.err(S, n, "tahun", _("The year %(year)s is outside the plan period.") % {"year": year})
        target = r.decimal(S, n, "target", row.get("target"))
        real = r.decimal(S, n, "realisasi", row.get("realisasi"), required=False)
        if p is None:
            continue
        ind = indicators.get((p["code"], code))
        if ind is None:
            r.err(S, n, "kode_indikator", _("Unknown indicator: %(code)s") % {"code": code})
            continue
        if any(t["year"] == year for t in ind["targets"]):
            r.err(S, n, "tahun", _("The year %(year)s appears twice for this indicator.") % {"year": year})
        ind["targets"].append(
            {
                "year": year,
                "target": str(target) if target is not None else "0.00",
                "realisation": None if real is None else str(real),
            }
        )
    S = "Anggaran"
    for n, row in tables[S]:
        p = prog_of(S, n, row)
        year = r.integer(S, n, "tahun", row.get("tahun"))
        if year is not None and year not in years:
            r.err(S, n, "tahun", _("The year %(year)s is outside the plan period.") % {"year": year})
        source = r.text(S, n, "sumber_dana", row.get("sumber_dana"), required=True).upper()
        if source and source not in FundingSource.values:
            r.err(S, n, "sumber_dana", _("Unknown funding source: %(value)s") % {"value": source})
        amount = r.integer(S, n, "jumlah_rp", row.get("jumlah_rp"))
        if amount is not None and amount < 0:
            r.err(S, n, "jumlah_rp", _("The budget cannot be negative."))
        elif amount is not None and amount > 10**15:
            r.err(S, n, "jumlah_rp", _("The budget is too large."))
        if p is not None:
            if any(b["year"] == year and b["source"] == source for b in p["budget"]):
                r.err(S, n, "sumber_dana", _("This year and source appear twice for the programme."))
            p["budget"].append({"year": year, "source": source, "amount_idr": amount})
    existing_codes = dict(
        Programme.objects.filter(plan=plan)
        .exclude(worksheet__opd=opd)
        .values_list("code", "worksheet__opd__code")
    )
    for n, row in tables["Program"]:
        code = str(row.get("kode_program") or "").strip()
        if code in existing_codes:
            r.err(
                "Program",
                n,
                "kode_program",
                _("The programme code %(code)s is already used by %(opd)s.")
                % {"code": code, "opd": existing_codes[code]},
            )
    if r.errors:
        r.errors.sort(key=lambda e: (list(SHEETS).index(e.sheet) if e.sheet in SHEETS else -1, e.row))
        raise XlsxInvalid(
            _("The file has %(n)s errors; nothing was saved.") % {"n": len(r.errors)},
            detail=[e.as_dict() for e in r.errors],
        )
    for ws in content.values():
        for p in ws["programmes"]:
            p["budget"].sort(key=lambda b: (b["year"], b["source"]))
            p["indicators"].sort(key=lambda i: i["code"])
            for i in p["indicators"]:
                i["targets"].sort(key=lambda t: t["year"])
        ws["programmes"].sort(key=lambda p: p["code"])
    return content


def worksheet_import(*, actor: Actor, plan: Plan, opd: OPD, data: bytes) -> ImportResult:
    """Validate the whole file, then apply it in one transaction; unchanged worksheets are not touched."""
    require_writer(actor, opd.pk)
    content = parse_workbook(plan=plan, opd=opd, data=data)
    changed = unchanged = programmes = 0
    with transaction.atomic():
        existing = {
            w.element.code: w for w in worksheet_list(plan=plan, reader=EVERYTHING, opd_code=opd.code)
        }
        elements = {e.code: e for e in Element.objects.filter(code__in=list(content))}
        for el_code, wanted in content.items():
            ws = existing.get(el_code)
            if ws is not None and worksheet_snapshot(worksheet=ws) == wanted:
                unchanged += 1
                continue
            if ws is None:
                ws = Worksheet.objects.create(plan=plan, opd=opd, element=elements[el_code])
            else:
                ws = Worksheet.objects.select_for_update().get(pk=ws.pk)
                if ws.status not in EDITABLE:
                    raise WorksheetLocked(
                        _("The worksheet for %(element)s is “%(status)s” and cannot be changed by an upload.")
                        % {"element": el_code, "status": ws.get_status_display()}
                    )
            ws.problem, ws.goal = wanted["problem"], wanted["goal"]
            ws.save()
            keep = []
            for order, p in enumerate(wanted["programmes"], start=1):
                programme_apply(worksheet=ws, data=p, order=order)
                keep.append(p["code"])
                programmes += 1
            ws.programmes.exclude(code__in=keep).delete()
            changed += 1
            audit.record(
                action="masterplan.worksheet_import",
                actor=actor,
                obj=ws,
                data={"element": el_code, "programmes": len(keep)},
            )
    return ImportResult(changed=changed, unchanged=unchanged, programmes=programmes)
