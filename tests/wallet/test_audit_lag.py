"""The batched payment audit has a rule (issue 15 item 5): /healthz reports how far behind it is and
turns unhealthy when the oldest unaudited payment is older than WALLET_AUDIT_MAX_LAG_S."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from kotapintar.core import selectors as core_selectors
from kotapintar.core.models import AuditEntry
from kotapintar.wallet import selectors, services
from kotapintar.wallet.models import Merchant, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_payments(merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]) -> None:
    card = funded_card(10_000)
    for i in range(3):
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_token=card.qr_token,
            card_number="",
            amount_idr=100,
            idempotency_key=f"a{i}",
        )


def test_nothing_to_audit_is_no_lag() -> None:
    lag = selectors.payment_audit_lag()
    assert lag["ok"] and lag["lag_s"] == 0 and lag["unaudited"] == 0


@override_settings(WALLET_AUDIT_MAX_LAG_S=600)
def test_the_lag_is_the_age_of_the_oldest_unaudited_payment(three_payments: None) -> None:
    first = Payment.objects.order_by("pk").first()
    assert first is not None
    lag = selectors.payment_audit_lag(now=first.created_at + timedelta(seconds=90))
    assert lag["lag_s"] == 90 and lag["unaudited"] == 3 and lag["ok"]
    late = selectors.payment_audit_lag(now=first.created_at + timedelta(seconds=601))
    assert not late["ok"]


def test_one_audit_entry_per_batch_clears_the_lag(three_payments: None) -> None:
    later = timezone.now() + timedelta(minutes=2)
    assert services.payment_audit_batch(now=later) == 3
    assert AuditEntry.objects.filter(action="wallet.payments_batch").count() == 1
    lag = selectors.payment_audit_lag(now=later)
    assert lag["unaudited"] == 0 and lag["lag_s"] == 0
    assert lag["audited_up_to"] == Payment.objects.order_by("-pk").values_list("pk", flat=True).first()


@override_settings(WALLET_AUDIT_MAX_LAG_S=0)
def test_healthz_answers_503_while_the_audit_is_behind(client: Any, three_payments: None) -> None:
    resp = client.get("/healthz")
    body = resp.json()
    assert resp.status_code == 503
    assert body["failing_checks"] == ["wallet_payment_audit"]
    assert body["checks"]["wallet_payment_audit"]["unaudited"] == 3


def test_healthz_is_healthy_once_audited(client: Any, three_payments: None) -> None:
    services.payment_audit_batch(now=timezone.now() + timedelta(minutes=2))
    status = core_selectors.health()
    assert status["ok"] and status["checks"]["wallet_payment_audit"]["ok"]
