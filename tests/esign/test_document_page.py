"""The document page and the public pages as a newcomer reads them: the signed PDF's download button, the
signature's kind and legal status in words, reviewers only from city staff, each check of the verdict
with its own code, and the city root certificate with its fingerprint."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kotapintar.core.models import Role
from kotapintar.esign import services
from kotapintar.esign.errors import NotCityStaff
from tests.esign.helpers import flip_signed_byte, latest_pdf, sign_in_sequence


@pytest.fixture
def signed(make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str) -> Any:
    creator = make_user(Role.OPD, opd=opd)
    official, _cert = make_official()
    return sign_in_sequence(creator=creator, officials=[official], pdf=letter_pdf(), passphrase=passphrase)


def test_signed_pdf_has_a_download_button(signed: Any, login_client: Any) -> None:
    page = login_client(signed.created_by).get(f"/tte/dokumen/{signed.public_id}/").content.decode()
    link = re.search(r'id="download-signed" href="([^"]+)"', page)
    assert link is not None
    assert "Unduh PDF bertanda tangan" in page
    assert login_client(signed.created_by).get(link.group(1)).content == latest_pdf(signed)


def test_kind_and_legal_status_in_words(signed: Any, login_client: Any) -> None:
    page = login_client(signed.created_by).get(f"/tte/dokumen/{signed.public_id}/").content.decode()
    assert "isian formulir yang boleh diisi" in page
    assert "sah secara hukum" in page
    assert "Sertifikasi ·" not in page


def test_reviewer_list_offers_only_city_staff(
    signed: Any, make_user: Any, login_client: Any, letter_pdf: Any, opd: Any
) -> None:
    merchant = make_user(Role.MERCHANT, username="toko_batik")
    staff = make_user(Role.OPD, opd=opd, username="staf_dinas")
    creator = make_user(Role.OPD, opd=opd)
    doc = services.document_upload(actor=creator, title="Draf", data=letter_pdf())
    page = login_client(creator).get(f"/tte/dokumen/{doc.public_id}/").content.decode()
    reviewers = page.split('id="paraf-1"')[1].split("</select>")[0]
    assert staff.username in reviewers
    assert merchant.username not in reviewers


def test_merchant_cannot_be_a_reviewer(make_user: Any, make_official: Any, letter_pdf: Any, opd: Any) -> None:
    merchant = make_user(Role.MERCHANT)
    official, _cert = make_official()
    creator = make_user(Role.OPD, opd=opd)
    doc = services.document_upload(actor=creator, title="Draf", data=letter_pdf())
    steps = [services.StepSpec(kind="paraf", actor=merchant), services.StepSpec(kind="sign", actor=official)]
    with pytest.raises(NotCityStaff):
        services.workflow_start(actor=creator, document=doc, steps=steps)


def test_flipped_byte_says_digest_not_chain(signed: Any, client: Any) -> None:
    bad = SimpleUploadedFile("x.pdf", flip_signed_byte(latest_pdf(signed)), content_type="application/pdf")
    page = client.post("/tte/verifikasi/", {"file": bad}).content.decode()
    assert 'data-conclusion="INVALID"' in page
    assert 'data-check="integrity" data-code="digest_mismatch"' in page
    assert 'data-check="trust" data-code="trusted"' in page


def test_public_page_offers_the_root_with_its_fingerprint(signed: Any, client: Any, pki: Any) -> None:
    page = client.get(f"/tte/verifikasi/{signed.code}").content.decode()
    link = re.search(r'href="([^"]+)" download="root-ca.cer"', page)
    assert link is not None
    der = client.get(link.group(1)).content
    assert der == bytes(pki.root.cert_der)
    fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    assert f'<code id="root-ca-fingerprint">{fingerprint}</code>' in page
