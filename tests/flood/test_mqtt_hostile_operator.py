"""What the BPBD operator sees of quarantined messages: counts by reason over the last 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.flood import selectors, services
from kotapintar.flood.models import Quarantine

pytestmark = pytest.mark.django_db


def quarantine(code: str, n: int = 1) -> None:
    for _ in range(n):
        services.quarantine_add(
            source="mqtt", topic="kotapintar/loji-1", payload="[[[[", code=code, payload_size=4
        )


def test_the_summary_counts_unresolved_rows_of_the_window_by_reason():
    quarantine("too_deep", 3)
    quarantine("bad_topic", 2)
    quarantine("bad_utf8")
    Quarantine.objects.filter(reason_code="bad_utf8").update(received_at=timezone.now() - timedelta(hours=25))
    resolved = Quarantine.objects.filter(reason_code="bad_topic").values_list("pk", flat=True)[0]
    Quarantine.objects.filter(pk=resolved).update(resolved_at=timezone.now())
    summary = selectors.quarantine_summary()
    assert summary.total == 4
    assert [(c.code, c.count) for c in summary.by_reason] == [("too_deep", 3), ("bad_topic", 1)]
    assert summary.by_reason[0].reason == "Pesan menumpuk larik atau objek terlalu dalam."


def test_the_operator_sees_the_count_on_the_flood_page_and_the_reasons_on_the_alerts_page(
    login_client, operator, city
):
    quarantine("too_deep", 2)
    quarantine("message_too_large")
    c = login_client(operator)
    index = c.get("/banjir/").content.decode()
    assert 'id="quarantine-note"' in index
    assert "3 pesan sensor atau bacaan dikarantina dalam 24 jam terakhir" in index
    alerts = c.get("/banjir/peringatan/").content.decode()
    summary = alerts.split('id="quarantine-summary">', 1)[1].split("</p>", 1)[0]
    assert "3 dalam 24 jam terakhir" in summary
    assert "<code>too_deep</code> 2" in summary
    assert "<code>message_too_large</code> 1" in summary


def test_the_public_flood_page_does_not_show_the_quarantine(client, city):
    quarantine("too_deep")
    assert 'id="quarantine-note"' not in client.get("/banjir/").content.decode()


def test_the_quarantine_api_gives_the_size_of_the_message(token_client, operator, city):
    quarantine("message_too_large")
    rows = token_client(operator).get("/api/v1/flood/quarantine").json()
    assert [(r["reason_code"], r["payload_size"], r["topic"]) for r in rows] == [
        ("message_too_large", 4, "kotapintar/loji-1")
    ]
