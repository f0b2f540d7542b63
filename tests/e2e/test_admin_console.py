"""The city administrator in a real browser, on a desktop and a phone: from the header to a user,
a one-time password link (used by the user), then the audit log searched for it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kotapintar.core.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ["KP_SCREENSHOT_DIR"]) if os.environ.get("KP_SCREENSHOT_DIR") else None
NEW_PASSWORD = "Batik-Kauman-2026!"


def fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def shot(page, name, width):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"kelola-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_admin_walks_users_password_link_and_audit(
    page, chromium, live_server, settings, browser_login, admin_user, make_user, opd, width
):
    settings.SITE_URL = live_server.url  # the link the console shows is on the platform's address
    make_user(Role.OPD, opd=opd, username="sri.rahayu", first_name="Sri", last_name="Rahayu")
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(admin_user)

    if page.locator("#menu-button").is_visible():  # a phone: the header menu is folded behind its button
        page.click("#menu-button")
    page.click('header a[data-nav="kelola"]')
    expect(page.locator("h1")).to_have_text("Administrasi")
    assert fits(page)
    shot(page, "index", width)

    page.click('.console-tabs a[data-tab="users"]')
    page.fill('#user-search input[name="q"]', "rahayu")
    page.click("#user-search button[type=submit]")
    page.wait_for_url("**q=rahayu**")
    # the search finds the user (other tests' users may share the name: count the one we made)
    expect(page.locator("#user-table tbody tr", has_text="sri.rahayu")).to_have_count(1)
    expect(page.locator("#user-table tbody tr", has_text="admin_kota")).to_have_count(0)
    assert fits(page)
    shot(page, "users", width)

    page.click('#user-table a:text("sri.rahayu")')
    page.click("#password-link-form button[type=submit]")
    link = page.locator("#password-link-url").inner_text()
    assert link.startswith("http") and "/akun/sandi/" in link
    assert fits(page)
    shot(page, "user", width)

    visitor = chromium.new_context(locale="id-ID", viewport={"width": width, "height": 900})
    try:
        other = visitor.new_page()
        other.goto(link)
        other.fill("#id_new_password1", NEW_PASSWORD)
        other.fill("#id_new_password2", NEW_PASSWORD)
        other.click("#password-form button[type=submit]")
        expect(other.locator("#login-form")).to_be_visible()
        other.goto(link)
        expect(other.locator("#link-invalid")).to_be_visible()  # used once: spent
    finally:
        visitor.close()

    page.click('.console-tabs a[data-tab="audit"]')
    page.fill('#audit-search input[name="obj"]', "auth.user")
    page.fill('#audit-search input[name="action"]', "password_link")
    page.click("#audit-search button[type=submit]")
    actions = page.locator("#audit-table tbody tr td:nth-child(4)").all_inner_texts()
    assert actions == [
        "Tautan kata sandi sekali pakai dipakai core.password_link_redeem",
        "Tautan kata sandi sekali pakai dibuat core.password_link_create",
    ]
    assert fits(page)
    shot(page, "audit", width)

    page.click("#audit-verify-link")
    expect(page.locator('#audit-verify [data-ok="1"]')).to_be_visible()
    assert fits(page)
    assert not page.console_errors
