"""Quick wins show live figures from the modules that deliver them; a database outage in one module
hides that figure only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.utils.translation import gettext

from kotapintar.esign.models import DocumentStatus
from kotapintar.masterplan import selectors
from kotapintar.masterplan.selectors import EVERYTHING
from tests.masterplan.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_flood_quick_win_shows_live_figures(demo):
    qw = {q["module_url"]: q for q in selectors.quick_wins(plan=demo, reader=EVERYTHING)}
    labels = [f["label"] for f in qw["/banjir/"]["figures"]]
    assert labels and all(isinstance(f["value"], int) for f in qw["/banjir/"]["figures"])


def test_a_failing_module_selector_hides_its_figure_only(demo, monkeypatch):
    from kotapintar.flood import selectors as flood_selectors

    def broken(**kwargs):
        raise DatabaseError("no such table")

    monkeypatch.setattr(flood_selectors, "alert_list", broken)
    figures = selectors._live_figures("/banjir/")
    assert all("alert" not in f["label"].lower() and "peringatan" not in f["label"].lower() for f in figures)
    assert selectors.quick_wins(plan=demo, reader=EVERYTHING)  # the page still renders


def test_every_live_figure_appears_on_its_quick_win(demo):
    shown = {
        (q["module_url"], f["label"])
        for q in selectors.quick_wins(plan=demo, reader=EVERYTHING)
        for f in q["figures"]
    }
    expected = {
        (url, str(label))
        for prefix, label, _fn in selectors.LIVE_FIGURES
        for url in ("/tte/", "/batik/", "/banjir/")
        if url.startswith(prefix)
    }
    assert len(expected) == 7
    assert shown == expected


def test_documents_signed_counts_the_signed_documents_only(demo):
    DocumentFactory.create_batch(2, status=DocumentStatus.SIGNED)
    DocumentFactory.create(status=DocumentStatus.IN_PROGRESS)
    figures = {f["label"]: f["value"] for f in selectors._live_figures("/tte/")}
    assert figures[gettext("Documents signed")] == 2


def test_a_programming_error_in_a_module_selector_is_not_hidden(demo, monkeypatch):
    from kotapintar.flood import selectors as flood_selectors

    monkeypatch.delattr(flood_selectors, "alert_list")
    with pytest.raises(AttributeError):
        selectors._live_figures("/banjir/")
