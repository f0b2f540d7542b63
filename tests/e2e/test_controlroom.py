"""The control room (/ruang-kendali/) on a 1920×1080 wall display and a 1366×768 laptop (one screen, no
page scroll; long columns scroll inside themselves) and a 390 px phone (stacked): every tile
shows the age of its data; when the sensor feed stops (the stored readings are moved back past the
flood figures' stale limit: no sleeping) the flood tiles turn grey with "data terlambat" on the next
poll, without a reload. Screenshots go to KP_SCREENSHOT_DIR when it is set."""

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from playwright.sync_api import expect

from kotapintar.core import metrics
from kotapintar.flood.models import Latest
from tests.e2e.conftest import DEMO_PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ["KP_SCREENSHOT_DIR"]) if os.environ.get("KP_SCREENSHOT_DIR") else None
WALL, LAPTOP, PHONE = (1920, 1080), (1366, 768), (390, 844)
SENSOR_TILES = ["flood.stations_reporting", "flood.active_alerts", "flood.incidents"]

AGES = """() => Array.from(document.querySelectorAll('#room .tile')).map(t => ({
  id: t.dataset.tile, age: t.querySelector('.tile-age').textContent.trim(),
  visible: t.getClientRects().length > 0 }))"""


@pytest.fixture
def room_demo(settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.CONTROL_ROOM_POLL_S = 1  # the test controls time; it does not wait for a real interval
    call_command(
        "seed_demo", "--only", "core", "masterplan", "esign", "batik", "wallet", "flood", stdout=io.StringIO()
    )


def shot(page, name):
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / name), full_page=True)


def open_room(page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/ruang-kendali/")
    expect(page.locator("#room")).to_be_visible()
    expect(page.locator("#room")).to_have_attribute("data-polls", re.compile(r"^[1-9]"))  # polled once


def test_every_tile_shows_its_age_and_the_flood_tiles_go_stale_when_the_feed_stops(page, room_demo):
    sign_in(page, "bappeda")
    for size in (WALL, LAPTOP):
        open_room(page, size)
        tiles = page.evaluate(AGES)
        assert {t["id"] for t in tiles} >= {m.code for m in metrics.metrics()} | {
            "flood.incidents",
            "plan.progress",
        }
        assert [t for t in tiles if not t["age"] or not t["visible"]] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        for code in SENSOR_TILES:
            expect(page.locator(f'[data-tile="{code}"]')).not_to_have_class("tile stale")
        shot(page, f"controlroom-{size[0]}x{size[1]}.png")

    page.evaluate("window.__sameDocument = true")
    feed = metrics.metric("flood.stations_reporting")
    assert feed is not None
    limit = feed.stale_after_s
    # The feed stopped a little less than the stale limit ago: after the next poll still fresh.
    Latest.objects.update(received_at=F("received_at") - timedelta(seconds=limit - 300))
    polls = int(page.locator("#room").get_attribute("data-polls") or "0")
    expect(page.locator("#room")).not_to_have_attribute("data-polls", str(polls))
    expect(page.locator("#room")).not_to_have_attribute("data-polls", str(polls + 1))
    for code in SENSOR_TILES:
        expect(page.locator(f'[data-tile="{code}"]')).not_to_have_class("tile stale")
    # Ten minutes later it has been silent for longer than the limit: grey at the next poll.
    Latest.objects.update(received_at=F("received_at") - timedelta(seconds=600))
    for code in SENSOR_TILES:
        tile = page.locator(f'[data-tile="{code}"]')
        expect(tile).to_have_class("tile stale")
        expect(tile.locator(".tile-late")).to_be_visible()
        expect(tile.locator(".tile-late")).to_have_text("data terlambat")
    assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded
    grey = page.locator('[data-tile="flood.stations_reporting"]').evaluate(
        "el => getComputedStyle(el).filter"
    )
    assert "grayscale" in grey
    shot(page, "controlroom-1366x768-stale.png")
    page.set_viewport_size({"width": WALL[0], "height": WALL[1]})
    shot(page, "controlroom-1920x1080-stale.png")
    page.goto("about:blank")  # stop polling before the database is flushed


def test_the_kiosk_shuts_out_a_revoked_display_at_its_next_poll(page, room_demo):
    from django.contrib.auth import get_user_model

    from kotapintar.controlroom import services

    bappeda = get_user_model().objects.get(username="bappeda")
    display, token = services.display_create(actor=bappeda, name="Ruang rapat Wali Kota")
    page.set_viewport_size({"width": WALL[0], "height": WALL[1]})
    page.goto(f"/ruang-kendali/layar/{token}/")
    expect(page.locator("header.topbar")).to_have_count(0)  # no site menu, no login
    expect(page.locator("#room")).to_have_attribute("data-polls", re.compile(r"^[1-9]"))  # polled once
    expect(page.locator(".room-panel.on").first).to_be_visible()
    shot(page, "controlroom-kiosk-1920x1080.png")
    services.display_revoke(actor=bappeda, display=display)
    expect(page.locator("#room")).to_have_class("room kiosk refused")
    expect(page.locator("#room-error")).to_be_visible()
    page.goto("about:blank")


NO_PAGE_SCROLL = "document.documentElement.scrollHeight <= window.innerHeight + 1"


@pytest.mark.parametrize(
    "size,username", [(LAPTOP, "kantor_walikota"), (LAPTOP, "bappeda"), (WALL, "bappeda")]
)
def test_the_room_fits_one_screen_without_page_scrolling(page, room_demo, size, username):
    sign_in(page, username)  # Bappeda manages displays: their list folds away, the page stays one screen
    open_room(page, size)
    assert page.evaluate(NO_PAGE_SCROLL)
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    expect(page.locator('[data-panel="flood"] #room-map')).to_be_visible()
    shot(page, f"controlroom-fit-{size[0]}x{size[1]}-{username}.png")
    page.goto("about:blank")


def test_on_a_phone_the_panels_stack_and_the_page_scrolls(page, room_demo):
    sign_in(page, "bappeda")
    open_room(page, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert not page.evaluate(NO_PAGE_SCROLL)  # stacked: longer than the screen, nothing cut
    cols = page.evaluate(
        "Array.from(document.querySelectorAll('.room-col')).map(c => c.getBoundingClientRect().left)"
    )
    assert len(set(round(x) for x in cols)) == 1
    shot(page, "controlroom-390.png")
    page.goto("about:blank")
