"""The wallet's demo: its payments (past festivals and the everyday ones before the seeding day) are
real ledger transfers, so the ledger invariants hold after seeding on any date."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from kotapintar.wallet import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize(
    "moment", [datetime(2027, 6, 14, 3, 0, tzinfo=UTC), datetime(2031, 11, 30, 16, 30, tzinfo=UTC)]
)
def test_the_seeded_ledger_sums_to_zero_and_no_balance_is_negative(settings, moment):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    with time_machine.travel(moment):
        call_command("seed_demo", "--only", "core", "batik", "wallet", stdout=io.StringIO())
    check = selectors.ledger_check()
    assert check.ok, (check.total_idr, check.negative_accounts, check.mismatched_accounts)
