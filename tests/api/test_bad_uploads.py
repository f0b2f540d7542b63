"""A malformed multipart body gets the API's JSON error body and a 400, not Django's HTML page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BROKEN = (
    b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
    + b"X-Filler: "
    + b"a" * 20000
    + b"\r\n\r\n%PDF-1.4\r\n--XyZ--\r\n"
)


def test_broken_multipart_is_a_400(admin_user, token_client):
    from kotapintar.api import api

    paths = [
        p
        for p, ops in api.get_openapi_schema()["paths"].items()
        if "post" in ops and "multipart" in str(ops["post"])
    ]
    if not paths:
        pytest.skip("no upload operation")
    client: Client = token_client(admin_user)
    for path in paths:
        if "{" in path:
            continue
        response = client.generic("POST", path, BROKEN, content_type="multipart/form-data; boundary=XyZ")
        assert response.status_code == 400, (path, response.status_code)
        assert response.json()["code"] == "bad_upload", path
