"""Ruang Kendali: who opens it, the public twin, the kiosk's display tokens (hashed, revocable,
audited; a revoked, expired or unknown token gets 403 with its code), stale tiles, and a number of
queries that does not grow with the plan. "Now" is pinned where it matters."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotapintar.controlroom import selectors, services
from kotapintar.controlroom.errors import NotRoomManager
from kotapintar.controlroom.models import DisplayToken
from kotapintar.core import metrics
from kotapintar.core.models import AuditEntry, Role
from kotapintar.masterplan.models import Indicator, IndicatorTarget, Programme, Worksheet
from kotapintar.masterplan.selectors import EVERYTHING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_months():
    cache.clear()  # past months are cached per process (masterplan/live.py)


WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 3, 15, 10, 0, tzinfo=WIB)


def test_bappeda_and_dewan_open_the_room(worksheet, bappeda_user, dewan_user, client):
    for user in (bappeda_user, dewan_user):
        client.force_login(user)
        assert client.get("/ruang-kendali/").status_code == 200
        assert client.get("/ruang-kendali/data.json").status_code == 200


def test_other_roles_are_refused(worksheet, opd_user, client):
    client.force_login(opd_user)
    assert client.get("/ruang-kendali/").status_code == 403
    r = client.get("/ruang-kendali/data.json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_anonymous_data_is_refused_with_401(worksheet, client):
    assert client.get("/ruang-kendali/data.json").status_code == 401


def test_the_public_twin_has_only_public_metrics_and_links_open_data(worksheet, client):
    page = client.get("/ruang-kendali/publik/")
    assert page.status_code == 200 and b'href="/data/"' in page.content
    codes = {t["id"] for t in client.get("/ruang-kendali/publik/data.json").json()["tiles"]}
    assert "esign.backlog" not in codes
    assert {m.code for m in metrics.metrics(public_only=True)} <= codes


def test_the_public_twin_leaves_out_indicators_of_draft_worksheets(worksheet, bappeda_user, client):
    ind = Indicator.objects.get(code="P-01-O1")
    Indicator.objects.filter(pk=ind.pk).update(metric_code="esign.documents_signed")
    snap_public = client.get("/ruang-kendali/publik/data.json").json()
    client.force_login(bappeda_user)
    snap_room = client.get("/ruang-kendali/data.json").json()
    assert (snap_public["indicators"]["total"], snap_room["indicators"]["total"]) == (0, 1)


def test_a_display_token_is_stored_hashed_and_opens_the_kiosk(worksheet, bappeda_user, client):
    display, token = services.display_create(actor=bappeda_user, name="Ruang Wali Kota")
    assert token not in display.token_hash and len(display.token_hash) == 64
    assert client.get(f"/ruang-kendali/layar/{token}/").status_code == 200
    assert client.get(f"/ruang-kendali/layar/{token}/data.json").status_code == 200
    assert AuditEntry.objects.filter(action="controlroom.display_create").count() == 1


def test_a_revoked_token_gets_403_at_once(worksheet, bappeda_user, client):
    display, token = services.display_create(actor=bappeda_user, name="Lobi Bappeda")
    services.display_revoke(actor=bappeda_user, display=display)
    r = client.get(f"/ruang-kendali/layar/{token}/data.json")
    assert r.status_code == 403 and r.json()["code"] == "display_token_revoked"
    assert client.get(f"/ruang-kendali/layar/{token}/").status_code == 403
    assert AuditEntry.objects.filter(action="controlroom.display_revoke").count() == 1


def test_an_expired_token_gets_403(worksheet, bappeda_user, client):
    display, token = services.display_create(actor=bappeda_user, name="Lobi", valid_days=1)
    DisplayToken.objects.filter(pk=display.pk).update(expires_at=display.created_at - timedelta(seconds=1))
    r = client.get(f"/ruang-kendali/layar/{token}/data.json")
    assert r.status_code == 403 and r.json()["code"] == "display_token_expired"


def test_an_unknown_token_gets_403(worksheet, client):
    r = client.get("/ruang-kendali/layar/not-a-token/data.json")
    assert r.status_code == 403 and r.json()["code"] == "display_token_invalid"


def test_only_bappeda_or_admin_manage_displays(worksheet, opd_user, dewan_user):
    for user in (opd_user, dewan_user):
        with pytest.raises(NotRoomManager):
            services.display_create(actor=user, name="Layar")


def test_bappeda_creates_and_revokes_a_display_in_the_page(worksheet, bappeda_user, client):
    client.force_login(bappeda_user)
    r = client.post("/ruang-kendali/layar/baru/", {"name": "Ruang rapat"})
    assert r.status_code == 200 and b'id="new-display-url"' in r.content
    display = DisplayToken.objects.get()
    r = client.post(f"/ruang-kendali/layar/{display.public_id}/cabut/")
    assert r.status_code == 302
    display.refresh_from_db()
    assert display.revoked_at is not None


def _metric(code, as_of, unit="stasiun", module="/banjir/"):
    return metrics.Metric(
        code=code,
        module=module,
        name_id="Uji",
        name_en="Test",
        unit=unit,
        update_every_s=600,
        stale_after_s=3600,
        current=lambda: 5.0,
        as_of=lambda: as_of,
    )


def test_a_tile_turns_stale_after_its_metric_stale_limit(worksheet, monkeypatch):
    monkeypatch.setitem(
        metrics._REGISTRY, "flood.active_alerts", _metric("flood.active_alerts", NOW - timedelta(minutes=59))
    )
    fresh = selectors.snapshot(reader=EVERYTHING, now=NOW)
    monkeypatch.setitem(
        metrics._REGISTRY, "flood.active_alerts", _metric("flood.active_alerts", NOW - timedelta(minutes=61))
    )
    late = selectors.snapshot(reader=EVERYTHING, now=NOW)
    tiles = [{t["id"]: t for t in selectors.all_tiles(s)} for s in (fresh, late)]
    assert [t["flood.active_alerts"]["stale"] for t in tiles] == [False, True]
    assert [t["flood.incidents"]["stale"] for t in tiles] == [False, True]
    assert tiles[1]["flood.incidents"]["age"] == "diperbarui 1 jam lalu"


def test_every_tile_has_an_age(worksheet):
    tiles = selectors.all_tiles(selectors.snapshot(reader=EVERYTHING, now=NOW))
    assert tiles and all(t["age"] for t in tiles)


def _grow(worksheet, n):
    """n more programmes in the worksheet, each with 3 indicators bound to live figures."""
    base = Programme.objects.get(code="P-01")
    for i in range(n):
        p = Programme.objects.create(
            plan=base.plan,
            worksheet=worksheet,
            code=f"X-{Programme.objects.count():03d}",
            name_id="Program uji",
            lead_opd=base.lead_opd,
            start_year=2019,
            end_year=2028,
        )
        for j, (code, unit) in enumerate(
            [
                ("esign.documents_signed", "dokumen"),
                ("wallet.active_cards", "kartu"),
                ("flood.pump_availability", "%"),
            ]
        ):
            ind = Indicator.objects.create(
                programme=p,
                code=f"I{j}",
                kind="output",
                name="Uji",
                unit=unit,
                baseline=Decimal(0),
                baseline_year=2018,
                metric_code=code,
            )
            IndicatorTarget.objects.create(indicator=ind, year=2026, target=Decimal(10 + i))


def test_the_number_of_queries_does_not_grow_with_the_plan(worksheet, bappeda_user, client):
    client.force_login(bappeda_user)
    _grow(worksheet, 2)
    client.get("/ruang-kendali/data.json")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/ruang-kendali/data.json").status_code == 200
    _grow(worksheet, 20)
    Worksheet.objects.update(status="accepted")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/ruang-kendali/data.json").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_kiosk_needs_no_login_and_shows_no_site_menu(worksheet, bappeda_user, client):
    _display, token = services.display_create(actor=bappeda_user, name="Layar")
    page = client.get(f"/ruang-kendali/layar/{token}/")
    assert b'class="topbar"' not in page.content and b'data-kiosk="1"' in page.content


def test_admin_holds_the_room_roles(worksheet, make_user, client):
    client.force_login(make_user(Role.ADMIN_KOTA))
    assert client.get("/ruang-kendali/").status_code == 200
