"""The evaluation pack (masterplan.evaluation) as a workbook (lib/sheets: every text cell is text) and as
a Word document (python-docx, as the plan's DOCX). Both carry the five dimensions with their weights,
scores and formulas, each indicator with its value, method and evidence links, the live metrics over
the period, and the pack-wide evidence (minutes, signed documents)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kotapintar.core.siteurl import absolute_url
from kotapintar.lib import sheets
from kotapintar.masterplan import reference, selectors
from kotapintar.masterplan.errors import EvaluationFormatInvalid
from kotapintar.masterplan.evaluation import DimensionScore, Pack
from kotapintar.masterplan.exports import docx_table, new_docx
from kotapintar.masterplan.progress_method import num

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def filename(pack: Pack, fmt: str) -> str:
    return f"evaluasi-smart-city-{pack.period.code}.{fmt}"


def _score_text(value: float | None, missing: str) -> str:
    return num(value, 2) if value is not None else _("missing: %(reason)s") % {"reason": missing}


def _dec(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _title(pack: Pack) -> str:
    return _("Smart city self-assessment %(period)s — %(plan)s") % {
        "period": pack.period.code,
        "plan": pack.plan.title,
    }


def _rule(pack: Pack) -> str:
    ws = pack.weight_set
    return f"{ws.name} v{ws.version} · {reference.AGGREGATION_LABELS.get(ws.aggregation, ws.aggregation)}"


# --- XLSX -----


def pack_xlsx(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Ringkasan"
    local = timezone.localtime(pack.generated_at)
    for row in (
        [_title(pack)],
        [_("Period"), pack.period.code, f"{pack.period.start:%d-%m-%Y} – {pack.period.last_day:%d-%m-%Y}"],
        [_("Weight set"), _rule(pack), pack.weight_set.source],
        [_("Generated"), f"{local:%d-%m-%Y %H:%M}"],
        [],
        [
            _("Dimension"),
            _("Weight (%)"),
            _("Score (0–5)"),
            _("Indicators counted"),
            _("Formula"),
            _("Missing"),
        ],
    ):
        sheets.append_row(summary, row)
    head_row = summary.max_row
    for d in pack.dimensions:
        sheets.append_row(summary, [d.label, d.weight, d.score, d.counted, d.formula, d.missing])
    sheets.append_row(
        summary,
        [
            _("Index"),
            sum(d.weight for d in pack.dimensions),
            pack.total,
            None,
            pack.total_formula,
            pack.total_missing,
        ],
    )
    for cell in summary[head_row]:
        cell.font = Font(bold=True)

    ind = book.create_sheet("Indikator")
    heads = [
        _("Dimension"),
        _("Programme"),
        _("Indicator"),
        _("Name"),
        _("Kind"),
        _("Unit"),
        _("Baseline"),
        _("Value %(year)s") % {"year": pack.period.year},
        _("Compared with"),
        _("Share of the score (0–1)"),
        _("Method"),
        _("Missing"),
        _("Worksheet"),
        _("Realisations"),
        _("Endorsement minutes"),
    ]
    sheets.append_row(ind, heads)
    for d in pack.dimensions:
        for r in d.rows:
            i = r.indicator
            links = {link.label: link.url for link in r.evidence}
            urls = [link.url for link in r.evidence]
            sheets.append_row(
                ind,
                [
                    d.label,
                    i.programme.code,
                    i.code,
                    i.name,
                    str(i.get_kind_display()),
                    i.unit,
                    _dec(i.baseline),
                    _dec(r.value),
                    _dec(r.compared_to),
                    None if r.part is None else round(r.part, 4),
                    r.method,
                    r.missing,
                    urls[0],
                    urls[1],
                    links.get(_("Endorsement minutes"), ""),
                ],
            )
            for column in (13, 14, 15):
                cell = ind.cell(row=ind.max_row, column=column)
                if cell.value:
                    cell.hyperlink = str(cell.value)

    met = book.create_sheet("Metrik")
    sheets.append_row(
        met, [_("Metric"), _("Name"), _("Unit"), _("Value in the period"), _("Module"), _("Missing")]
    )
    for m in pack.metrics:
        sheets.append_row(met, [m.code, m.name, m.unit, m.value, absolute_url(m.module_url), m.missing])
        met.cell(row=met.max_row, column=5).hyperlink = absolute_url(m.module_url)

    ev = book.create_sheet("Bukti")
    sheets.append_row(ev, [_("Evidence"), _("Link")])
    for link in pack.evidence:
        sheets.append_row(ev, [link.label, link.url])
        ev.cell(row=ev.max_row, column=2).hyperlink = link.url
    for sheet in book.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --- DOCX -----


def _dimension_docx(doc: Any, d: DimensionScore, year: int) -> None:
    doc.add_heading(f"{d.label} · {_('weight')} {d.weight}%", level=2)
    p = doc.add_paragraph()
    p.add_run(_("Score: %(score)s") % {"score": _score_text(d.score, d.missing)}).bold = True
    doc.add_paragraph(d.formula)
    if not d.rows:
        return
    rows = []
    for r in d.rows:
        i = r.indicator
        value = r.missing if r.value is None else f"{num(float(r.value), 2)} {i.unit}".strip()
        rows.append(
            [
                f"{i.programme.code} · {i.code} {i.name}",
                value,
                r.method or "–",
                "\n".join(link.url for link in r.evidence),
            ]
        )
    docx_table(doc, [_("Indicator"), _("Value %(year)s") % {"year": year}, _("Method"), _("Evidence")], rows)


def pack_docx(pack: Pack) -> bytes:
    doc = new_docx(font_pt=10, margin_cm=1.8)
    doc.add_heading(_title(pack), level=0)
    doc.add_paragraph(
        _(
            "The city's self-assessment for the ministry's smart-city evaluation (Gerakan Menuju 100 Smart "
            "City), period %(period)s (%(start)s – %(end)s). Weight set: %(rule)s."
        )
        % {
            "period": pack.period.code,
            "start": f"{pack.period.start:%d-%m-%Y}",
            "end": f"{pack.period.last_day:%d-%m-%Y}",
            "rule": _rule(pack),
        }
    )
    doc.add_heading(_("Scores per dimension"), level=1)
    docx_table(
        doc,
        [_("Dimension"), _("Weight (%)"), _("Score (0–5)"), _("Formula")],
        [[d.label, str(d.weight), _score_text(d.score, d.missing), d.formula] for d in pack.dimensions]
        + [[_("Index"), "100", _score_text(pack.total, pack.total_missing), pack.total_formula]],
    )
    doc.add_paragraph(
        _(
            "Indicators are yearly: the value of a half-year is the realisation recorded for its year. A "
            "dimension without any value is shown as missing with its reason, never as zero."
        )
    )
    doc.add_heading(_("Indicators per dimension"), level=1)
    for d in pack.dimensions:
        _dimension_docx(doc, d, pack.period.year)
    doc.add_heading(_("Live metrics over the period"), level=1)
    docx_table(
        doc,
        [_("Metric"), _("Value in the period"), _("Module")],
        [
            [
                f"{m.name} ({m.code})",
                f"{num(m.value, 1)} {m.unit}" if m.value is not None else m.missing,
                absolute_url(m.module_url),
            ]
            for m in pack.metrics
        ],
    )
    doc.add_heading(_("Evidence"), level=1)
    for link in pack.evidence:
        doc.add_paragraph(f"{link.label}: {link.url}", style="List Bullet")
    doc.add_paragraph(
        _("Generated on %(when)s by Kota Pintar (%(lang)s).")
        % {
            "when": f"{timezone.localtime(pack.generated_at):%d-%m-%Y %H:%M}",
            "lang": "en" if selectors.lang_en() else "id",
        }
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pack_file(pack: Pack, fmt: str) -> tuple[bytes, str]:
    """The pack in `fmt` ("xlsx" or "docx") with its content type."""
    if fmt == "xlsx":
        return pack_xlsx(pack), XLSX_MIME
    if fmt == "docx":
        return pack_docx(pack), DOCX_MIME
    raise EvaluationFormatInvalid()
