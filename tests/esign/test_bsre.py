"""BSrE client and backend against a local fake Esign Client Service (tests/esign/bsre_fake.py)."""

from __future__ import annotations

import base64
import io
import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kotapintar.esign import bsre, errors
from kotapintar.esign.backends import SignerIdentity, SigningBackend, StampSpec
from kotapintar.esign.errors import OutcomeUnknown, SigningError, WrongPassphrase
from kotapintar.esign.services import get_backend
from tests.esign.bsre_fake import FakeBsre, FakeUser
from tests.lib import pdfmini

NIK = "3375011201800001"
PASS = "frasa-sandi-rahasia-42"
SIGN = bsre.SIGN_PATH
STATUS = bsre.STATUS_PATH


@pytest.fixture(scope="module")
def fake_module() -> Iterator[FakeBsre]:
    fake = FakeBsre()
    yield fake
    fake.close()


@pytest.fixture
def fake(fake_module: FakeBsre, settings: Any) -> FakeBsre:
    """The fake is the BSrE service the server operator configured (so its 127.0.0.1 host is one the
    outbound client may reach)."""
    settings.BSRE_BASE_URL = fake_module.base_url
    fake_module.requests.clear()
    fake_module.sign_delay_s = 0.0
    fake_module.sign_reply = None
    fake_module.users[:] = [
        FakeUser(nik=NIK, email="sekda@pekalongankota.go.id", passphrase=PASS),
        FakeUser(
            nik="3375011201800002",
            email="nocert@pekalongankota.go.id",
            passphrase=PASS,
            status="NO_CERTIFICATE",
        ),
        FakeUser(
            nik="3375011201800003", email="expired@pekalongankota.go.id", passphrase=PASS, status="EXPIRED"
        ),
        FakeUser(
            nik="3375011201800004", email="revoked@pekalongankota.go.id", passphrase=PASS, status="REVOKE"
        ),
    ]
    return fake_module


@pytest.fixture
def client(fake: FakeBsre) -> bsre.BsreClient:
    return bsre.BsreClient(base_url=fake.base_url, username=fake.username, password=fake.password, timeout=5)


@pytest.fixture
def backend(client: bsre.BsreClient) -> bsre.BsreBackend:
    return bsre.BsreBackend(client)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return pdfmini.plain_letter(
        number="800/17/Setda/2026",
        date_text="28 November 2026",
        subject="Surat Keputusan Tim Kota Pintar",
        recipient="Kepala Dinas Komunikasi dan Informatika",
        paragraphs=("Dengan hormat, bersama ini kami sampaikan keputusan tim.",),
        signer_name="Budi Santoso",
        signer_title="Sekretaris Daerah",
    )


def sign_kwargs(**overrides: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "signer": SignerIdentity(name="Budi Santoso", nik=NIK, location="Kota Pekalongan"),
        "passphrase": PASS,
        "field_name": "Signature1",
        "certify": False,
        "stamp": None,
        "level": "B-T",
    }
    kw.update(overrides)
    return kw


def test_backend_conforms_to_the_protocol() -> None:
    backend = bsre.BsreBackend()
    assert isinstance(backend, SigningBackend)
    assert backend.legal_level == "tersertifikasi"
    assert isinstance(get_backend("bsre"), bsre.BsreBackend)


def test_sign_returns_incremental_signed_pdf_that_validates(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes
) -> None:
    signed = backend.sign(document_pdf=pdf, **sign_kwargs())
    assert signed.startswith(pdf)
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=[fake.root]))
    assert status.bottom_line


def test_sign_request_follows_the_documented_shape(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes
) -> None:
    backend.sign(document_pdf=pdf, **sign_kwargs())
    (call,) = fake.calls(SIGN)
    assert (
        call.headers["Authorization"]
        == "Basic " + base64.b64encode(b"agency-pekalongan:rahasia-agency").decode()
    )
    assert call.headers["Content-Type"] == "application/json"
    body = call.body
    assert body["nik"] == NIK and body["passphrase"] == PASS
    assert "email" not in body and "totp" not in body
    assert body["file"] == [base64.b64encode(pdf).decode()]
    (props,) = body["signatureProperties"]
    assert props["tampilan"] == "INVISIBLE"
    assert props["location"] == "Kota Pekalongan"


