"""Top-ups: cash at a booth (posted at once), QRIS (pending until the signed acquirer notification)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotapintar.lib import qris
from kotapintar.wallet import selectors, services
from kotapintar.wallet.errors import BalanceLimit, CardBlocked
from kotapintar.wallet.models import TopUp, Transfer

pytestmark = pytest.mark.django_db
NOTIFY = "/api/v1/wallet/topups/qris/notify"


def _notify(client: Any, payload: dict[str, Any], *, signature: str | None = None) -> Any:
    body = json.dumps(payload).encode()
    sig = services.qris_notify_signature(body) if signature is None else signature
    return client.post(NOTIFY, body, content_type="application/json", headers={"X-Kotapintar-Signature": sig})


def test_cash_topup_is_posted_and_idempotent(operator: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    first = services.topup_cash(
        actor=operator, card_number=card.number, amount_idr=50_000, idempotency_key="t1"
    )
    again = services.topup_cash(
        actor=operator, card_number=card.number, amount_idr=50_000, idempotency_key="t1"
    )
    assert first == again
    assert first.status == "posted" and first.card_balance_idr == 50_000
    assert selectors.card_balance(number=card.number) == 50_000


def test_topup_above_max_balance_is_refused(
    operator: Any, funded_card: Callable[..., Any], settings: Any
) -> None:
    settings.WALLET_MAX_BALANCE_IDR = 120_000
    card = funded_card(100_000)
    with pytest.raises(BalanceLimit):
        services.topup_cash(actor=operator, card_number=card.number, amount_idr=30_000, idempotency_key="t2")
    assert selectors.card_balance(number=card.number) == 100_000


def test_topup_of_blocked_card_is_refused(operator: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    services.card_block(actor=operator, number=card.number)
    with pytest.raises(CardBlocked):
        services.topup_cash(actor=operator, card_number=card.number, amount_idr=10_000, idempotency_key="t3")


def test_qris_topup_is_pending_with_a_valid_dynamic_qris(
    client: Any, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    resp = client.post(
        "/api/v1/wallet/topups/qris",
        {"card_number": card.number, "amount_idr": 75_000},
        content_type="application/json",
        headers={"Idempotency-Key": "q1"},
    )
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["status"] == "pending" and data["card_balance_idr"] is None
    decoded = qris.decode(data["qris_payload"], strict_qris=True)
    assert decoded.dynamic and decoded.amount_idr == 75_000
    assert selectors.card_balance(number=card.number) == 0  # nothing moves before the acquirer confirms


def test_paid_notification_posts_once(client: Any, operator: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=75_000, idempotency_key="q2"
    )
    note = {
        "topup_id": str(topup.topup_id),
        "status": "paid",
        "amount_idr": 75_000,
        "provider_reference": "RRN1",
    }
    first = _notify(client, note)
    again = _notify(client, note)
    assert first.status_code == 200 and again.status_code == 200
    assert first.json()["status"] == "posted"
    assert selectors.card_balance(number=card.number) == 75_000
    assert Transfer.objects.filter(ref_id=topup.topup_id).count() == 1
    assert selectors.ledger_check().ok


def test_forged_notification_is_refused(client: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=75_000, idempotency_key="q3"
    )
    note = {"topup_id": str(topup.topup_id), "status": "paid", "amount_idr": 75_000}
    resp = _notify(client, note, signature="00" * 32)
    assert resp.status_code == 403 and resp.json()["code"] == "invalid_signature"
    assert selectors.card_balance(number=card.number) == 0


def test_wrong_amount_in_notification_is_refused(client: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=75_000, idempotency_key="q4"
    )
    resp = _notify(client, {"topup_id": str(topup.topup_id), "status": "paid", "amount_idr": 1_000_000})
    assert resp.status_code == 422 and resp.json()["code"] == "amount_mismatch"
    assert TopUp.objects.get(public_id=topup.topup_id).status == "pending"


def test_failed_notification_voids(client: Any, funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=75_000, idempotency_key="q5"
    )
    resp = _notify(client, {"topup_id": str(topup.topup_id), "status": "failed"})
    assert resp.json()["status"] == "voided"
    late = _notify(client, {"topup_id": str(topup.topup_id), "status": "paid", "amount_idr": 75_000})
    assert late.status_code == 409 and late.json()["code"] == "topup_already_resolved"
    assert selectors.card_balance(number=card.number) == 0


def test_stale_pending_topups_expire(funded_card: Callable[..., Any]) -> None:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=10_000, idempotency_key="q6"
    )
    assert services.topup_qris_expire(now=timezone.now() + timedelta(minutes=5)) == 0
    assert services.topup_qris_expire(now=timezone.now() + timedelta(hours=1)) == 1
    assert TopUp.objects.get(public_id=topup.topup_id).status == "voided"


def test_qris_topup_is_paid_to_the_configured_city_merchant(
    settings: Any, funded_card: Callable[..., Any]
) -> None:
    settings.WALLET_QRIS_MERCHANT_NAME = "Dompet Kota Uji"
    settings.WALLET_QRIS_MERCHANT_CITY = "BATANG"
    settings.WALLET_QRIS_MERCHANT_NMID = "ID1026999900001"
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=None, card_number=card.number, amount_idr=10_000, idempotency_key="q-city"
    )
    decoded = qris.decode(topup.qris_payload, strict_qris=True)
    assert (decoded.merchant_name, decoded.value("60")) == ("Dompet Kota Uji", "BATANG")
    assert decoded.nmid() == "ID1026999900001"
