"""In a real browser: upload a PDF → start the workflow → sign with the passphrase → public verification."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kotapintar.core.models import Role
from kotapintar.esign import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_sign_and_verify_publicly(
    page: Any, browser_login: Any, make_user: Any, opd: Any, pki: Any, letter_pdf: Any, tmp_path: Path
) -> None:
    official = make_user(
        Role.PENANDATANGAN, Role.OPD, opd=opd, username="kabag", first_name="Rina", last_name="Wati"
    )
    services.certificate_issue(actor=None, user=official, passphrase="Frasa-Sandi-Uji-9")
    pdf = tmp_path / "surat.pdf"
    pdf.write_bytes(letter_pdf())

    browser_login(official)
    page.goto("/tte/")
    page.click("#upload-link")
    page.fill("#id_title", "Surat Undangan Rapat")
    page.fill("#id_number", "005/001/2026")
    page.set_input_files("#id_file", str(pdf))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Surat Undangan Rapat")

    page.select_option("#sign-1", label="Rina Wati (kabag)")
    page.click("#workflow-form button[type=submit]")
    expect(page.locator("#sign-form")).to_be_visible()

    page.fill("#passphrase", "Frasa-Sandi-Uji-9")
    page.click("#sign-form button[type=submit]")
    expect(page.locator("h1 .status")).to_have_attribute("data-status", "signed")
    expect(page.locator("#signatures")).to_contain_text("Rina Wati")

    verify_href = page.locator("#verify-link").get_attribute("href")
    assert verify_href is not None
    page.context.clear_cookies()  # the public page needs no login
    page.goto(urlsplit(verify_href).path)  # SITE_URL is not the live server: follow the path
    expect(page.locator("#report")).to_have_attribute("data-conclusion", "VALID")
    expect(page.locator("#signers")).to_contain_text("Rina Wati")
    with page.expect_download() as download:
        page.click("#download-original")
    assert download.value.suggested_filename.endswith(".pdf")
    assert not page.console_errors


def test_wrong_passphrase_shows_indonesian_error(
    page: Any, browser_login: Any, make_user: Any, opd: Any, pki: Any, letter_pdf: Any
) -> None:
    official = make_user(Role.PENANDATANGAN, Role.OPD, opd=opd, username="kasubag")
    services.certificate_issue(actor=None, user=official, passphrase="Frasa-Sandi-Uji-9")
    doc = services.document_upload(actor=official, title="Nota", data=letter_pdf())
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    browser_login(official)
    page.goto(f"/tte/dokumen/{doc.public_id}/")
    page.fill("#passphrase", "bukan-ini-sandinya")
    page.click("#sign-form button[type=submit]")
    expect(page.locator(".msg.error")).to_contain_text("Passphrase salah")
