"""The 90% explained: each item's weight (bobot), the contribution per stage and per dimension, and the
same words on the public page, in the DOCX and in the PDF (one function builds them)."""

from __future__ import annotations

import html
import io

import pytest
from django.utils import translation

from kotapintar.masterplan import exports
from kotapintar.masterplan.progress_method import num, progress_explanation
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db


def test_stage_and_worksheet_contributions_add_up_to_the_total(demo):
    ex = progress_explanation(plan=demo)
    assert ex.percent == 90.0
    assert sum(p.weight for p in ex.parts) == pytest.approx(100.0, abs=0.05)
    assert sum(p.done for p in ex.parts) == pytest.approx(90.0, abs=0.05)
    assert [p.name for p in ex.stages][:1] and len(ex.stages) == 4  # Bimtek Tahap I–IV


def test_dimension_weights_add_up_to_the_worksheets_weight(demo):
    ex = progress_explanation(plan=demo)
    assert sum(d.weight for d in ex.dimensions) == pytest.approx(ex.worksheets.weight, abs=0.05)
    assert sum(d.done for d in ex.dimensions) == pytest.approx(ex.worksheets.done, abs=0.05)


def test_the_headline_reads_as_the_public_page_says_in_indonesian(demo):
    with translation.override("id"):
        ex = progress_explanation(plan=demo)
    assert ex.headline == f"90,0% · {ex.items_done} dari {ex.items_total} butir selesai"
    assert "bobot" in ex.paragraphs[0]


def test_the_lowest_dimension_is_explained_by_its_weight(demo):
    with translation.override("en"):
        ex = progress_explanation(plan=demo)
    lowest = min((d for d in ex.dimensions if d.items_total), key=lambda d: d.percent)
    assert lowest.percent < 100
    assert f"{lowest.name} is at" in ex.paragraphs[-1]
    assert f"{lowest.weight:.2f}%" in ex.paragraphs[-1]


def test_the_public_page_labels_weights_and_shows_the_method(demo, client):
    with translation.override("id"):
        ex = progress_explanation(plan=demo)
    page = client.get("/masterplan/publik/", headers={"accept-language": "id"}).content.decode()
    text = html.unescape(page)
    assert 'id="metode"' in page and 'href="#metode"' in page
    assert text.count("bobot ") >= ex.items_total  # every listed item's weight is labelled
    for sentence in [*ex.paragraphs, *ex.dimension_notes]:
        assert sentence in text


def test_the_docx_uses_the_same_words_as_the_page(demo):
    from docx import Document

    with translation.override("id"):
        ex = progress_explanation(plan=demo)
        doc = Document(io.BytesIO(exports.plan_docx(plan=demo, reader=EVERYTHING)))
    paragraphs = {p.text for p in doc.paragraphs}
    assert ex.headline in paragraphs
    for sentence in [*ex.paragraphs, *ex.dimension_notes]:
        assert sentence in paragraphs


def test_the_pdf_html_uses_the_same_words_as_the_page(demo):
    with translation.override("id"):
        ex = progress_explanation(plan=demo)
        text = html.unescape(exports.plan_html(plan=demo, reader=EVERYTHING))
    for sentence in [ex.headline, *ex.paragraphs, *ex.dimension_notes]:
        assert sentence in text


def test_figures_are_grouped_the_way_each_language_writes_them():
    with translation.override("id"):
        assert num(3150.0, 2) == "3.150,00"
    with translation.override("en"):
        assert num(3150.0, 2) == "3,150.00"