def test_visible_stamp_sends_image_and_position(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes
) -> None:
    stamp = StampSpec(
        page=1,
        x=340,
        y=60,
        width=210,
        height=80,
        lines=("Budi Santoso", "Sekretaris Daerah"),
        qr_url="https://kota.example/verifikasi/ABC123",
    )
    backend.sign(document_pdf=pdf, **sign_kwargs(stamp=stamp))
    (props,) = fake.calls(SIGN)[0].body["signatureProperties"]
    assert props["tampilan"] == "VISIBLE"
    assert (props["page"], props["originX"], props["originY"], props["width"], props["height"]) == (
        1,
        340,
        60,
        210,
        80,
    )
    assert base64.b64decode(props["imageBase64"]).startswith(b"\x89PNG")


def test_totp_replaces_the_passphrase(backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes) -> None:
    signer = SignerIdentity(name="Budi Santoso", nik=NIK, totp="123456")
    backend.sign(document_pdf=pdf, **sign_kwargs(signer=signer, passphrase=""))
    body = fake.calls(SIGN)[0].body
    assert body["totp"] == "123456" and "passphrase" not in body


def test_wrong_passphrase(backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes) -> None:
    with pytest.raises(bsre.BsreWrongPassphrase) as excinfo:
        backend.sign(document_pdf=pdf, **sign_kwargs(passphrase="salah"))
    assert isinstance(excinfo.value, WrongPassphrase)
    assert excinfo.value.code == "wrong_passphrase"
    assert excinfo.value.bsre_code == 2031
    assert len(fake.calls(SIGN)) == 1


def test_user_not_registered_is_caught_before_any_sign_call(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes
) -> None:
    signer = SignerIdentity(name="Orang Lain", nik="3375019999999999")
    with pytest.raises(errors.BsreNotRegistered) as excinfo:
        backend.sign(document_pdf=pdf, **sign_kwargs(signer=signer))
    assert excinfo.value.code == "bsre_not_registered"
    assert fake.calls(SIGN) == []


def test_user_not_registered_on_the_sign_call_itself(client: bsre.BsreClient, pdf: bytes) -> None:
    with pytest.raises(errors.BsreNotRegistered) as excinfo:
        client.sign_pdf(pdf, nik="3375019999999999", passphrase=PASS)
    assert excinfo.value.bsre_code == 2011


def test_no_certificate(client: bsre.BsreClient, pdf: bytes) -> None:
    with pytest.raises(errors.BsreNoCertificate) as excinfo:
        client.sign_pdf(pdf, nik="3375011201800002", passphrase=PASS)
    assert excinfo.value.bsre_code == 2021


@pytest.mark.parametrize(
    ("nik", "error"),
    [("3375011201800003", bsre.BsreCertificateExpired), ("3375011201800004", bsre.BsreCertificateRevoked)],
)
def test_expired_or_revoked_certificate_is_caught_before_any_sign_call(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes, nik: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        backend.sign(document_pdf=pdf, **sign_kwargs(signer=SignerIdentity(name="X", nik=nik)))
    assert fake.calls(SIGN) == []


@pytest.mark.parametrize(
    ("nik", "code"),
    [("3375011201800003", "certificate_expired"), ("3375011201800004", "certificate_revoked")],
)
def test_expired_or_revoked_certificate_reported_by_the_sign_call(
    client: bsre.BsreClient, pdf: bytes, nik: str, code: str
) -> None:
    with pytest.raises(errors.BsreError) as excinfo:
        client.sign_pdf(pdf, nik=nik, passphrase=PASS)
    assert excinfo.value.code == code


def test_bad_request_from_the_service(client: bsre.BsreClient, fake: FakeBsre, pdf: bytes) -> None:
    props = {
        "tampilan": "VISIBLE",
        "imageBase64": "iVBORw0KGgo=",
        "page": 9,
        "originX": 1,
        "originY": 1,
        "width": 1,
        "height": 1,
    }
    with pytest.raises(errors.BsreBadRequest) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS, properties=props)
    assert excinfo.value.http_status == 400
    assert excinfo.value.bsre_code == 4015


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"", "not_a_pdf"), (b"hello", "not_a_pdf")],
)
def test_bad_input_is_refused_locally(
    client: bsre.BsreClient, fake: FakeBsre, payload: bytes, code: str
) -> None:
    with pytest.raises(errors.BsreBadRequest) as excinfo:
        client.sign_pdf(payload, nik=NIK, passphrase=PASS)
    assert excinfo.value.code == code
    assert fake.requests == []


