"""pyHanko's validator, allowed to fetch, gets CRL and OCSP answers from the platform's own endpoints
(live test server; no outside network)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from kotapintar.esign import pki as pki_mod
from kotapintar.esign import services
from kotapintar.esign.backends import SignerIdentity
from kotapintar.esign.pki_signing import CityPkiBackend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pki(live_server: Any, city: Any, settings: Any) -> services.PkiInitResult:
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    settings.SITE_URL = live_server.url
    return services.pki_init()


def validate_fetching(pdf: bytes, root_der: bytes) -> Any:
    context = ValidationContext(
        trust_roots=[pki_mod.to_asn1_cert(root_der)],
        allow_fetching=True,
        revocation_mode="hard-fail",
        fetcher_backend=RequestsFetcherBackend(),
    )
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(sig, context)


def sign_bb(cert: Any, pdf: bytes, passphrase: str) -> bytes:
    return CityPkiBackend().sign(
        document_pdf=pdf,
        signer=SignerIdentity(name=cert.common_name, certificate_id=cert.pk),
        passphrase=passphrase,
        field_name="TTE",
        certify=True,
        stamp=None,
        level="B-B",
    )


def test_hard_fail_validation_fetches_revocation_from_the_platform(
    pki: services.PkiInitResult, make_official: Any, letter_pdf: Any, passphrase: str
) -> None:
    _user, cert = make_official()
    status = validate_fetching(sign_bb(cert, letter_pdf(), passphrase), bytes(pki.root.cert_der))
    assert status.bottom_line, status.pretty_print_details()


def test_revocation_seen_through_the_endpoints(
    pki: services.PkiInitResult, make_official: Any, letter_pdf: Any, passphrase: str
) -> None:
    _user, cert = make_official()
    signed = sign_bb(cert, letter_pdf(), passphrase)
    services.certificate_revoke(actor=None, certificate=cert, reason="key_compromise")
    status = validate_fetching(signed, bytes(pki.root.cert_der))
    assert not status.trusted
    assert status.revocation_details is not None


def test_pyhanko_http_timestamper_uses_the_platform_tsa(
    pki: services.PkiInitResult, make_official: Any, letter_pdf: Any, passphrase: str, live_server: Any
) -> None:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from kotapintar.esign import verification
    from kotapintar.esign.pki_signing import load_signer, sign_loaded

    _user, cert = make_official()
    signed = sign_loaded(
        document_pdf=letter_pdf(),
        loaded=load_signer(certificate_id=cert.pk, passphrase=passphrase),
        signer=SignerIdentity(name=cert.common_name, certificate_id=cert.pk),
        field_name="TTE",
        certify=True,
        stamp=None,
        level="B-T",
        timestamper=HTTPTimeStamper(f"{live_server.url}/tte/pki/tsa/"),
    )
    report = verification.verify_pdf(signed)
    assert report["valid"]
    assert report["signatures"][0]["timestamp"]["valid"] is True
