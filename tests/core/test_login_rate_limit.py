"""Sign-in through the form, and its per-username limit on failed attempts."""

import pytest
from django.contrib.auth import SESSION_KEY

from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db


def _attempt(client, username, password):
    return client.post("/masuk/", {"username": username, "password": password})


def _signed_in(client):
    """The id of the user the client's session is signed in as, or None."""
    return client.session.get(SESSION_KEY)


def test_wrong_password_is_refused(client, make_user):
    make_user(Role.OPD, username="staf")
    assert _attempt(client, "staf", "salah").status_code == 200
    assert _signed_in(client) is None


def test_correct_password_signs_in(client, make_user, password):
    user = make_user(Role.OPD, username="staf")
    response = _attempt(client, "staf", password)
    assert response.status_code == 302
    assert _signed_in(client) == str(user.pk)


def test_too_many_failures_block_even_the_right_password(client, make_user, password, settings):
    settings.LOGIN_RATE_LIMIT = 3
    make_user(Role.OPD, username="staf")
    for _ in range(3):
        _attempt(client, "staf", "salah")
    response = _attempt(client, "staf", password)
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()
    assert _signed_in(client) is None


def test_limit_is_per_username(client, make_user, password, settings):
    settings.LOGIN_RATE_LIMIT = 3
    make_user(Role.OPD, username="staf")
    other = make_user(Role.OPD, username="lain")
    for _ in range(3):
        _attempt(client, "staf", "salah")
    assert _attempt(client, "lain", password).status_code == 302
    assert _signed_in(client) == str(other.pk)