def test_bad_nik_is_refused_locally(client: bsre.BsreClient, fake: FakeBsre, pdf: bytes) -> None:
    with pytest.raises(errors.BsreBadRequest) as excinfo:
        client.sign_pdf(pdf, nik="12345", passphrase=PASS)
    assert excinfo.value.code == "bad_nik"
    assert fake.requests == []


def test_server_error_with_bsre_error_document_is_a_definite_failure(
    client: bsre.BsreClient, fake: FakeBsre, pdf: bytes
) -> None:
    fake.sign_reply = (
        500,
        json.dumps({"status_code": 5001, "error": "Terjadi kesalahan pada server"}).encode(),
    )
    with pytest.raises(errors.BsreServerError) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)
    assert excinfo.value.code == "bsre_server_error"
    assert len(fake.calls(SIGN)) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_failure_without_error_document_leaves_outcome_unknown(
    client: bsre.BsreClient, fake: FakeBsre, pdf: bytes, status: int
) -> None:
    fake.sign_reply = (status, b"<html><body>Gateway</body></html>")
    with pytest.raises(bsre.BsreOutcomeUnknown) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)
    assert excinfo.value.http_status == status
    assert len(fake.calls(SIGN)) == 1


def test_malformed_success_leaves_outcome_unknown(
    client: bsre.BsreClient, fake: FakeBsre, pdf: bytes
) -> None:
    fake.sign_reply = (200, json.dumps({"time": "10 ms", "file": ["bm90IGEgcGRm"]}).encode())
    with pytest.raises(bsre.BsreOutcomeUnknown):
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)


def test_slow_sign_times_out_as_outcome_unknown_and_is_never_retried(
    fake: FakeBsre, pdf: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    fake.sign_delay_s = 1.5
    client = bsre.BsreClient(
        base_url=fake.base_url, username=fake.username, password=fake.password, timeout=0.4
    )
    backend = bsre.BsreBackend(client)
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()
    with pytest.raises(bsre.BsreOutcomeUnknown) as excinfo:
        backend.sign(document_pdf=pdf, **sign_kwargs())
    assert isinstance(excinfo.value, OutcomeUnknown)
    assert excinfo.value.code == "outcome_unknown"
    assert time.monotonic() - started < 1.5
    time.sleep(1.6)  # long enough for the fake to have answered, and for any retry to have arrived
    assert len(fake.calls(SIGN)) == 1
    assert PASS not in caplog.text
    assert PASS not in str(excinfo.value) and PASS not in repr(excinfo.value)


def test_connection_refused_is_definite_not_unknown(pdf: bytes, settings: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.BSRE_BASE_URL = f"http://127.0.0.1:{port}"
    client = bsre.BsreClient(username="a", password="b", timeout=2)
    with pytest.raises(errors.BsreUnavailable) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)
    assert excinfo.value.code == "bsre_unavailable"
    assert excinfo.value.bsre_message == "ConnectionRefusedError"


def test_only_the_configured_bsre_host_is_reachable_inside(fake: FakeBsre, pdf: bytes, settings: Any) -> None:
    """A client built with another inside URL than BSRE_BASE_URL goes through the outbound guard."""
    settings.BSRE_BASE_URL = "http://10.0.0.5"
    client = bsre.BsreClient(
        base_url=fake.base_url, username=fake.username, password=fake.password, timeout=5
    )
    with pytest.raises(errors.BsreUnavailable) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)
    assert excinfo.value.bsre_message == "OutboundRefused"
    assert fake.calls(SIGN) == []


