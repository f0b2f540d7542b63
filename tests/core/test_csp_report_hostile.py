"""The public CSP report endpoint parses anonymous JSON: deeply nested JSON is refused (400), never a 500."""

import pytest


@pytest.mark.parametrize("body", [b"[" * 10_000, b'{"a":' * 5_000], ids=["arrays", "objects"])
def test_deeply_nested_json_is_refused(client, body):
    assert client.post("/csp-report", body, content_type="application/csp-report").status_code == 400
