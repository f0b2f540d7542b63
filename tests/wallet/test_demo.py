"""The wallet's demo: its payments (past festivals and the everyday ones before the seeding day) are
real ledger transfers, so the ledger invariants hold after seeding on any date."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from kotapintar.wallet import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_seeded_ledger_sums_to_zero_and_no_balance_is_negative(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    with time_machine.travel(datetime(2027, 6, 14, 3, 0, tzinfo=UTC)):  # far from today: no date luck
        call_command("seed_demo", "--only", "core", "batik", "wallet", stdout=io.StringIO())
    check = selectors.ledger_check()
    assert check.ok, (check.total_idr, check.negative_accounts, check.mismatched_accounts)
