"""At the gate, scanning a city card's QR (instead of a ticket) stamps its batik passport for the venue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotapintar.batik.models import Stamp
from kotapintar.wallet import services as wallet

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_card_qr_at_the_gate_gives_a_venue_stamp_once(page, browser_login, staff, event, venue):
    card = wallet.card_issue(actor=staff)
    browser_login(staff)
    page.goto(f"/batik/gerbang/?acara={event.code}")
    page.select_option("#gate-venue", venue.code)
    page.fill("#ticket-code", card.qr_token)
    page.click("#check-button")
    expect(page.locator("#scan-result.ok")).to_be_visible()
    assert Stamp.objects.get().scope == f"venue:{venue.code}"
    page.fill("#ticket-code", card.qr_token)
    page.click("#check-button")
    expect(page.locator("#scan-result.ok")).to_contain_text("sudah")
    assert Stamp.objects.count() == 1
