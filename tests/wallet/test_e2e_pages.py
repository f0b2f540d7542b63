"""The POS and booth pages in a real browser, including a payment whose answer is lost on the way
back: the page shows it as pending, retries with the same Idempotency-Key and resolves it — one
payment, never two, never none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from kotapintar.wallet import selectors
from kotapintar.wallet.models import Merchant, Payment
from tests.wallet.conftest import PIN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pos_charges_a_scanned_card(
    page: Any,
    browser_login: Callable[[Any], Any],
    merchant_user: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(100_000)
    browser_login(merchant_user)
    page.goto(f"/dompet/kasir/{merchant.code}/")
    page.fill("#amount", "35000")
    page.fill("#card", card.qr_token)
    # the scanner checks the Ed25519 signature offline with the published city key
    expect(page.locator("#card-note")).to_contain_text("Tanda tangan diperiksa luring")
    page.click("#pay")
    expect(page.locator("#result")).to_contain_text("Rp65.000")
    expect(page.locator("#result")).to_contain_text("Lunas")
    assert selectors.card_balance(number=card.number) == 65_000
    assert not page.console_errors


def test_pos_resolves_a_payment_whose_answer_was_lost(
    page: Any,
    browser_login: Callable[[Any], Any],
    merchant_user: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(100_000)
    browser_login(merchant_user)
    keys: list[str] = []

    def drop_first_answer(route: Any) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the server books the payment ...
            route.abort("connectionreset")  # ... but the answer never reaches the POS
        else:
            route.continue_()

    page.route("**/api/v1/wallet/payments", drop_first_answer)
    page.goto(f"/dompet/kasir/{merchant.code}/")
    page.fill("#amount", "20000")
    page.fill("#card", card.number)
    page.fill("#card-secret", PIN)  # a typed number needs the holder's PIN
    page.click("#pay")
    expect(page.locator("#result")).to_contain_text("Selesai setelah dicoba ulang", timeout=15_000)
    expect(page.locator("#result")).to_contain_text("Rp80.000")
    assert len(keys) >= 2 and len(set(keys)) == 1  # retried with the same key
    assert Payment.objects.count() == 1
    assert selectors.card_balance(number=card.number) == 80_000


def test_pos_warns_about_a_forged_token(
    page: Any,
    browser_login: Callable[[Any], Any],
    merchant_user: Any,
    merchant: Merchant,
    funded_card: Callable[..., Any],
) -> None:
    card = funded_card(100_000)
    other = funded_card(0)
    browser_login(merchant_user)
    page.goto(f"/dompet/kasir/{merchant.code}/")
    prefix, kid, _number, sig = card.qr_token.split(".")
    page.fill("#card", f"{prefix}.{kid}.{other.number}.{sig}")
    expect(page.locator("#card-note")).to_contain_text("tidak ditandatangani")
    page.fill("#amount", "1000")
    page.click("#pay")
    expect(page.locator("#result")).to_contain_text("Kode QR kartu tidak sah")
    assert Payment.objects.count() == 0


def test_booth_issues_and_tops_up_a_card(
    page: Any, browser_login: Callable[[Any], Any], operator: Any
) -> None:
    browser_login(operator)
    page.goto("/dompet/loket/")
    page.click("#issue")
    number = page.locator("#issued-number")
    expect(number).to_be_visible()
    issued = number.inner_text()
    page.fill("#topup-amount", "50000")
    page.click("#topup")
    expect(page.locator("#result")).to_contain_text("Rp50.000")
    expect(page.locator("#card-balance")).to_have_text("Rp50.000")
    assert selectors.card_balance(number=issued) == 50_000
    assert not page.console_errors


def test_booth_qris_topup_stays_pending_until_the_acquirer_confirms(
    page: Any, browser_login: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    from django.core.management import call_command

    from kotapintar.wallet.models import TopUp

    card = funded_card(0)
    browser_login(operator)
    page.goto("/dompet/loket/")
    page.fill("#card", card.number)
    page.fill("#topup-amount", "25000")
    page.click("#topup-qris")
    expect(page.locator("#topup-qris-status")).to_contain_text("Menunggu")
    expect(page.locator("#topup-qris-img")).to_be_visible()
    page.wait_for_timeout(2500)
    assert selectors.card_balance(number=card.number) == 0  # nothing before the acquirer confirms
    topup = TopUp.objects.get()
    call_command("wallet_qris_simulate", str(topup.public_id))
    expect(page.locator("#topup-qris-status")).to_contain_text("Rp25.000", timeout=10_000)
    assert selectors.card_balance(number=card.number) == 25_000
