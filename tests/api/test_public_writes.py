"""Anonymous public writes work for non-browser clients (no CSRF cookie), a browser session still needs
its CSRF token, and the CSRF refusal is a declared, translated error (issue 12, item 10)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation

from tests.flood.conftest import point_in

pytestmark = pytest.mark.django_db


def _anonymous() -> Client:
    """What curl or a mobile app is: no cookies, CSRF enforced as for a real request."""
    return Client(enforce_csrf_checks=True)


def test_qris_decode_without_a_csrf_cookie(city):
    response = _anonymous().post(
        "/api/v1/wallet/qris/decode", {"payload": "000201"}, content_type="application/json"
    )
    assert response.status_code in (200, 422), response.content


def test_card_token_verify_without_a_csrf_cookie(city):
    response = _anonymous().post(
        "/api/v1/wallet/cards/verify-token", {"token": "nope"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["valid"] is False


def test_esign_verify_without_a_csrf_cookie(city):
    upload = io.BytesIO(b"%PDF-1.4 not really")
    upload.name = "a.pdf"
    response = _anonymous().post("/api/v1/esign/verify", {"file": upload})
    assert response.status_code in (200, 422), response.content
    assert response.json()["code"] != "http_error"


def test_citizen_flood_report_without_a_csrf_cookie(city):
    lon, lat = point_in("Krapyak")
    response = _anonymous().post("/api/v1/flood/reports", {"lon": lon, "lat": lat, "depth_cm": 30})
    assert response.status_code == 201, response.content


def test_a_session_without_its_csrf_token_is_refused_with_a_declared_code(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(
        "/api/v1/core/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    with translation.override("id"):
        expected = translation.gettext(
            "The form has expired or was not sent from this site. Reload the page and try again."
        )
    assert body["message"] == expected


def test_a_session_on_a_public_write_still_needs_its_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(
        "/api/v1/wallet/cards/verify-token", {"token": "nope"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")


def test_unparsable_json_body_has_a_declared_code():
    response = Client().post("/api/v1/wallet/qris/decode", b"{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "bad_json")


def test_a_public_json_write_is_capped_at_64_kb(city):
    response = _anonymous().post(
        "/api/v1/wallet/qris/decode", {"payload": "0" * 100_000}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (413, "too_large")


def test_qris_decode_is_rate_limited(city):
    client = _anonymous()
    statuses = [
        client.post(
            "/api/v1/wallet/qris/decode", {"payload": "000201"}, content_type="application/json"
        ).status_code
        for _ in range(121)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:120]
