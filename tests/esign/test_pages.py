"""Pages of the TTE module answer in Indonesian; verification pages are public."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kotapintar.core.models import Role
from tests.esign.helpers import latest_pdf, sign_in_sequence, swap_page_content


def test_index_needs_login(client: Any) -> None:
    assert client.get("/tte/").status_code == 302


def test_pages_render_for_a_signer(login_client: Any, make_official: Any) -> None:
    official, _cert = make_official()
    browser = login_client(official)
    for url in (
        "/tte/",
        "/tte/dokumen/unggah/",
        "/tte/dokumen/buat-surat/",
        "/tte/tandatangani-massal/",
        "/tte/sertifikat/",
    ):
        response = browser.get(url)
        assert response.status_code == 200, url


def test_letter_form_creates_and_routes_to_signer(
    login_client: Any, make_official: Any, make_user: Any, opd: Any
) -> None:
    official, _cert = make_official()
    creator = make_user(Role.OPD, opd=opd)
    response = login_client(creator).post(
        "/tte/dokumen/buat-surat/",
        {
            "nomor": "1/2026",
            "perihal": "Undangan",
            "tujuan": "Camat",
            "isi": "Isi surat.",
            "penandatangan": official.pk,
        },
    )
    assert response.status_code == 302
    assert "Undangan" in login_client(official).get("/tte/").content.decode()


def test_public_code_page_without_login(
    client: Any, make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official()
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    page = client.get(f"/tte/verifikasi/{doc.code}").content.decode()
    assert 'data-conclusion="VALID"' in page
    assert "Verifikasi dokumen" in page
    download = client.get(f"/tte/verifikasi/{doc.code}/unduh")
    assert download["Content-Type"] == "application/pdf"
    assert download.content == latest_pdf(doc)


def test_unknown_code_is_404(client: Any, pki: Any) -> None:
    assert client.get("/tte/verifikasi/tidakada").status_code == 404


def test_upload_verification_shows_invalid_for_swapped_content(
    client: Any, make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, _cert = make_official()
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    bad = SimpleUploadedFile("x.pdf", swap_page_content(latest_pdf(doc)), content_type="application/pdf")
    page = client.post("/tte/verifikasi/", {"file": bad}).content.decode()
    assert 'data-conclusion="INVALID"' in page
    assert "tidak diizinkan" in page


def test_upload_verification_rejects_non_pdf_with_message(client: Any, pki: Any) -> None:
    bad = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    page = client.post("/tte/verifikasi/", {"file": bad}).content.decode()
    assert "bukan PDF" in page


def test_batch_page_signs_the_chosen_documents(
    login_client: Any, make_official: Any, letter_pdf: Any, passphrase: str
) -> None:
    from kotapintar.esign import services
    from kotapintar.esign.models import DocumentStatus

    official, _cert = make_official()
    docs = []
    for i in range(2):
        doc = services.document_upload(actor=official, title=f"S{i}", data=letter_pdf(nomor=f"{i}/X"))
        services.workflow_start(
            actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
        )
        docs.append(doc)
    page = login_client(official).post(
        "/tte/tandatangani-massal/", {"documents": [str(d.public_id) for d in docs], "passphrase": passphrase}
    )
    assert page.status_code == 200
    assert "2 dari 2 dokumen ditandatangani" in page.content.decode()
    for doc in docs:
        doc.refresh_from_db()
        assert doc.status == DocumentStatus.SIGNED


def test_public_page_reflects_a_revocation_at_once(
    client: Any, make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kotapintar.esign import services

    official, cert = make_official()
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    assert 'data-conclusion="VALID"' in client.get(f"/tte/verifikasi/{doc.code}").content.decode()
    # key compromise discovered later, dated back before the signature
    services.certificate_revoke(
        actor=None,
        certificate=cert,
        reason="key_compromise",
        revoked_at=timezone.now() - dt.timedelta(days=1),
    )
    page = client.get(f"/tte/verifikasi/{doc.code}").content.decode()
    assert 'data-conclusion="INVALID"' in page
    assert "dicabut sebelum ditandatangani" in page
