"""Fuzz the master plan operations with a plan, a worksheet and a slot present (deeper than the
platform-wide fuzz, which runs on an empty plan list): no 5xx, every response as declared."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from kotapintar.core import services as core_services
from kotapintar.core.models import Role
from kotapintar.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex="/masterplan/"
)
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def fuzz_headers(worksheet, slot, meeting, make_user, keep_db_connection):
    admin = make_user(Role.ADMIN_KOTA, username="fuzz_admin")
    _token, raw = core_services.api_token_create(user=admin, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_masterplan_operation(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
