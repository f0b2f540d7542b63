"""Exports of the whole plan: DOCX (python-docx), PDF (WeasyPrint from an HTML template with SVG
charts), XLSX of all worksheets, CSV of programmes and of indicators."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kotapintar.lib import masterplan_charts as charts
from kotapintar.lib import sheets
from kotapintar.lib.idr_words import format_idr_short
from kotapintar.lib.money import format_idr
from kotapintar.masterplan import selectors
from kotapintar.masterplan.models import Horizon, Plan, Programme
from kotapintar.masterplan.progress_method import Explanation, num, progress_explanation
from kotapintar.masterplan.selectors import Reader
from kotapintar.masterplan.xlsx import SHEETS

HORIZON_LABELS = dict(Horizon.choices)


def juta(value: int) -> str:
    """Rupiah in millions (juta) in the active language's format: 13.235 (English 13,235)."""
    return formats.number_format(round(value / 1_000_000), use_l10n=True, force_grouping=True)


def document_data(*, plan: Plan, reader: Reader) -> dict[str, Any]:
    """Everything a plan document shows to `reader`, read once (shared by the DOCX and the PDF)."""
    progress = selectors.plan_progress(plan=plan)
    explanation = progress_explanation(plan=plan, progress=progress)
    dims = selectors.dimension_progress(plan=plan, reader=reader)
    totals = selectors.programme_budget_totals(plan=plan)
    programmes = list(
        selectors.programme_list(plan=plan, reader=reader).prefetch_related(
            "supporting_opds", "activities", "indicators__targets"
        )
    )
    by_dim: dict[str, list[Programme]] = {}
    for p in programmes:
        by_dim.setdefault(p.worksheet.element.dimension.code, []).append(p)
    sections = []
    for row in dims:
        progs = by_dim.get(row["code"], [])
        sections.append(
            {
                "code": row["code"],
                "name": row["name"],
                "elements": [selectors.label(e) for e in row["dimension"].elements.all()],
                "programmes": [
                    {
                        "p": p,
                        "name": selectors.label(p),
                        "element": p.worksheet.element.code,
                        "horizon": str(HORIZON_LABELS.get(p.horizon, p.horizon)),
                        "budget": totals.get(p.pk, 0),
                        "budget_text": format_idr(totals.get(p.pk, 0)),
                        "supporting": ", ".join(o.short_name for o in p.supporting_opds.all()),
                        "activities": [a.name for a in p.activities.all()],
                    }
                    for p in progs
                ],
            }
        )
    budget = selectors.budget_summary(plan=plan, reader=reader)
    readiness = selectors.readiness(plan=plan)
    roadmap = selectors.roadmap(plan=plan, reader=reader)
    budget_svg = charts.stacked_bars(
        [str(y) for y in budget["years"]],
        [
            (budget["source_labels"][s], [row["values"][i] for row in budget["grid"]])
            for i, s in enumerate(budget["sources"])
        ],
    )
    radar_svg = charts.radar(
        readiness["chart"]["labels"],
        [(d["label"], d["data"]) for d in readiness["chart"]["datasets"]],
    )
    progress_svg = charts.progress_bars([(d["name"], d["percent"]) for d in dims])
    return {
        "plan": plan,
        "city": plan.city,
        "progress": progress,
        "explanation": explanation,
        "dimensions": dims,
        "sections": sections,
        "chapters": list(plan.chapters.order_by("order")),
        "stages": selectors.stage_list(plan=plan),
        "quick_wins": selectors.quick_wins(plan=plan, reader=reader, live=False),
        "budget": budget,
        "budget_rows": [
            {"year": r["year"], "values": [juta(v) for v in r["values"]], "total": juta(r["total"])}
            for r in budget["grid"]
        ],
        "budget_source_totals": [juta(budget["per_source"][s]) for s in budget["sources"]],
        "budget_total": juta(budget["total"]),
        "source_names": [budget["source_labels"][s] for s in budget["sources"]],
        "readiness": readiness,
        "roadmap": roadmap,
        "meetings": list(selectors.meeting_list(plan=plan)),
        "generated_at": timezone.localtime(),
        "LANGUAGE_CODE": get_language() or "id",
        "charts": {
            "budget": "data:image/svg+xml;base64," + base64.b64encode(budget_svg.encode()).decode(),
            "radar": "data:image/svg+xml;base64," + base64.b64encode(radar_svg.encode()).decode(),
            "progress": "data:image/svg+xml;base64," + base64.b64encode(progress_svg.encode()).decode(),
        },
    }


