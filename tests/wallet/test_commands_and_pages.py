"""wallet-check, payment audit batches, and the POS / booth / settlement pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kotapintar.core.models import AuditEntry
from kotapintar.wallet import services
from kotapintar.wallet.models import Account, Merchant
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def test_wallet_check_passes_on_a_consistent_ledger(funded_card: Callable[..., Any]) -> None:
    funded_card(10_000)
    out = StringIO()
    call_command("wallet_check", stdout=out)
    assert "ledger OK" in out.getvalue()


def test_wallet_check_fails_when_a_balance_is_tampered_with(funded_card: Callable[..., Any]) -> None:
    card = funded_card(10_000)
    Account.objects.filter(code=f"card:{card.number}").update(balance_idr=99_999)
    with pytest.raises(CommandError) as err:
        call_command("wallet_check", stdout=StringIO())
    assert err.value.returncode == 1


def test_payments_enter_the_audit_chain_in_batches(
    merchant_user: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(10_000)
    for i in range(3):
        services.payment_create(
            actor=merchant_user,
            merchant_code=merchant.code,
            card_number=card.number,
            pin=PIN,
            amount_idr=100,
            idempotency_key=f"a{i}",
        )
    assert services.payment_audit_batch() == 0  # too fresh: could still be in flight elsewhere
    assert services.payment_audit_batch(now=timezone.now() + timedelta(minutes=2)) == 3
    entry = AuditEntry.objects.filter(action="wallet.payments_batch").get()
    assert entry.data["count"] == 3 and entry.data["total_idr"] == 300 and len(entry.data["sha256"]) == 64
    assert services.payment_audit_batch(now=timezone.now() + timedelta(minutes=2)) == 0


def test_pos_page_for_the_merchant_owner_only(
    login_client: Callable[[Any], Any], merchant_user: Any, merchant: Merchant, make_user: Callable[..., Any]
) -> None:
    client = login_client(merchant_user)
    resp = client.get(f"/dompet/kasir/{merchant.code}/")
    assert resp.status_code == 200
    assert "Tagih kartu" in resp.content.decode()
    client.force_login(make_user("merchant", username="pedagang_lain"))
    assert client.get(f"/dompet/kasir/{merchant.code}/").status_code == 404


def test_booth_page_for_operators_only(
    login_client: Callable[[Any], Any], operator: Any, merchant_user: Any
) -> None:
    client = login_client(operator)
    assert "Loket kartu" in client.get("/dompet/loket/").content.decode()
    client.force_login(merchant_user)
    assert client.get("/dompet/loket/").status_code == 404


def test_settlement_csv(login_client: Callable[[Any], Any], operator: Any) -> None:
    resp = login_client(operator).get("/dompet/setelmen.csv?tanggal=2025-11-28")
    assert resp.status_code == 200
    assert resp.content.decode().splitlines()[0].startswith("business_date,merchant_code")


def test_card_qr_svg(
    login_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    resp = login_client(operator).get(f"/dompet/kartu/{card.number}/qr.svg")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/svg+xml"
    assert b"<svg" in resp.content
