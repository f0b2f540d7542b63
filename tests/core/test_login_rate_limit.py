import pytest

from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db


def _attempt(client, username, password):
    return client.post("/masuk/", {"username": username, "password": password})


def test_wrong_password_is_refused(client, make_user):
    make_user(Role.OPD, username="staf")
    assert _attempt(client, "staf", "salah").status_code == 200


def test_correct_password_signs_in(client, make_user, password):
    make_user(Role.OPD, username="staf")
    response = _attempt(client, "staf", password)
    assert response.status_code == 302


def test_too_many_failures_block_even_the_right_password(client, make_user, password, settings):
    settings.LOGIN_RATE_LIMIT = 3
    make_user(Role.OPD, username="staf")
    for _ in range(3):
        _attempt(client, "staf", "salah")
    response = _attempt(client, "staf", password)
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


def test_limit_is_per_username(client, make_user, password, settings):
    settings.LOGIN_RATE_LIMIT = 3
    make_user(Role.OPD, username="staf")
    make_user(Role.OPD, username="lain")
    for _ in range(3):
        _attempt(client, "staf", "salah")
    assert _attempt(client, "lain", password).status_code == 302
