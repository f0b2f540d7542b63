"""In a real browser, at 1366 px and at 390 px: the public page explains its percentage (weights labelled
"bobot", the method section), Bappeda downloads the evaluation pack with the button on the evaluation
page and finds the send-back button on a worksheet the mentor passed; nothing scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kotapintar.masterplan.models import Worksheet, WorksheetStatus
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ["KP_SCREENSHOT_DIR"]) if os.environ.get("KP_SCREENSHOT_DIR") else None


def _fits(page, width: int, name: str) -> None:
    page.wait_for_load_state("networkidle")
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("width", [1366, 390])
def test_public_page_explains_the_percentage(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/masterplan/publik/")
    expect(page.locator("#progress-done li").first).to_contain_text("bobot")
    page.click("#method-link")
    expect(page.locator("#metode")).to_be_in_viewport()
    expect(page.locator("#method-stages tr")).to_have_count(7)  # head, Tahap I–IV, worksheets, total
    expect(page.locator("#method-notes li").first).to_contain_text("berbobot")
    _fits(page, width, "publik")
    assert not page.console_errors


@pytest.mark.parametrize("width", [1366, 390])
def test_bappeda_downloads_the_evaluation_pack_and_can_send_back(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "bappeda")
    page.goto("/masterplan/evaluasi/")
    page.select_option("#pack-period", "2020-S2")
    page.select_option("#pack-format", "docx")
    with page.expect_download() as download:
        page.click("#do-evaluation-pack")
    assert download.value.suggested_filename == "evaluasi-smart-city-2020-S2.docx"
    _fits(page, width, "evaluasi")
    reviewed = Worksheet.objects.filter(plan=demo, status=WorksheetStatus.REVIEWED).first()
    assert reviewed is not None
    page.goto(f"/masterplan/kertas-kerja/{reviewed.public_id}/")
    expect(page.locator("#do-send-back")).to_be_visible()
    _fits(page, width, "kertas-kerja")
    assert not page.console_errors
