"""In a real browser: a visitor opens the public event page, buys a ticket with the city card, and the
gate checks it in once and refuses the second scan."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotapintar.batik import services
from kotapintar.batik.models import CheckIn, Ticket
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet import services as wallet

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def museum(city, staff):
    venue = services.venue_upsert(
        actor=None,
        code="museum-batik",
        name="Museum Batik Pekalongan",
        address="Jl. Jetayu No. 1",
        lat=-6.8796,
        lon=109.6768,
    )
    event = services.event_upsert(
        actor=None,
        code="museum-batik-workshop",
        venue_codes=[venue.code],
        name_id="Lokakarya Membatik",
        name_en="Batik Workshop",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=300),
        ongoing=True,
    )
    services.ticket_type_upsert(
        actor=None, event=event, code="dewasa", name_id="Dewasa", name_en="Adult", price_idr=7_000, quota=100
    )
    wallet.merchant_create(
        actor=staff, code="dinparbudpora-tiket", name="Tiket Dinparbudpora", category="tiket"
    )
    wallet.merchant_register_for_event(
        actor=staff, merchant_code="dinparbudpora-tiket", event_code=event.code
    )
    return event


@pytest.fixture
def card(staff):
    info = wallet.card_issue(actor=staff)
    wallet.topup_cash(
        actor=staff, card_number=info.number, amount_idr=25_000, idempotency_key=str(uuid.uuid4())
    )
    return info


def test_visitor_buys_with_the_card_and_the_gate_admits_once(page, browser_login, museum, card, staff):
    # the visitor opens the card on the phone wallet page
    page.goto("/batik/saya/")
    page.fill("#card-number", card.number)
    page.fill("#card-secret", card.qr_token)
    page.click("#card-login button[type=submit]")
    expect(page.locator("#balance")).to_contain_text("25.000")

    # the public event page, then pay with the card
    page.goto(f"/batik/acara/{museum.code}/")
    expect(page.locator("#event-name")).to_have_text("Lokakarya Membatik")
    page.click("li[data-type=dewasa] form.buy-form button[type=submit]")
    code_el = page.locator("#ticket-code")
    expect(code_el).to_be_visible()
    code = code_el.get_attribute("data-code")
    assert Ticket.objects.get().code == code
    assert wallet_selectors.card_balance(number=card.number) == 18_000
    expect(page.locator(".qr svg")).to_be_visible()

    # the gate: typed code, admitted once, refused the second time with where it was first used
    browser_login(staff)
    page.goto(f"/batik/gerbang/?acara={museum.code}")
    page.fill("#gate-name", "Gerbang Museum")
    page.fill("#ticket-code", code)
    page.click("#check-button")
    expect(page.locator("#scan-result.ok")).to_contain_text(code)
    page.fill("#ticket-code", code)
    page.click("#check-button")
    refused = page.locator("#scan-result.refused")
    expect(refused).to_contain_text("Gerbang Museum")
    assert CheckIn.objects.filter(ticket__code=code).count() == 1
    # the refused scan is a 409 the browser logs as a failed resource; nothing else may fail
    assert [e for e in page.console_errors if "409" not in e] == []
