"""The gate without network: scans are queued on the phone (shown as OFFLINE) and uploaded once when
the network is back; uploading again records nothing twice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotapintar.batik import services
from kotapintar.batik.models import CheckIn
from tests.batik.conftest import CARD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_offline_scans_are_queued_then_uploaded_once(
    page, browser_login, staff, event, free_type, fake_wallet
):
    code = services.ticket_issue_free(
        actor=staff, event_code=event.code, ticket_type_code=free_type.code, card_number=CARD
    ).ticket_codes[0]
    browser_login(staff)
    page.goto(f"/batik/gerbang/?acara={event.code}")
    page.fill("#gate-name", "Gerbang Jetayu")
    page.context.set_offline(True)
    page.fill("#ticket-code", code)
    page.click("#check-button")
    expect(page.locator("#scan-result.queued")).to_be_visible()
    expect(page.locator("#net-status")).to_have_class("status red")
    expect(page.locator("#queue-count")).to_have_text("1")
    assert not CheckIn.objects.exists()

    page.context.set_offline(False)
    page.click("#upload-queue")
    expect(page.locator("#queue-count")).to_have_text("0")
    ci = CheckIn.objects.get()
    assert ci.offline and ci.gate == "Gerbang Jetayu"
