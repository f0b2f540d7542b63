"""Uploads are bounded before they are stored: each upload endpoint has its own limit, a declared
Content-Length above it is a 413 `too_large` before a byte is read, and a file part that passes it is
stopped while it streams (issue 12, item 9)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kotapintar.middleware import MULTIPART_OVERHEAD

pytestmark = pytest.mark.django_db

BOUNDARY = "XyZ"
GIGABYTES = str(1_500_000_000)


def _multipart(size: int, *, name: str = "file", filename: str = "a.pdf") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"%PDF-1.4\n"
        + b"0" * size
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _post_claiming(client: Client, path: str, length: str) -> Any:
    """A body that claims `length` bytes; the test payload raises if anything reads past its real end."""
    return client.generic(
        "POST",
        path,
        _multipart(10),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=length,
        headers={"Accept-Language": "id"},
    )


@pytest.mark.parametrize("path", ["/api/v1/esign/verify", "/api/v1/flood/reports"])
def test_a_declared_1_5_gb_body_is_413_before_it_is_read(city, path):
    response = _post_claiming(Client(), path, GIGABYTES)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large"
    with translation.override("id"):
        assert body["message"] == translation.gettext("The upload is larger than allowed.")


def test_a_declared_1_5_gb_body_on_the_verify_page_is_413(city):
    assert _post_claiming(Client(), "/tte/verifikasi/", GIGABYTES).status_code == 413


def test_an_authenticated_upload_is_bounded_too(admin_user, token_client):
    assert (
        _post_claiming(token_client(admin_user), "/api/v1/flood/readings/csv", GIGABYTES).status_code == 413
    )


def test_every_endpoint_has_its_own_limit(city, settings):
    """6 MB is above the citizen report's photo limit (5 MB) and below the PDF limit (20 MB)."""
    size = 6 * 1024 * 1024
    body = _multipart(size)
    ctype = f"multipart/form-data; boundary={BOUNDARY}"
    report = Client().generic("POST", "/api/v1/flood/reports", body, content_type=ctype)
    verify = Client().generic("POST", "/api/v1/esign/verify", body, content_type=ctype)
    assert (report.status_code, report.json()["code"]) == (413, "too_large")
    assert verify.status_code == 422  # read, and refused as a PDF, not as a size


def test_a_file_part_past_the_limit_is_stopped_while_it_streams(city, settings, tmp_path):
    """Content-Length within limit + overhead, but the file part alone passes the limit."""
    settings.ESIGN_MAX_UPLOAD_BYTES = 100 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything bigger would be spooled to tmp_path
    body = _multipart(100 * 1024 + MULTIPART_OVERHEAD // 2)
    response = Client().generic(
        "POST", "/api/v1/esign/verify", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert list(tmp_path.iterdir()) == []


def test_a_body_within_the_limit_is_accepted(city, settings):
    upload = io.BytesIO(b"%PDF-1.4 not really")
    upload.name = "a.pdf"
    response = Client().post("/api/v1/esign/verify", {"file": upload})
    assert response.status_code == 422
    assert response.json()["code"] != "too_large"
