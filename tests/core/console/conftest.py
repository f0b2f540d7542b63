"""Fixtures of the administration console: a signed-in city administrator's client."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def admin_client(login_client: Callable[[Any], Client], admin_user: Any) -> Client:
    return login_client(admin_user)
