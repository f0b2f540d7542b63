"""Public and field pages on a 390 px phone and a 1366 px laptop, each opened as the role that uses it:
no page scrolls sideways, no table cuts its columns off, the header menu folds behind a button on the
phone (and opens without JavaScript too) and shows in full on the laptop."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kotapintar.batik import selectors as batik_selectors
from kotapintar.core.models import Role
from kotapintar.esign.models import Document, DocumentStatus
from kotapintar.flood.models import Incident, Station
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet.models import Card, CardStatus, Merchant
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = 390, 1366
SHOTS = Path(os.environ["KP_SCREENSHOT_DIR"]) if os.environ.get("KP_SCREENSHOT_DIR") else None
ANONYMOUS_NAV = ["masterplan", "tte", "batik", "banjir"]
SIGNED_IN_NAV = ["masterplan", "tte", "batik", "dompet", "banjir"]

# What a page shows wider than its own box: the document's width, and every table (outside the
# deliberately scrolling matrices) whose columns do not fit and that was not turned into cards.
MEASURE = """() => ({
  width: document.documentElement.scrollWidth,
  cut: Array.from(document.querySelectorAll("table.table"))
    .filter(t => !t.closest(".mp-scroll") && !t.hasAttribute("data-scroll") && t.getClientRects().length)
    .filter(t => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > innerWidth + 1)
    .map(t => t.id || t.className),
})"""


def demo_pages() -> dict[str | None, list[str]]:
    """role (None: anonymous, "card": a visitor who opened a city card) -> the pages it uses."""
    event = next(e for e in batik_selectors.event_list(include_past=False))
    station = Station.objects.order_by("code").first()
    document = Document.objects.filter(status=DocumentStatus.SIGNED).order_by("created_at").first()
    merchant = Merchant.objects.get(owner__username="merchant")
    incident = Incident.objects.order_by("-opened_at").first()
    assert station is not None and document is not None and incident is not None
    public = [
        "/",
        "/banjir/",
        "/banjir/lapor/",
        f"/banjir/stasiun/{station.code}/",
        "/batik/",
        f"/batik/acara/{event.code}/",
        "/tte/verifikasi/",
        f"/tte/verifikasi/{document.code}",
        "/masterplan/publik/",
        "/batik/saya/",
        "/masuk/",
        "/data/",
        "/data/banjir-rob/",
        "/data/masterplan-smart-city/",
    ]
    return {
        None: public,
        "card": ["/batik/saya/"],
        "bpbd": [
            "/",
            "/banjir/",
            "/banjir/operasi/",
            "/banjir/peringatan/",
            "/banjir/laporan/",
            "/banjir/insiden/",
            f"/banjir/insiden/{incident.public_id}/",
        ],
        "merchant": ["/", f"/dompet/kasir/{merchant.code}/", "/dompet/"],
        "pariwisata": ["/", "/batik/gerbang/"],
        "admin": ["/", "/dompet/loket/", "/kelola/", "/kelola/audit/", "/data/kelola/"],
    }


def open_card(page):
    """A visitor opens a city card on the phone with its number and the code under its QR."""
    card = Card.objects.filter(status=CardStatus.ACTIVE).order_by("number").first()
    assert card is not None
    page.goto("/batik/saya/")
    page.fill("#card-number", card.number)
    page.fill("#card-secret", wallet_selectors.card_qr_token(number=card.number))
    page.click("#card-login button[type=submit]")
    expect(page.locator(".card-number")).to_contain_text(card.number)


def become(page, role):
    page.context.clear_cookies()
    if role == "card":
        open_card(page)
    elif role is not None:
        sign_in(page, role)
        expect(page.locator("header .account")).to_have_count(1)


def measure_all(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    wide = []
    current = object()
    for role, url in [(role, url) for role, urls in demo_pages().items() for url in urls]:
        if role != current:
            become(page, role)
            current = role
        response = page.goto(url)
        assert response is not None and response.ok, (role, url)
        page.wait_for_load_state("networkidle")
        if SHOTS is not None:
            name = f"{role or 'public'}{url.replace('/', '_')}-{width}.png"
            page.screenshot(path=str(SHOTS / name), full_page=True)
        seen = page.evaluate(MEASURE)
        if seen["width"] > width or seen["cut"]:
            wide.append((role, url, seen))
    return wide


def test_every_phone_page_fits_390_px(page, demo):
    assert measure_all(page, PHONE) == []


def test_every_page_fits_1366_px(page, demo):
    assert measure_all(page, LAPTOP) == []


def test_laptop_shows_the_full_menu_and_no_menu_button(page, browser_login, make_user):
    page.set_viewport_size({"width": LAPTOP, "height": 800})
    browser_login(make_user(Role.OPERATOR_BPBD))
    expect(page.locator("#menu-button")).to_be_hidden()
    nav = page.locator("nav.modules a")
    for link in nav.all():
        expect(link).to_be_visible()
    assert nav.evaluate_all("els => els.map(e => e.dataset.nav)") == SIGNED_IN_NAV
    expect(page.locator("header .account")).to_be_visible()


def test_phone_menu_button_opens_and_closes_the_menu(page, city):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/")
    button = page.locator("#menu-button")
    nav = page.locator("nav.modules")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    assert nav.locator("a").evaluate_all("els => els.map(e => e.dataset.nav)") == ANONYMOUS_NAV
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()


def test_phone_menu_closes_with_escape_and_gives_focus_back(page, city):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/")
    page.click("#menu-button")
    page.keyboard.press("Escape")
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("nav.modules")).to_be_hidden()
    expect(page.locator("#menu-button")).to_be_focused()


def test_phone_main_actions_are_large_enough_to_tap(page, city):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/banjir/")
    for selector in ["#menu-button", "#report-link"]:
        box = page.locator(selector).bounding_box()
        assert box is not None and box["height"] >= 40, selector
    page.click("#menu-button")
    for link in page.locator("nav.modules a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 40


def test_phone_menu_opens_without_javascript(chromium, live_server, city):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": PHONE, "height": 800},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/")
        nav = page.locator("nav.modules")
        expect(page.locator("#menu-button")).to_be_hidden()
        expect(nav).to_be_hidden()
        page.click("summary.menu-button")
        expect(nav).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        context.close()
