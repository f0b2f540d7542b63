"""Indicators bound to live figures (masterplan/live.py): binding refuses an unknown metric and another
unit with declared codes; a bound indicator shows value, the year's target, RAG and a monthly trend in
which a month without data says why (never a zero). "Now" is pinned; the metrics are test doubles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from kotapintar.core import metrics
from kotapintar.core.models import AuditEntry
from kotapintar.masterplan import live, services
from kotapintar.masterplan.errors import MetricUnitMismatch, MetricUnknown, NotBinder
from kotapintar.masterplan.models import Indicator, IndicatorTarget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_months():
    cache.clear()  # past months are cached per process (masterplan/live.py)


WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 3, 15, 10, 0, tzinfo=WIB)
MARCH = datetime(2026, 3, 1, tzinfo=WIB)


def fake_metric(code="test.docs", unit="dokumen", value=45.0, months=None, in_period=True):
    months = months if months is not None else {"2026-01": 30.0, "2026-03": 45.0}

    def period(start, end):
        return months.get(f"{start:%Y-%m}")

    return metrics.Metric(
        code=code,
        module="/tte/",
        name_id="Dokumen uji",
        name_en="Test documents",
        unit=unit,
        update_every_s=60,
        stale_after_s=3600,
        current=lambda: value,
        as_of=lambda: NOW,
        in_period=period if in_period else None,
    )


@pytest.fixture
def docs_metric(monkeypatch):
    m = fake_metric()
    monkeypatch.setitem(metrics._REGISTRY, m.code, m)
    return m


@pytest.fixture
def indicator(worksheet):
    ind = Indicator.objects.get(code="P-01-O1")
    ind.unit = "Dokumen"  # case and spaces do not make another unit
    ind.save(update_fields=["unit"])
    IndicatorTarget.objects.create(indicator=ind, year=2026, target=Decimal("50"))
    return ind


def test_binding_to_an_unknown_metric_is_refused(indicator, bappeda_user):
    with pytest.raises(MetricUnknown) as exc:
        services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code="nope.nothing")
    assert exc.value.code == "metric_unknown" and exc.value.status == 422
    indicator.refresh_from_db()
    assert indicator.metric_code is None


def test_binding_to_a_metric_in_another_unit_is_refused(indicator, bappeda_user):
    with pytest.raises(MetricUnitMismatch) as exc:
        services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code="wallet.turnover_30d")
    assert exc.value.code == "metric_unit_mismatch"
    assert exc.value.detail == {"metric_unit": "Rp", "indicator_unit": "Dokumen"}


def test_only_bappeda_binds(indicator, opd_user, docs_metric):
    with pytest.raises(NotBinder):
        services.indicator_bind(actor=opd_user, indicator=indicator, metric_code=docs_metric.code)


def test_binding_is_saved_and_audited(indicator, bappeda_user, docs_metric):
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=docs_metric.code)
    indicator.refresh_from_db()
    assert indicator.metric_code == "test.docs"
    entry = AuditEntry.objects.filter(action="masterplan.indicator_bind").get()
    assert entry.data == {"from": None, "to": "test.docs"}


def test_an_empty_code_unbinds(indicator, bappeda_user, docs_metric):
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=docs_metric.code)
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code="")
    indicator.refresh_from_db()
    assert indicator.metric_code is None


def _row(indicator, year=2026):
    [ind] = live.bound_indicators(plan=indicator.programme.plan, reader=live.mp_everything(), year=year)
    return live.bound_row(ind, year, live.LiveReader(now=NOW))


def test_a_bound_indicator_shows_value_target_and_status(indicator, bappeda_user, docs_metric):
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=docs_metric.code)
    row = _row(indicator)
    assert (row["value"], row["target"], row["status"], row["stale"]) == (45, 50, "green", False)


@pytest.mark.parametrize(
    ("value", "direction", "status"),
    [(35.0, "higher", "amber"), (34.0, "higher", "red"), (50.0, "lower", "green"), (70.0, "lower", "amber")],
)
def test_rag_follows_the_thresholds_and_the_direction(
    indicator, bappeda_user, monkeypatch, value, direction, status
):
    m = fake_metric(value=value)
    monkeypatch.setitem(metrics._REGISTRY, m.code, m)
    Indicator.objects.filter(pk=indicator.pk).update(direction=direction)
    indicator.refresh_from_db()
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=m.code)
    assert _row(indicator)["status"] == status


def test_a_month_without_data_says_why_and_is_not_zero(indicator, bappeda_user, docs_metric):
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=docs_metric.code)
    trend = {p["period"]: p for p in _row(indicator)["trend"]}
    assert len(trend) == 12 and list(trend)[-1] == "2026-03" and list(trend)[0] == "2025-04"
    assert trend["2026-01"]["value"] == 30 and trend["2026-01"]["reason"] == ""
    assert trend["2026-02"]["value"] is None
    assert trend["2026-02"]["reason"] == "tidak ada data pada bulan ini"


def test_a_metric_without_period_values_gives_the_reason_for_each_month(indicator, bappeda_user, monkeypatch):
    m = fake_metric(in_period=False)
    monkeypatch.setitem(metrics._REGISTRY, m.code, m)
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=m.code)
    trend = _row(indicator)["trend"]
    assert {p["value"] for p in trend} == {None}
    assert all(p["reason"] for p in trend)


def test_a_year_without_target_gives_no_status_and_the_reason(indicator, bappeda_user, docs_metric):
    services.indicator_bind(actor=bappeda_user, indicator=indicator, metric_code=docs_metric.code)
    row = _row(indicator, year=2027)
    assert (row["status"], row["target"]) == ("none", None)
    assert "2027" in row["reason"]


def test_a_metric_no_longer_published_is_shown_as_missing(indicator):
    Indicator.objects.filter(pk=indicator.pk).update(metric_code="gone.metric")
    row = _row(indicator)
    assert row["status"] == "none" and row["value"] is None and "gone.metric" in row["reason"]


def test_each_metric_month_is_read_once_for_many_indicators(monkeypatch):
    calls = []
    m = fake_metric()

    def period(start, end):
        calls.append(start)
        return 1.0

    counted = metrics.Metric(**{**m.__dict__, "in_period": period})
    reader = live.LiveReader(now=NOW)
    for _ in range(5):
        live.trend(counted, reader)
    assert len(calls) == 12


def test_the_api_refuses_an_unknown_metric_with_its_code(indicator, bappeda_user, token_client):
    r = token_client(bappeda_user).put(
        f"/api/v1/masterplan/indicators/{indicator.public_id}/metric",
        {"metric_code": "nope.nothing"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "metric_unknown"


def test_the_api_refuses_another_unit_with_its_code(indicator, bappeda_user, token_client):
    r = token_client(bappeda_user).put(
        f"/api/v1/masterplan/indicators/{indicator.public_id}/metric",
        {"metric_code": "esign.turnaround_median"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "metric_unit_mismatch"


def test_the_api_binds_and_lists_the_live_indicator(indicator, bappeda_user, token_client, docs_metric):
    client = token_client(bappeda_user)
    r = client.put(
        f"/api/v1/masterplan/indicators/{indicator.public_id}/metric",
        {"metric_code": "test.docs"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["metric_code"] == "test.docs"
    rows = client.get("/api/v1/masterplan/live-indicators?year=2026").json()
    assert [(r["code"], r["value"], r["target"]) for r in rows] == [("P-01-O1", 45, 50)]


def test_the_monitoring_page_binds_through_its_form(indicator, bappeda_user, login_client, docs_metric):
    client = login_client(bappeda_user)
    page = client.get("/masterplan/monitoring/?tahun=2026")
    assert b'name="metric_code"' in page.content
    r = client.post(
        f"/masterplan/indicator/{indicator.public_id}/data-langsung/".replace("indicator", "indikator"),
        {"metric_code": "test.docs", "tahun": "2026"},
    )
    assert r.status_code == 302
    indicator.refresh_from_db()
    assert indicator.metric_code == "test.docs"
    assert b'class="live-row"' in client.get("/masterplan/monitoring/?tahun=2026").content
