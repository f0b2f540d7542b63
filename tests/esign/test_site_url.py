"""Addresses follow the deployment: a document signed and a certificate issued under
SITE_URL=http://127.0.0.1:8765 point at 8765, and the deploy check says when the city CA was made
under another SITE_URL."""

from __future__ import annotations

import io
from typing import Any

import segno
from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.core.models import Role
from kotapintar.esign import pki, services
from kotapintar.esign.checks import check_ca_site_url
from kotapintar.esign.stamp import BORDER
from tests.esign.helpers import latest_pdf, sign_in_sequence

SITE = "http://127.0.0.1:8765"


def _drawn_qr_matrix(pdf: bytes) -> tuple[tuple[int, ...], ...]:
    """The QR code painted in the signature stamp, read back module by module from the PDF's
    drawing commands (``c r 1 1 re`` for each dark module, see esign.stamp)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    widget = reader.embedded_signatures[-1].sig_field
    pending = [widget["/AP"]["/N"]]
    while pending:
        xobj = pending.pop()
        data = xobj.data
        if data.startswith(b"0 0 0 rg\n1 0 0 -1 "):
            _setup, origin, *cells = data.split(b"\n")
            n = int(origin.split()[-2]) - BORDER  # 1 0 0 -1 BORDER BORDER+n cm
            dark = {
                (int(c), int(r)) for c, r, *_ in (cell.split() for cell in cells if cell.endswith(b" re"))
            }
            return tuple(tuple(int((c, r) in dark) for c in range(n)) for r in range(n))
        resources = xobj.get("/Resources", {})
        pending.extend(ref.get_object() for ref in resources.get("/XObject", {}).values())
    raise AssertionError("no QR code in the stamp")


def _qr_matrix(text: str) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(bool(m)) for m in row) for row in segno.make(text, error="m", micro=False).matrix)


def test_a_signed_pdfs_qr_code_encodes_the_verification_url_on_site_url(
    settings: Any, make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    settings.SITE_URL = SITE
    official, _cert = make_official()
    creator = make_user(Role.OPD, opd=opd, username="staf")
    doc = sign_in_sequence(creator=creator, officials=[official], pdf=letter_pdf(), passphrase=passphrase)

    expected = f"{SITE}/tte/verifikasi/{doc.code}"
    assert services.verify_url(doc.code) == expected
    drawn = _drawn_qr_matrix(latest_pdf(doc))
    assert drawn == _qr_matrix(expected)
    assert drawn != _qr_matrix(f"http://127.0.0.1:8000/tte/verifikasi/{doc.code}")


def test_a_certificate_issued_under_site_url_carries_its_crl_ocsp_and_ca_urls(
    settings: Any, make_official: Any
) -> None:
    settings.SITE_URL = SITE
    _user, record = make_official()
    cert = pki.load_cert(bytes(record.cert_der))

    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    by_method = {d.access_method: d.access_location.value for d in aia}
    crl = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    issuing = str(record.issuer.public_id)
    assert by_method[AuthorityInformationAccessOID.OCSP] == f"{SITE}/tte/pki/ocsp/"
    assert by_method[AuthorityInformationAccessOID.CA_ISSUERS] == f"{SITE}/tte/pki/ca/{issuing}.cer"
    assert [n.value for p in crl for n in p.full_name] == [f"{SITE}/tte/pki/crl/{issuing}.crl"]


def test_the_deploy_check_warns_when_the_ca_was_made_under_another_site_url(
    settings: Any, pki: services.PkiInitResult
) -> None:
    made_under = settings.SITE_URL
    settings.SITE_URL = SITE
    [warning] = check_ca_site_url()
    assert warning.id == "esign.W001"
    assert made_under in warning.msg and SITE in warning.msg
    assert "issued from now on" in (warning.hint or "")


def test_the_deploy_check_is_silent_when_site_url_is_unchanged(pki: services.PkiInitResult) -> None:
    assert check_ca_site_url() == []


def test_check_deploy_reports_the_ca_site_url(settings: Any, pki: services.PkiInitResult) -> None:
    settings.SITE_URL = SITE
    err = io.StringIO()
    call_command("check", "--deploy", "--tag", "site_url", stderr=err, stdout=io.StringIO())
    assert "esign.W001" in err.getvalue()
