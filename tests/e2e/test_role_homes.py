"""Each demo role signs in through the real form and lands on its own work queue; the header shows
every module; the public verification page is one click from the home page."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIGNED_IN_NAV = ["masterplan", "tte", "batik", "dompet", "banjir"]
# demo username -> the work queues its home page shows
ROLE_QUEUES = {
    "opd": ["opd"],
    "mentor": ["mentor"],
    "bappeda": ["bappeda"],
    "dewan": ["dewan"],
    "penandatangan": ["signer"],
    "pariwisata": ["tourism"],
    "merchant": ["merchant"],
    "bpbd": ["bpbd"],
    "walidata": ["walidata"],
    "kantor_walikota": ["walikota"],
    "admin": [
        "admin",
        "opd",
        "mentor",
        "bappeda",
        "dewan",
        "signer",
        "tourism",
        "merchant",
        "bpbd",
        "walidata",
        "walikota",
    ],
}
SHOTS = Path(os.environ.get("KP_SCREENSHOT_DIR", "")) if os.environ.get("KP_SCREENSHOT_DIR") else None


def fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_each_role_lands_on_its_queue_with_every_module_in_the_header(page, live_server, demo):
    for username, queues in ROLE_QUEUES.items():
        sign_in(page, username)
        assert page.url == f"{live_server.url}/", username  # LOGIN_REDIRECT_URL: the home page
        expect(page.locator("#my-home")).to_be_visible()
        shown = page.locator("#my-home [data-queue]").evaluate_all("els => els.map(e => e.dataset.queue)")
        assert shown == queues, username
        nav = page.locator("nav.modules a").evaluate_all("els => els.map(e => e.dataset.nav)")
        assert nav == SIGNED_IN_NAV, username
        page.click("header form.inline button")  # sign out
        expect(page.locator("header")).to_contain_text("Masuk")


def test_anonymous_reaches_verification_from_home_in_one_click(page, live_server, city):
    page.goto("/")
    page.click("#verify-link")
    expect(page).to_have_url(f"{live_server.url}/tte/verifikasi/")


def test_anonymous_tte_entry_opens_verification_not_login(page, city):
    page.goto("/")
    page.click('nav.modules a[data-nav="tte"]')
    assert "/masuk/" not in page.url
    assert page.url.endswith("/tte/verifikasi/")


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("username", ["admin", "bpbd"])
def test_role_home_fits_the_screen(page, demo, username, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, username)
    expect(page.locator("#my-home")).to_be_visible()
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"home-{username}-{width}.png"), full_page=True)
    assert fits(page)
