"""API fuzzing: schemathesis generates valid and invalid requests for every operation of
/api/v1/openapi.json and fails on any 5xx or any response that breaks its declared schema.

It runs in-process over WSGI as a city administrator (Bearer token), so that authorised code paths are
exercised, not just the 401s, and anonymously, on the Pekalongan reference data.
"""

from __future__ import annotations

import pytest

from kotapintar.core import services
from kotapintar.core.models import Role
from tests.fuzzing import CHECKS, fuzz_settings, schema


@pytest.fixture
def fuzz_headers(city, make_user, keep_db_connection):
    admin = make_user(Role.ADMIN_KOTA, username="fuzz_admin")
    _token, raw = services.api_token_create(user=admin, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@fuzz_settings
def test_api_operation(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@fuzz_settings
def test_api_operation_anonymous(case, city, keep_db_connection):
    """The same without credentials: public operations answer, the others refuse, none fails."""
    case.call_and_validate(checks=CHECKS)