def test_wrong_agency_credentials(fake: FakeBsre, pdf: bytes) -> None:
    client = bsre.BsreClient(base_url=fake.base_url, username=fake.username, password="keliru", timeout=5)
    with pytest.raises(errors.BsreError) as excinfo:
        client.sign_pdf(pdf, nik=NIK, passphrase=PASS)
    assert excinfo.value.code == "bsre_unauthorised"
    assert excinfo.value.http_status == 401


@pytest.mark.parametrize(
    ("nik", "status", "can_sign"),
    [
        (NIK, "ISSUE", True),
        ("3375019999999999", "NOT_REGISTERED", False),
        ("3375011201800002", "NO_CERTIFICATE", False),
        ("3375011201800003", "EXPIRED", False),
    ],
)
def test_user_status(client: bsre.BsreClient, fake: FakeBsre, nik: str, status: str, can_sign: bool) -> None:
    result = client.user_status(nik=nik)
    assert result.status == status
    assert result.can_sign is can_sign
    assert fake.calls(STATUS)[0].body == {"nik": nik}


def test_user_status_by_email(client: bsre.BsreClient, fake: FakeBsre) -> None:
    assert client.user_status(email="sekda@pekalongankota.go.id").can_sign
    assert fake.calls(STATUS)[0].body == {"email": "sekda@pekalongankota.go.id"}


def test_verify_signed_and_unsigned(backend: bsre.BsreBackend, client: bsre.BsreClient, pdf: bytes) -> None:
    signed = backend.sign(document_pdf=pdf, **sign_kwargs())
    report = client.verify_pdf(signed)
    assert report.conclusion == "VALID" and report.valid
    assert report.signature_count == 1
    (info,) = report.signatures
    assert info.integrity_valid and info.certificate_trusted
    assert info.signature_format == "PAdES-BASELINE-T"
    assert info.timestamp is not None
    unsigned = client.verify_pdf(pdf)
    assert unsigned.conclusion == "NO_SIGNATURE" and unsigned.signature_count == 0


def test_certify_and_blt_are_refused_without_a_request(
    backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes
) -> None:
    with pytest.raises(SigningError) as excinfo:
        backend.sign(document_pdf=pdf, **sign_kwargs(certify=True))
    assert excinfo.value.code == "bsre_certify_unsupported"
    with pytest.raises(SigningError) as excinfo:
        backend.sign(document_pdf=pdf, **sign_kwargs(level="B-LT"))
    assert excinfo.value.code == "bsre_level_unsupported"
    assert fake.requests == []


def test_second_signature_keeps_the_first(backend: bsre.BsreBackend, fake: FakeBsre, pdf: bytes) -> None:
    once = backend.sign(document_pdf=pdf, **sign_kwargs())
    twice = backend.sign(document_pdf=once, **sign_kwargs())
    assert twice.startswith(once)
    sigs = PdfFileReader(io.BytesIO(twice)).embedded_signatures
    assert len(sigs) == 2
    assert all(validate_pdf_signature(s, ValidationContext(trust_roots=[fake.root])).intact for s in sigs)


def test_client_reads_settings(settings: Any, fake: FakeBsre) -> None:
    settings.BSRE_BASE_URL = fake.base_url
    settings.BSRE_USERNAME = fake.username
    settings.BSRE_PASSWORD = fake.password
    settings.BSRE_TIMEOUT_S = 7
    client = bsre.BsreClient()
    assert client.timeout == 7
    assert client.user_status(nik=NIK).can_sign
    assert fake.password not in repr(client)


def test_missing_configuration(settings: Any) -> None:
    settings.BSRE_BASE_URL = ""
    with pytest.raises(errors.BsreNotConfigured):
        bsre.BsreClient()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"signatureInformations": "x"}',
        b'{"signatureInformations": [1]}',
        b'{"signatureInformations": [], "signatureCount": "many"}',
    ],
)
def test_a_verification_report_of_another_shape_is_bsre_bad_response(
    client: bsre.BsreClient, pdf: bytes, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    monkeypatch.setattr(client, "_post", lambda *args, **kwargs: bsre._Response(status=200, body=body))
    with pytest.raises(errors.BsreBadResponse) as excinfo:
        client.verify_pdf(pdf)
    assert excinfo.value.code == "bsre_bad_response"
