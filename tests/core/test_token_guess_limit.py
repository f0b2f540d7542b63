"""Guessing API tokens: a client that sends too many invalid bearer tokens gets 429, not another try;
valid tokens keep working (a 256-bit token cannot be guessed, so a valid one is never a guess)."""

import pytest
from django.test import Client

from kotapintar.core import services
from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db

GUESSER = "203.0.113.66"


@pytest.fixture
def limits(settings):
    settings.TOKEN_FAILURE_LIMIT = 3
    return settings


def _guess(client, token="kp_guess", url="/api/v1/core/tokens"):
    return client.post(
        url, {"name": "x"}, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_the_token_endpoint_is_limited_for_a_guessing_client(limits):
    guesser = Client(REMOTE_ADDR=GUESSER)
    assert [_guess(guesser, f"kp_guess{n}").status_code for n in range(3)] == [401, 401, 401]
    response = _guess(guesser, "kp_guess4")
    assert (response.status_code, response.json()["code"]) == (429, "token_attempts_limited")
    assert int(response["Retry-After"]) > 0


def test_every_api_operation_shares_the_guess_budget(limits):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(3):
        _guess(guesser, f"kp_guess{n}")
    response = guesser.get("/api/v1/core/me", headers={"Authorization": "Bearer kp_another"})
    assert response.status_code == 429


def test_a_valid_token_still_works_from_a_locked_client(limits, make_user):
    user = make_user(Role.OPD, username="staf")
    _token, raw = services.api_token_create(user=user, name="laptop")
    client = Client(REMOTE_ADDR=GUESSER)
    for n in range(4):
        _guess(client, f"kp_guess{n}")
    assert _guess(client, raw).status_code == 201


def test_another_client_is_not_limited(limits):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(4):
        _guess(guesser, f"kp_guess{n}")
    assert _guess(Client(REMOTE_ADDR="198.51.100.7")).status_code == 401


def test_valid_tokens_do_not_count(limits, make_user):
    user = make_user(Role.OPD, username="staf")
    _token, raw = services.api_token_create(user=user, name="laptop")
    client = Client(REMOTE_ADDR=GUESSER)
    for _ in range(5):
        assert client.get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert _guess(client).status_code == 401


def test_the_limit_message_is_translated(limits):
    guesser = Client(REMOTE_ADDR=GUESSER)
    for n in range(3):
        _guess(guesser, f"kp_guess{n}")
    indonesian = _guess(guesser).json()["message"]
    english = _guess(Client(REMOTE_ADDR=GUESSER, HTTP_ACCEPT_LANGUAGE="en")).json()["message"]
    assert indonesian != english
    assert "token" in english.lower()
