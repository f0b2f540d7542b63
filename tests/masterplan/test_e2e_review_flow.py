"""In a real browser: one worksheet walks from draft to endorsement through the pages, each step by
the role that owns it (OPD → mentor → Bappeda → Dewan), and the meeting's notulen list it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.click("header form.inline button")
    page.wait_for_load_state("networkidle")


def test_worksheet_from_draft_to_endorsement(
    page, browser_login, worksheet, slot, meeting, opd_user, mentor_user, bappeda_user, dewan_user
):
    url = f"/masterplan/kertas-kerja/{worksheet.public_id}/"

    browser_login(opd_user)
    page.goto(url)
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "draft")
    page.click("#do-submit")
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "submitted")
    expect(page.locator(".msg.success")).to_contain_text("diajukan")
    page.select_option("#slot", str(slot.public_id))
    page.click("#do-book")
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "clinic")
    _sign_out(page)

    browser_login(mentor_user)
    page.goto(url)
    page.select_option("#item", "P-01")
    page.fill("#comment-text", "Indikator outcome perlu target tahunan.")
    page.click("#do-comment")
    expect(page.locator("#comments")).to_contain_text("Indikator outcome perlu target tahunan.")
    # the slot lies two days ahead: no verdict before it starts, unless rescheduled to now (audited)
    expect(page.locator("#do-review")).to_have_count(0)
    expect(page.locator("#slot-not-started")).to_be_visible()
    page.fill("#reschedule-reason", "Klinik dimajukan atas permintaan OPD.")
    page.click("#do-slot-now")
    page.click("#do-review")
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "reviewed")
    _sign_out(page)

    browser_login(bappeda_user)
    page.goto(url)
    page.click("#do-accept")
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "accepted")
    _sign_out(page)

    browser_login(dewan_user)
    page.goto(f"/masterplan/dewan/{meeting.public_id}/")
    expect(page.locator(f"button[data-endorse='{worksheet.public_id}']")).to_have_count(0)
    page.click("#do-meeting-now")
    page.click(f"button[data-endorse='{worksheet.public_id}']")
    expect(page.locator("#endorsed")).to_contain_text("GOV-1")
    page.fill("#attendance", "Wali Kota\nKepala Bappeda")
    page.fill("#decisions", "Kertas kerja disahkan.")
    page.click("#do-notulen")
    expect(page.locator("#notulen")).to_contain_text("Dinkominfo: GOV-1")
    page.goto(url)
    expect(page.locator("#ws-status")).to_have_attribute("data-status", "endorsed")
    expect(page.locator("#history li")).to_have_count(5)
    assert not page.console_errors


def test_public_page_without_login_shows_progress_and_quick_wins(page, worksheet, walk):
    walk(worksheet, "accepted")  # a draft's quick win is not public (test_draft_visibility)
    page.goto("/masterplan/publik/")
    expect(page.locator("#progress-percent")).to_be_visible()
    expect(page.locator("#public-dimensions tr")).to_have_count(6)
    expect(page.locator(".quickwin")).to_have_count(1)
    assert not page.console_errors
