"""Quick wins show live figures from the modules that deliver them, and survive their absence."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kotapintar.masterplan import selectors

pytestmark = pytest.mark.django_db


def test_flood_quick_win_shows_live_figures(demo):
    qw = {q["module_url"]: q for q in selectors.quick_wins(plan=demo)}
    labels = [f["label"] for f in qw["/banjir/"]["figures"]]
    assert labels and all(isinstance(f["value"], int) for f in qw["/banjir/"]["figures"])


def test_a_failing_module_selector_hides_its_figure_only(demo, monkeypatch):
    from kotapintar.flood import selectors as flood_selectors

    def broken(**kwargs):
        raise DatabaseError("no such table")

    monkeypatch.setattr(flood_selectors, "alert_list", broken)
    figures = selectors._live_figures("/banjir/")
    assert all("alert" not in f["label"].lower() and "peringatan" not in f["label"].lower() for f in figures)
    assert selectors.quick_wins(plan=demo)  # the page still renders


def test_a_missing_selector_is_ignored(demo):
    figures = selectors._live_figures("/tte/")
    assert all(isinstance(f["value"], int) for f in figures)
