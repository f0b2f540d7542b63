"""A NUL character anywhere in a request (path, query, JSON or form field) is a 422 with the declared
code `nul_character`, never a 500 — PostgreSQL refuses NUL in text (issue 12, item 10). Run on SQLite and
on PostgreSQL (DATABASE_URL=postgres://…)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from kotapintar.core.models import ApiToken

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/api/v1/core/kelurahan/a%00b",
    "/api/v1/esign/verify/a%00b",
    "/api/v1/flood/reports?status=a%00b",
    "/api/v1/core/kelurahan/3375010001?x%00=1",
]
PAGES = ["/tte/verifikasi/a%00b", "/tte/verifikasi/a%00b/unduh", "/masuk/?next=/a%00b"]


@pytest.mark.parametrize("path", API_PATHS)
def test_nul_in_an_api_path_or_query_is_a_422(city, path):
    response = Client().get(path, headers={"Accept-Language": "id"})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "nul_character"
    with translation.override("id"):
        assert body["message"] == translation.gettext(
            "The request contains a NUL character, which is not allowed."
        )


@pytest.mark.parametrize("path", PAGES)
def test_nul_in_a_page_path_is_a_422(city, path):
    assert Client().get(path).status_code == 422


def test_nul_in_a_json_field_is_a_422_and_nothing_is_stored(admin_user, token_client):
    client: Client = token_client(admin_user)
    before = ApiToken.objects.count()
    response = client.post("/api/v1/core/tokens", {"name": "a\x00b"}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "nul_character"
    assert ApiToken.objects.count() == before


def test_nul_in_a_nested_json_key_is_a_422(admin_user, token_client):
    client: Client = token_client(admin_user)
    response = client.post(
        "/api/v1/core/tokens", {"name": "ok", "extra": [{"a\x00": 1}]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "nul_character"


def test_an_escaped_backslash_u0000_text_is_not_a_nul(admin_user, token_client):
    client: Client = token_client(admin_user)
    response = client.post("/api/v1/core/tokens", '{"name": "a\\\\u0000b"}', content_type="application/json")
    assert response.status_code == 201, response.content


def test_nul_in_the_login_username_is_a_422(admin_user):
    response = Client().post("/masuk/", {"username": "admin\x00_kota", "password": "x"})
    assert response.status_code == 422


def test_nul_in_a_header_is_a_422(admin_user, token_client):
    client: Client = token_client(admin_user)
    response = client.post(
        "/api/v1/wallet/topups/cash",
        {"card_number": "1234", "amount_idr": 1000},
        content_type="application/json",
        headers={"Idempotency-Key": "k\x001"},
    )
    assert (response.status_code, response.json()["code"]) == (422, "nul_character")
