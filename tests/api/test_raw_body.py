"""An address that reads its raw body (a webhook, OCSP, TSA, a JSON batch, CSP reports) answers a form
sent instead with 415 unsupported_media_type: the form was parsed first, its body is gone, and reading
it used to be a 500 (found by schemathesis on /api/v1/wallet/topups/qris/notify)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

FORM = {"field": "value"}  # the test client sends it as multipart/form-data with a boundary


@pytest.mark.parametrize(
    "path",
    ["/api/v1/wallet/topups/qris/notify", "/tte/pki/ocsp/", "/tte/pki/tsa/", "/csp-report"],
)
def test_a_form_sent_to_a_raw_body_address_is_415(db: Any, client: Client, path: str) -> None:
    response = client.post(path, FORM, headers={"X-Kotapintar-Signature": "ab"})
    assert response.status_code == 415
    if path.startswith("/api/"):
        assert response.json()["code"] == "unsupported_media_type"
    else:
        assert "Terjadi kesalahan" not in response.content.decode()


def test_a_form_sent_to_the_readings_batch_is_415(make_user: Any, token_client: Any) -> None:
    operator = make_user("operator_bpbd")
    response = token_client(operator).post("/api/v1/flood/readings", FORM)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
