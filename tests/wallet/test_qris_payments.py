"""The visitor pays the merchant's dynamic QRIS with the city card (proven by its signed token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kotapintar.lib import qris
from kotapintar.wallet import selectors
from kotapintar.wallet.models import Merchant, Payment
from tests.lib.test_qris import QRIS_SAMPLES
from tests.lib.test_qris_wild import PROMPTPAY

pytestmark = pytest.mark.django_db


def _pay(client: Any, key: str, **body: Any) -> Any:
    return client.post(
        "/api/v1/wallet/payments/qris",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_pay_dynamic_merchant_qris(client: Any, merchant: Merchant, funded_card: Callable[..., Any]) -> None:
    card = funded_card(100_000)
    qr = client.get(
        f"/api/v1/wallet/merchants/{merchant.code}/qris?amount_idr=45000&event_code=pbn-2025"
    ).json()
    assert qr["dynamic"] is True
    resp = _pay(client, "v1", payload=qr["payload"], card_token=card.qr_token)
    assert resp.status_code == 201, resp.json()
    data = resp.json()
    assert data["merchant_code"] == merchant.code and data["event_code"] == "pbn-2025"
    assert data["amount_idr"] == 45_000 and data["card_balance_idr"] == 55_000
    assert Payment.objects.get().method == "qris"
    again = _pay(client, "v1", payload=qr["payload"], card_token=card.qr_token)
    assert again.json()["payment_id"] == data["payment_id"]
    assert selectors.card_balance(number=card.number) == 55_000


def test_static_qris_needs_an_amount(
    client: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(100_000)
    qr = client.get(f"/api/v1/wallet/merchants/{merchant.code}/qris").json()
    assert _pay(client, "v2", payload=qr["payload"], card_token=card.qr_token).status_code == 422
    ok = _pay(client, "v3", payload=qr["payload"], card_token=card.qr_token, amount_idr=5_000)
    assert ok.status_code == 201 and ok.json()["amount_idr"] == 5_000


def test_foreign_or_malformed_qris_is_refused(
    client: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(100_000)
    foreign = _pay(client, "v4", payload=QRIS_SAMPLES[0], card_token=card.qr_token, amount_idr=5_000)
    assert foreign.status_code == 422 and foreign.json()["code"] == "foreign_qris"
    broken = _pay(
        client, "v5", payload=QRIS_SAMPLES[0][:-4] + "0000", card_token=card.qr_token, amount_idr=5_000
    )
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_qris"
    assert broken.json()["detail"]["reason"] == "crc_mismatch"
    assert selectors.card_balance(number=card.number) == 100_000


def test_qris_decode_endpoint(client: Any) -> None:
    ok = client.post(
        "/api/v1/wallet/qris/decode", {"payload": QRIS_SAMPLES[0]}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["merchant_name"] == "Baznas"
    bad = client.post("/api/v1/wallet/qris/decode", {"payload": "000201"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"]["reason"] == "missing_tag"


def test_a_city_merchant_qris_with_a_format_deviation_is_refused(
    client: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    """The decoder takes deviations as warnings; a payment never does (the CRC is right, the amount
    has three decimals)."""
    card = funded_card(100_000)
    payload = client.get(f"/api/v1/wallet/merchants/{merchant.code}/qris?amount_idr=45000").json()["payload"]
    bent = qris.with_crc(payload[:-8].replace("540545000", "540945000.505", 1))
    assert qris.decode(bent, lenient=True).warnings  # decodes with a warning ...
    resp = _pay(client, "v9", payload=bent, card_token=card.qr_token)
    assert resp.status_code == 422 and resp.json()["code"] == "invalid_qris"  # ... but does not pay
    assert resp.json()["detail"]["tag"] == "54"
    assert selectors.card_balance(number=card.number) == 100_000


def test_the_decode_endpoint_reports_deviations_as_warnings(client: Any) -> None:
    resp = client.post("/api/v1/wallet/qris/decode", {"payload": PROMPTPAY}, content_type="application/json")
    assert resp.status_code == 200
    assert [w.split(":")[0] for w in resp.json()["warnings"]] == ["52", "59", "60"]
    strict = client.post(
        "/api/v1/wallet/qris/decode",
        {"payload": PROMPTPAY, "strict_qris": True},
        content_type="application/json",
    )
    assert strict.status_code == 422 and strict.json()["code"] == "invalid_qris"
