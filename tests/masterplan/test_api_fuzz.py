"""Fuzz the master plan operations with a plan, a worksheet and a slot present (deeper than the
platform-wide fuzz, which runs on an empty plan list): no 5xx, every response as declared."""

from __future__ import annotations

import pytest

from kotapintar.core import services as core_services
from kotapintar.core.models import Role
from tests.fuzzing import CHECKS, fuzz_settings
from tests.fuzzing import schema as platform_schema

schema = platform_schema.include(path_regex="/masterplan/")


@pytest.fixture
def fuzz_headers(worksheet, slot, meeting, make_user, keep_db_connection):
    admin = make_user(Role.ADMIN_KOTA, username="fuzz_admin")
    _token, raw = core_services.api_token_create(user=admin, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@fuzz_settings
def test_masterplan_operation(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
