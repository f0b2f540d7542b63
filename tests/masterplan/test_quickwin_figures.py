"""Quick wins show the live metrics of the modules that deliver them (kotapintar.core.metrics); a
database outage in one module hides that figure only; a programming error is not hidden."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kotapintar.core import metrics
from kotapintar.esign.models import DocumentStatus
from kotapintar.masterplan import selectors
from kotapintar.masterplan.selectors import EVERYTHING
from tests.masterplan.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_every_public_metric_appears_on_its_quick_win(demo):
    shown = {
        (q["module_url"], f["code"])
        for q in selectors.quick_wins(plan=demo, reader=EVERYTHING)
        for f in q["figures"]
    }
    expected = {
        (url, m.code)
        for url in ("/tte/", "/batik/", "/banjir/")
        for m in metrics.metrics(module=url, public_only=True)
        if metrics.read(m).value is not None
    }
    assert len(expected) >= 7
    assert shown == expected


def test_a_private_metric_is_not_on_the_public_plan(demo):
    codes = {f["code"] for q in selectors.quick_wins(plan=demo, reader=EVERYTHING) for f in q["figures"]}
    assert "esign.backlog" not in codes


def test_a_failing_module_hides_its_figure_only(demo, monkeypatch):
    from kotapintar.flood import selectors as flood_selectors

    def broken(**kwargs):
        raise DatabaseError("no such table")

    monkeypatch.setattr(flood_selectors, "alert_list", broken)
    codes = {f["code"] for f in selectors._live_figures("/banjir/")}
    assert "flood.active_alerts" not in codes and "flood.stations_reporting" in codes
    assert selectors.quick_wins(plan=demo, reader=EVERYTHING)  # the page still renders


def test_documents_signed_counts_the_signed_documents_of_the_month(demo):
    from django.utils import timezone

    from kotapintar.esign.models import DocumentRevision, SignatureRecord

    signed = metrics.metric("esign.documents_signed")
    assert signed is not None
    before = metrics.read(signed).value or 0
    docs = DocumentFactory.create_batch(2, status=DocumentStatus.SIGNED)
    DocumentFactory.create(status=DocumentStatus.IN_PROGRESS)
    for doc in docs:
        revision = DocumentRevision.objects.create(
            document=doc, seq=1, pdf=b"%PDF-1.7", sha256="0" * 64, size=8, reason="signed"
        )
        SignatureRecord.objects.create(
            document=doc,
            revision=revision,
            signer_name="Uji",
            field_name="ttd",
            backend="local",
            legal_level="uji",
            level="B-B",
            signed_at=timezone.now(),
        )
    assert metrics.read(signed).value == before + 2


def test_a_programming_error_in_a_module_is_not_hidden(demo, monkeypatch):
    from kotapintar.flood import selectors as flood_selectors

    monkeypatch.delattr(flood_selectors, "alert_list")
    with pytest.raises(AttributeError):
        selectors._live_figures("/banjir/")