# --- DOCX -----


def _bar_png(labels: list[str], values: list[float], title: str) -> bytes:
    """A small bar chart as PNG for the DOCX (Word does not take SVG everywhere)."""
    from PIL import Image, ImageDraw, ImageFont

    w, h, left, bottom, top = 1200, 480, 200, 60, 50
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.load_default(size=22)
    except TypeError:  # pragma: no cover - Pillow without FreeType
        font = ImageFont.load_default()
    draw.text((left, 10), title, fill="#1d2433", font=font)
    peak = max(values + [1.0])
    plot_h, plot_w = h - top - bottom, w - left - 30
    slot = plot_w / max(len(values), 1)
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        draw.line([(left, y), (w - 30, y)], fill="#dde2ea", width=1)
        draw.text((10, y - 12), format_idr_short(round(peak * k / 4)), fill="#5b6475", font=font)
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        x0 = left + slot * i + slot * 0.2
        x1 = x0 + slot * 0.6
        y0 = top + plot_h - plot_h * v / peak
        draw.rectangle([(x0, y0), (x1, top + plot_h)], fill="#0b6e4f")
        draw.text((x0, top + plot_h + 10), lab, fill="#1d2433", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def new_docx(*, font_pt: float, margin_cm: float) -> Any:
    """An empty Word document in the platform's style (Calibri, side margins)."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(font_pt)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(margin_cm)
    return doc


def docx_table(doc: Any, heads: list[str], rows: list[list[str]]) -> None:
    """A table with a header row, in the style of the plan's DOCX."""
    t = doc.add_table(rows=1, cols=len(heads))
    t.style = "Light Grid Accent 1"
    for cell, text in zip(t.rows[0].cells, heads, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(t.add_row().cells, row, strict=True):
            cell.text = text


def _explanation_docx(doc: Any, ex: Explanation) -> None:
    """The method of the progress figure, in the words of the public page (progress_method)."""
    doc.add_paragraph().add_run(ex.headline).bold = True
    for para in ex.paragraphs:
        doc.add_paragraph(para)
    heads = [_("Group"), _("Weight (bobot)"), _("Done"), _("Adds to the total")]
    for title, parts in (
        (_("Contribution per stage"), ex.parts),
        (_("Contribution per dimension (worksheets)"), ex.dimensions),
    ):
        doc.add_paragraph().add_run(title).bold = True
        docx_table(
            doc,
            heads,
            [
                [
                    part.name,
                    f"{num(part.weight, 2)}%",
                    f"{part.items_done}/{part.items_total} · {num(part.percent)}%",
                    num(part.done, 2),
                ]
                for part in parts
            ],
        )
    for note in ex.dimension_notes:
        doc.add_paragraph(note, style="List Bullet")
    doc.add_paragraph(_("Method: %(url)s") % {"url": ex.method_url})


def plan_docx(*, plan: Plan, reader: Reader, data: dict[str, Any] | None = None) -> bytes:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = data or document_data(plan=plan, reader=reader)
    doc = new_docx(font_pt=10.5, margin_cm=2)
    sec = doc.sections[0]

    # Cover
    for _i in range(5):
        doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(plan.title)
    run.bold = True
    run.font.size = Pt(24)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(f"{plan.city.name} · {plan.start_year}–{plan.end_year}").font.size = Pt(14)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(_("Gerakan Menuju 100 Smart City")).italic = True
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(_("Progress: %(pct)s%%") % {"pct": d["progress"].percent})
    doc.add_page_break()

    doc.add_heading(_("Vision and missions"), level=1)
    doc.add_paragraph(_("City vision: %(v)s") % {"v": plan.city_vision})
    doc.add_paragraph(_("Smart-city vision: %(v)s") % {"v": plan.vision})
    for m in plan.missions:
        doc.add_paragraph(str(m), style="List Number")

    for ch in d["chapters"]:
        doc.add_heading(f"{ch.book + ' — ' if ch.book else ''}{selectors.label(ch, 'title')}", level=1)
        for para in (ch.body or "").split("\n\n"):
            if para.strip():
                doc.add_paragraph(para.strip())

    doc.add_heading(_("Progress of the master plan"), level=1)
    _explanation_docx(doc, d["explanation"])
    t = doc.add_table(rows=1, cols=4)
    t.style = "Light Grid Accent 1"
    for cell, text in zip(
        t.rows[0].cells, [_("Item"), _("Group"), _("Weight (bobot)"), _("Status")], strict=True
    ):
        cell.text = text
    for item in d["progress"].items:
        cells = t.add_row().cells
        cells[0].text = item.label
        cells[1].text = item.group
        cells[2].text = formats.number_format(item.points, decimal_pos=2, use_l10n=True)
        cells[3].text = ("✔ " if item.done else "✘ ") + item.status

    doc.add_heading(_("Readiness analysis"), level=1)
    rd = d["readiness"]
    t = doc.add_table(rows=1, cols=1 + len(rd["aspects"]))
    t.style = "Light Grid Accent 1"
    t.rows[0].cells[0].text = _("Dimension")
    for i, name in enumerate(rd["aspect_names"], start=1):
        t.rows[0].cells[i].text = name
    for row in rd["rows"]:
        cells = t.add_row().cells
        cells[0].text = row["name"]
        for i, c in enumerate(row["cells"], start=1):
            cells[i].text = str(c.score) if c else "–"

    doc.add_heading(_("Quick wins"), level=1)
    for q in d["quick_wins"]:
        doc.add_paragraph(
            f"{q['code']} {q['name']} — {q['programme'].lead_opd.short_name} ({q['status_label']})",
            style="List Bullet",
        )

    doc.add_heading(_("Programmes per dimension"), level=1)
    for s in d["sections"]:
        doc.add_heading(f"{s['code']} · {s['name']}", level=2)
        doc.add_paragraph(_("Elements: %(e)s") % {"e": ", ".join(s["elements"])})
        if not s["programmes"]:
            doc.add_paragraph(_("No programmes yet."))
            continue
        t = doc.add_table(rows=1, cols=6)
        t.style = "Light Grid Accent 1"
        heads = [_("Code"), _("Programme"), _("Lead OPD"), _("Horizon"), _("Years"), _("Budget")]
        for cell, text in zip(t.rows[0].cells, heads, strict=True):
            cell.text = text
        for row in s["programmes"]:
            p = row["p"]
            cells = t.add_row().cells
            cells[0].text = p.code
            cells[1].text = row["name"] + (" ★ " + _("Quick win") if p.is_quick_win else "")
            cells[2].text = p.lead_opd.short_name
            cells[3].text = row["horizon"]
            cells[4].text = f"{p.start_year}–{p.end_year}"
            cells[5].text = row["budget_text"]

    new = doc.add_section()
    new.orientation = WD_ORIENT.LANDSCAPE
    new.page_width, new.page_height = sec.page_height, sec.page_width
    doc.add_heading(_("Roadmap"), level=1)
    years = d["roadmap"]["years"]
    t = doc.add_table(rows=1, cols=2 + len(years))
    t.style = "Light Grid Accent 1"
    t.rows[0].cells[0].text = _("Code")
    t.rows[0].cells[1].text = _("Programme")
    for i, y in enumerate(years, start=2):
        t.rows[0].cells[i].text = str(y)
    for dim in d["roadmap"]["dimensions"]:
        cells = t.add_row().cells
        cells[0].text = dim["code"]
        cells[1].text = dim["name"]
        for row in dim["rows"]:
            cells = t.add_row().cells
            cells[0].text = row["programme"].code
            cells[1].text = row["name"]
            for i, on in enumerate(row["cells"], start=2):
                if on:
                    cells[i].text = "■"

    doc.add_heading(_("Budget per year and funding source") + " (" + _("Rp million") + ")", level=1)
    b = d["budget"]
    doc.add_picture(
        io.BytesIO(
            _bar_png(
                [str(y) for y in b["years"]],
                [float(b["per_year"][y]) for y in b["years"]],
                _("Budget per year"),
            )
        ),
        width=Cm(22),
    )
    t = doc.add_table(rows=1, cols=2 + len(b["sources"]))
    t.style = "Light Grid Accent 1"
    t.rows[0].cells[0].text = _("Year")
    for i, s in enumerate(b["sources"], start=1):
        t.rows[0].cells[i].text = b["source_labels"][s]
    t.rows[0].cells[-1].text = _("Total")
    for r in d["budget_rows"]:
        cells = t.add_row().cells
        cells[0].text = str(r["year"])
        for i, v in enumerate(r["values"], start=1):
            cells[i].text = v
        cells[-1].text = r["total"]

    doc.add_heading(_("Bimtek stages"), level=1)
    for st in d["stages"]:
        doc.add_heading(selectors.label(st), level=2)
        when = str(st.start_date or "")
        if st.end_date and st.end_date != st.start_date:
            when += f" – {st.end_date}"
        doc.add_paragraph(f"{when} · {st.venue} · {st.get_status_display()}")
        for dl in st.deliverables.all():
            doc.add_paragraph(
                f"{selectors.label(dl)} ({dl.weight}) — {dl.get_status_display()}", style="List Bullet"
            )
    for m in d["meetings"]:
        if m.notulen:
            doc.add_heading(_("Minutes: %(title)s") % {"title": m.title}, level=2)
            for line in m.notulen.splitlines():
                doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- PDF -----


def plan_html(*, plan: Plan, reader: Reader, data: dict[str, Any] | None = None) -> str:
    return render_to_string(
        "masterplan/export/plan_pdf.html", data or document_data(plan=plan, reader=reader)
    )


def plan_pdf(*, plan: Plan, reader: Reader, data: dict[str, Any] | None = None) -> bytes:
    from weasyprint import HTML

    html = plan_html(plan=plan, reader=reader, data=data)
    pdf: bytes = HTML(string=html, base_url="/").write_pdf()
    return pdf


# --- CSV and XLSX -----


def programmes_csv(*, plan: Plan, reader: Reader) -> str:
    totals = selectors.programme_budget_totals(plan=plan)
    buf = io.StringIO()
    w = sheets.csv_writer(buf)
    w.writerow(
        [
            "dimensi",
            "elemen",
            "opd_kertas_kerja",
            "kode_program",
            "nama_id",
            "nama_en",
            "horizon",
            "quick_win",
            "opd_pengampu",
            "opd_pendukung",
            "tujuan_rpjmd",
            "tahun_mulai",
            "tahun_selesai",
            "anggaran_rp",
            "status",
        ]
    )
    for p in selectors.programme_list(plan=plan, reader=reader).prefetch_related("supporting_opds"):
        w.writerow(
            [
                p.worksheet.element.dimension.code,
                p.worksheet.element.code,
                p.worksheet.opd.code,
                p.code,
                p.name_id,
                p.name_en,
                p.horizon,
                "ya" if p.is_quick_win else "tidak",
                p.lead_opd.code,
                ";".join(sorted(o.code for o in p.supporting_opds.all())),
                p.rpjmd_goal,
                p.start_year,
                p.end_year,
                totals.get(p.pk, 0),
                p.worksheet.status,
            ]
        )
    return buf.getvalue()


def indicators_csv(*, plan: Plan, reader: Reader) -> str:
    buf = io.StringIO()
    w = sheets.csv_writer(buf)
    w.writerow([*SHEETS["Indikator"], "tahun", "target", "realisasi"])  # the import sheet's columns
    for ind in selectors.indicator_list(plan=plan, reader=reader):
        for t in ind.targets.all():
            w.writerow(
                [
                    ind.programme.code,
                    ind.code,
                    ind.kind,
                    ind.name,
                    ind.unit,
                    ind.direction,
                    ind.baseline,
                    ind.baseline_year,
                    t.year,
                    t.target,
                    "" if t.realisation is None else t.realisation,
                ]
            )
    return buf.getvalue()


def plan_xlsx(*, plan: Plan, reader: Reader) -> bytes:
    """All worksheets of the plan in one workbook: the upload format's sheets with an extra first column
    `opd` (the owner of each worksheet), plus a summary sheet. Text cells are written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kotapintar.core.models import OPD
    from kotapintar.masterplan import xlsx

    out = Workbook()
    summary = out.active
    assert summary is not None
    summary.title = "Ringkasan"
    sheets.append_row(summary, ["opd", "elemen", "status", "program", "anggaran_rp"])
    totals = selectors.programme_budget_totals(plan=plan)
    for ws in selectors.worksheet_list(plan=plan, reader=reader).prefetch_related("programmes"):
        progs = list(ws.programmes.all())
        sheets.append_row(
            summary,
            [ws.opd.code, ws.element.code, ws.status, len(progs), sum(totals.get(p.pk, 0) for p in progs)],
        )
    tables = {name: out.create_sheet(name) for name in xlsx.SHEETS}
    for name, sheet in tables.items():
        sheets.append_row(sheet, ["opd", *xlsx.SHEETS[name]])
    for sheet in out.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for opd in OPD.objects.filter(mp_worksheets__plan=plan).distinct().order_by("code"):
        for name, rows in xlsx.worksheet_rows(plan=plan, opd=opd, reader=reader).items():
            for row in rows:
                sheets.append_row(tables[name], [opd.code, *row])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
