"""Sign-in limits: keyed on the normalised identity and the client, on every login form, with a way in
for the real user (their known device, another client, or the end of the window)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.utils import timezone

from kotapintar.core import loginlimit
from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICIAL = "198.51.100.7"
PROXY = "10.0.0.2"


def _client(address: str = ATTACKER, **kwargs) -> Client:
    return Client(REMOTE_ADDR=address, **kwargs)


def _signed_in_as(client):
    """The username the client's session is signed in as, or None."""
    pk = client.session.get(SESSION_KEY)
    return get_user_model().objects.get(pk=pk).username if pk is not None else None


def _attempt(client, username, password, url="/masuk/"):
    """One sign-in; a redirect must have signed in that user, any other answer must not have."""
    response = client.post(url, {"username": username, "password": password})
    identity = loginlimit.identity(username)
    who = _signed_in_as(client)
    if response.status_code == 302:
        assert who is not None and loginlimit.identity(who) == identity
    else:
        assert who is None or loginlimit.identity(who) != identity, f"{response.status_code}, yet signed in"
    return response


def _fail(client, username, times=3):
    for _ in range(times):
        _attempt(client, username, "salah")


@pytest.fixture
def limits(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_IDENTITY_RATE_LIMIT = 6
    settings.LOGIN_ADDRESS_RATE_LIMIT = 20
    return settings


def test_wrong_password_is_refused(client, make_user):
    make_user(Role.OPD, username="staf")
    assert _attempt(client, "staf", "salah").status_code == 200


def test_correct_password_signs_in(client, make_user, password):
    make_user(Role.OPD, username="staf")
    response = _attempt(client, "staf", password)
    assert response.status_code == 302


def test_too_many_failures_block_even_the_right_password_from_that_client(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client()
    _fail(attacker, "staf")
    response = _attempt(attacker, "staf", password)
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


def test_the_lock_answers_with_retry_after(make_user, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client()
    _fail(attacker, "staf")
    response = _attempt(attacker, "staf", "salah")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limits.LOGIN_RATE_WINDOW_S


def test_limit_is_per_username(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    make_user(Role.OPD, username="lain")
    attacker = _client()
    _fail(attacker, "staf")
    assert _attempt(attacker, "lain", password).status_code == 302


def test_fullwidth_spelling_does_not_get_a_fresh_budget(make_user, password, limits):
    """`ａｄmin` is `admin` to Django (NFKC); it must be `admin` to the limit as well."""
    make_user(Role.ADMIN_KOTA, username="admin")
    attacker = _client()
    _fail(attacker, "admin")
    assert _attempt(attacker, "ａｄmin", password).status_code == 429


def test_case_and_width_variants_count_against_one_budget(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client()
    for spelling in ("Staf", "ＳＴＡＦ", " staf "):
        _attempt(attacker, spelling, "salah")
    assert _attempt(attacker, "staf", password).status_code == 429


def test_identity_is_nfkc_and_casefold():
    assert loginlimit.identity("ａｄmin") == loginlimit.identity("ADMIN") == "admin"
    assert loginlimit.identity(" Straße ") == "strasse"


def test_admin_login_is_limited(make_user, password, limits):
    make_user(Role.ADMIN_KOTA, username="admin", is_staff=True)
    attacker = _client()
    for _ in range(3):
        assert _attempt(attacker, "admin", "salah", url="/admin/login/").status_code == 200
    response = _attempt(attacker, "admin", password, url="/admin/login/")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_admin_login_and_site_login_share_the_budget(make_user, password, limits):
    make_user(Role.ADMIN_KOTA, username="admin", is_staff=True)
    attacker = _client()
    _fail(attacker, "admin")
    assert _attempt(attacker, "admin", password, url="/admin/login/").status_code == 429


def test_admin_login_still_signs_in_the_real_admin(make_user, password, limits):
    make_user(Role.ADMIN_KOTA, username="admin", is_staff=True)
    assert _attempt(_client(OFFICIAL), "admin", password, url="/admin/login/").status_code == 302


def test_the_official_signs_in_from_another_client_while_the_attacker_is_locked(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client(ATTACKER)
    _fail(attacker, "staf")
    assert _attempt(attacker, "staf", password).status_code == 429
    assert _attempt(_client(OFFICIAL), "staf", password).status_code == 302


def test_the_official_behind_the_same_proxy_is_not_locked_out(make_user, password, limits):
    """Behind the city's proxy every request comes from the proxy: the limit must use the client."""
    limits.TRUSTED_PROXIES = [PROXY]
    make_user(Role.OPD, username="staf")
    attacker = _client(PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    _fail(attacker, "staf")
    assert _attempt(attacker, "staf", password).status_code == 429
    official = _client(PROXY, HTTP_X_FORWARDED_FOR=OFFICIAL)
    assert _attempt(official, "staf", password).status_code == 302


def test_many_clients_together_lock_the_account_for_unknown_clients(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    for n in range(6):  # a botnet: each address stays under the per-client limit
        _fail(_client(f"203.0.113.{n + 1}"), "staf", times=1)
    assert _attempt(_client("203.0.113.200"), "staf", password).status_code == 429


def test_the_officials_known_device_signs_in_while_the_account_is_locked(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    official = _client(OFFICIAL)
    assert _attempt(official, "staf", password).status_code == 302  # earlier, from their own laptop
    official.post("/keluar/")
    for n in range(6):
        _fail(_client(f"203.0.113.{n + 1}"), "staf", times=1)
    assert _attempt(_client("203.0.113.200"), "staf", password).status_code == 429
    official.defaults["REMOTE_ADDR"] = "192.0.2.44"  # same laptop, another network
    assert _attempt(official, "staf", password).status_code == 302


def test_a_device_cookie_of_another_account_does_not_open_the_lock(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    make_user(Role.OPD, username="lain")
    attacker = _client(ATTACKER)
    assert _attempt(attacker, "lain", password).status_code == 302  # the attacker's own account
    attacker.post("/keluar/")
    for n in range(6):
        _fail(_client(f"203.0.113.{n + 1}"), "staf", times=1)
    assert _attempt(attacker, "staf", password).status_code == 429


def test_a_forged_device_cookie_is_ignored(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    for n in range(6):
        _fail(_client(f"203.0.113.{n + 1}"), "staf", times=1)
    forger = _client("203.0.113.200")
    forger.cookies[loginlimit.DEVICE_COOKIE] = "staf:forged"
    assert _attempt(forger, "staf", password).status_code == 429


def test_a_known_device_has_its_own_limit(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    device = _client(OFFICIAL)
    _attempt(device, "staf", password)
    device.post("/keluar/")
    _fail(device, "staf")
    assert _attempt(device, "staf", password).status_code == 429


def test_the_lock_lifts_after_the_window(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client()
    _fail(attacker, "staf")
    assert _attempt(attacker, "staf", password).status_code == 429
    later = timezone.now() + timedelta(seconds=limits.LOGIN_RATE_WINDOW_S + 1)
    with time_machine.travel(later, tick=False):
        assert _attempt(attacker, "staf", password).status_code == 302


def test_a_success_does_not_count(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    official = _client(OFFICIAL)
    for _ in range(2):
        _attempt(official, "staf", "salah")
    for _ in range(3):
        assert _attempt(official, "staf", password).status_code == 302
        official.post("/keluar/")
    assert _attempt(official, "staf", "salah").status_code == 200
    assert _attempt(official, "staf", password).status_code == 302


def test_one_address_spraying_many_accounts_is_limited(make_user, password, limits):
    limits.LOGIN_ADDRESS_RATE_LIMIT = 4
    make_user(Role.OPD, username="staf")
    attacker = _client()
    for n in range(4):
        _attempt(attacker, f"pegawai{n}", "Rahasia-2024")
    assert _attempt(attacker, "staf", password).status_code == 429


def test_the_lock_message_follows_the_language(make_user, limits):
    make_user(Role.OPD, username="staf")
    attacker = _client(HTTP_ACCEPT_LANGUAGE="en")
    attacker.cookies["django_language"] = "en"
    _fail(attacker, "staf")
    assert "Too many failed sign-in attempts" in _attempt(attacker, "staf", "salah").content.decode()


def test_rotating_ipv6_addresses_inside_one_64_share_the_budget(make_user, password, limits):
    make_user(Role.OPD, username="staf")
    for n in range(3):
        _attempt(_client(f"2001:db8:5:6::{n + 1}"), "staf", "salah")
    assert _attempt(_client("2001:db8:5:6::ff"), "staf", password).status_code == 429
