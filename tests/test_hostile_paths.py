"""Hostile strings in every path parameter of every API operation — NUL, very long, unicode, `../`,
broken percent-encoding — give a 4xx with a declared code, never a 5xx; anonymous and as a city
administrator (issue 12, item 10). Table-driven over the OpenAPI schema, so a new operation is covered
without a change here. Run it on PostgreSQL too: it refuses NUL in text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from kotapintar.api import api
from kotapintar.core import services
from kotapintar.core.errors import error_codes
from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"\{[^}]+\}")
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path)
    for path, operations in sorted(SCHEMA["paths"].items())
    if PARAM.search(path)
    for method in operations
]
HOSTILE: dict[str, str] = {
    "nul": quote("a\x00b", safe=""),
    "nul-only": "%00",
    "long": "x" * 5000,
    "unicode": quote("ünïcødé-😀-١٢٣", safe=""),
    "dotdot": "..%2F..%2Fetc%2Fpasswd",
    "dotdot-raw": "..",
    "bad-utf8": "%FF%FE",
    "percent": "%25",
    "quote": quote("' OR 1=1--", safe=""),
    "uuid-ish": "00000000-0000-0000-0000-00000000000g",
    "negative": "-1",
    "huge-int": "9" * 40,
}


@pytest.fixture(scope="module")
def codes() -> set[str]:
    return {e.code for e in error_codes()}


@pytest.fixture
def clients(city: Any, make_user: Any) -> dict[str, Client]:
    admin = make_user(Role.ADMIN_KOTA, username="hostile_admin")
    _token, raw = services.api_token_create(user=admin, name="hostile")
    return {"anonymous": Client(), "admin": Client(headers={"Authorization": f"Bearer {raw}"})}


def _request(client: Client, method: str, path: str) -> Any:
    if method in ("POST", "PUT", "PATCH"):
        return client.generic(method, path, b"{}", content_type="application/json")
    return client.generic(method, path)


def test_every_parametrised_operation_is_covered():
    assert len(OPERATIONS) > 20
    assert all(path.startswith("/api/v1/") for _method, path in OPERATIONS)


def test_the_operations_are_reached(clients):
    """A plain value reaches the handlers (not a 404 of the URL router)."""
    reached = [
        path
        for method, path in OPERATIONS
        if _request(clients["admin"], method, PARAM.sub("x", path)).status_code not in (404, 405)
    ]
    assert len(reached) > len(OPERATIONS) // 4


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_no_hostile_path_parameter_gives_a_5xx(clients, codes, kind):
    value = HOSTILE[kind]
    failures = []
    for who, client in clients.items():
        for method, template in OPERATIONS:
            path = PARAM.sub(value, template)
            response = _request(client, method, path)
            if response.status_code >= 500:
                failures.append((who, method, path[:120], response.status_code))
            elif response.get("Content-Type", "").startswith("application/json"):
                body = response.json()
                if isinstance(body, dict) and "code" in body and body["code"] not in codes:
                    failures.append((who, method, path[:120], body["code"]))
            if kind.startswith("nul") and response.status_code != 404:
                if response.status_code != 422 or response.json().get("code") != "nul_character":
                    failures.append((who, method, path[:120], response.status_code))
    assert not failures, failures
