"""The platform shell in a real browser: sign in, the map of 27 kelurahan, the language switch."""

import pytest
from playwright.sync_api import expect

from kotapintar.core.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_map_draws_27_kelurahan_without_internet(page, city):
    page.goto("/")
    expect(page.locator("#map path.kelurahan")).to_have_count(27)
    expect(page.locator("#map-status")).to_contain_text("27")
    assert not page.console_errors


def test_sign_in_and_out(page, browser_login, make_user):
    user = make_user(Role.BAPPEDA, username="perencana", first_name="Ayu", last_name="Lestari")
    browser_login(user)
    expect(page.locator("header .account")).to_contain_text("Ayu Lestari")
    page.click("header form.inline button")
    expect(page.locator("header")).to_contain_text("Masuk")


def test_wrong_password_shows_an_indonesian_error(page, make_user):
    user = make_user(Role.OPD, username="staf")
    page.goto("/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "salah-sekali")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("Nama pengguna atau kata sandi salah")


def test_language_switch_to_english_and_back(page, city):
    page.goto("/")
    expect(page.locator("nav.modules")).to_contain_text("Rencana induk")
    page.click("button[data-lang=en]")
    expect(page.locator("nav.modules")).to_contain_text("Master plan")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("button[data-lang=id]")
    expect(page.locator("nav.modules")).to_contain_text("Rencana induk")
