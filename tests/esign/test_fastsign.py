"""Fast batch signing (kotapintar.esign.fastsign): output validates, documents differ, tampering shows."""

from __future__ import annotations

import hashlib
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from kotapintar.esign import fastsign
from kotapintar.esign.errors import PdfEncrypted, SigningError
from tests.esign.demo_pki import DemoPki, DemoPkiServer
from tests.esign.helpers import pdfsig_report, site_origin
from tests.lib import pdfmini


@pytest.fixture(scope="module")
def demo_pki() -> DemoPki:
    return DemoPki.generate(crl_base_url="http://pki.test/tte/pki")


@pytest.fixture(scope="module")
def root(demo_pki: DemoPki) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(demo_pki.root.public_bytes(serialization.Encoding.DER))


def make_letter(i: int) -> bytes:
    """A distinct one-page letter (PDF bytes) to sign."""
    return pdfmini.plain_letter(
        number=f"000.1/{i}/Setda/2026",
        date_text=f"{1 + i % 28} November 2026",
        subject=f"Undangan rapat koordinasi ke-{i}",
        recipient="Kepala Dinas Komunikasi dan Informatika Kota Pekalongan",
        paragraphs=(f"Dengan hormat, rapat ke-{i} akan dilaksanakan di Ruang Rapat {i % 5}.",),
        signer_name="Budi Santoso",
        signer_title="Sekretaris Daerah",
        signer_nip="197001011990031001",
    )


def validate(pdf: bytes, root: asn1_x509.Certificate, *, from_dss: bool = False) -> PdfSignatureStatus:
    reader = PdfFileReader(io.BytesIO(pdf))
    (sig,) = reader.embedded_signatures
    if from_dss:
        vc = DocumentSecurityStore.read_dss(reader).as_validation_context(
            {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "hard-fail"}
        )
    else:
        vc = ValidationContext(trust_roots=[root])
    return validate_pdf_signature(sig, vc)


def signer_info(pdf: bytes) -> cms.SignerInfo:
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return sig.signer_info


def test_bb_letters_validate_intact_and_trusted(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    signed = fastsign.sign_batch([make_letter(i) for i in range(3)], signer=demo_pki.signer_key_obj())
    for pdf in signed:
        status = validate(pdf, root)
        assert status.intact and status.valid and status.trusted
        assert status.bottom_line
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_each_document_is_distinct(demo_pki: DemoPki) -> None:
    signed = fastsign.sign_batch([make_letter(i) for i in range(5)], signer=demo_pki.signer_key_obj())
    assert len({hashlib.sha256(pdf).digest() for pdf in signed}) == 5
    message_digests = {
        next(a for a in signer_info(pdf)["signed_attrs"] if a["type"].native == "message_digest")["values"][
            0
        ].native
        for pdf in signed
    }
    assert len(message_digests) == 5
    assert len({signer_info(pdf)["signature"].native for pdf in signed}) == 5


def test_letter_text_is_in_the_page(demo_pki: DemoPki) -> None:
    (pdf,) = fastsign.sign_batch([make_letter(42)], signer=demo_pki.signer_key_obj())
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    content = page["/Contents"].data
    assert b"(000.1/42/Setda/2026)" in content
    assert b"(Undangan rapat koordinasi ke-42)" in content


def test_pades_signed_attributes_have_no_signing_time(demo_pki: DemoPki) -> None:
    (pdf,) = fastsign.sign_batch([make_letter(1)], signer=demo_pki.signer_key_obj())
    types = {attr["type"].native for attr in signer_info(pdf)["signed_attrs"]}
    assert types == {"content_type", "message_digest", "signing_certificate_v2"}
    sig_dict = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].sig_object
    assert sig_dict["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "/M" in sig_dict


def test_byte_flipped_in_signed_range_is_detected(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    (pdf,) = fastsign.sign_batch([make_letter(7)], signer=demo_pki.signer_key_obj())
    tampered = bytearray(pdf)
    at = tampered.index(b"(000.1/7/Setda/2026)") + 7
    tampered[at] = ord("9")
    status = validate(bytes(tampered), root)
    assert not status.intact
    assert not status.bottom_line


def test_page_content_swapped_in_later_update_is_detected(
    demo_pki: DemoPki, root: asn1_x509.Certificate
) -> None:
    (pdf,) = fastsign.sign_batch([make_letter(8)], signer=demo_pki.signer_key_obj())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0]
    forged = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Nomor palsu) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    status = validate(out.getvalue(), root)
    assert status.intact  # the signed revision itself is untouched …
    assert not status.bottom_line  # … but the later change is not allowed


def test_untrusted_root_is_not_trusted(demo_pki: DemoPki) -> None:
    other = DemoPki.generate()
    (pdf,) = fastsign.sign_batch([make_letter(3)], signer=demo_pki.signer_key_obj())
    other_root = asn1_x509.Certificate.load(other.root.public_bytes(serialization.Encoding.DER))
    status = validate(pdf, other_root)
    assert status.intact
    assert not status.trusted


def test_bt_has_a_signature_timestamp_over_the_signature(
    demo_pki: DemoPki, root: asn1_x509.Certificate
) -> None:
    (pdf,) = fastsign.sign_batch(
        [make_letter(4)], signer=demo_pki.signer_key_obj(), level="B-T", timestamper=demo_pki.timestamper()
    )
    info = signer_info(pdf)
    (attr,) = info["unsigned_attrs"]
    assert attr["type"].native == "signature_time_stamp_token"
    tst = attr["values"][0]["content"]["encap_content_info"]["content"].parsed
    imprint = tst["message_imprint"]["hashed_message"].native
    assert imprint == hashlib.sha256(info["signature"].native).digest()
    status = validate(pdf, root)
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_blt_validates_offline_from_the_dss_alone(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    calls: list[str] = []
    opener = demo_pki.crl_opener()

    def counting(url: str) -> bytes:
        calls.append(url)
        return opener(url)

    posted: list[str] = []
    poster = demo_pki.ocsp_poster()

    def counting_post(url: str, body: bytes) -> bytes:
        posted.append(url)
        return poster(url, body)

    revocation = fastsign.fetch_revocation(
        [demo_pki.signer, demo_pki.ca, demo_pki.root, demo_pki.tsa], opener=counting, poster=counting_post
    )
    signed = fastsign.sign_batch(
        [make_letter(i) for i in range(4)],
        signer=demo_pki.signer_key_obj(),
        level="B-LT",
        timestamper=demo_pki.timestamper(),
        revocation=revocation,
    )
    assert sorted(calls) == ["http://pki.test/tte/pki/issuing.crl", "http://pki.test/tte/pki/root.crl"]
    assert posted == ["http://pki.test/tte/pki/ocsp"] * 2  # signer and TSA, once for the whole batch
    for pdf in signed:
        reader = PdfFileReader(io.BytesIO(pdf))
        dss = DocumentSecurityStore.read_dss(reader)
        assert len(dss.crls) == 2
        assert len(dss.ocsps) == 2
        assert len(list(dss.load_certs())) == 4
        status = validate(pdf, root, from_dss=True)
        assert status.bottom_line and status.trusted
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION


def test_revoked_signer_cannot_sign() -> None:
    pki = DemoPki.generate(crl_base_url="http://pki.test/tte/pki")
    pki.revoke(pki.signer, datetime.now(UTC) - timedelta(hours=1))
    revocation = fastsign.fetch_revocation(
        [pki.signer, pki.ca, pki.root, pki.tsa], opener=pki.crl_opener(), poster=pki.ocsp_poster()
    )
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch(
            [make_letter(5)],
            signer=pki.signer_key_obj(),
            level="B-LT",
            timestamper=pki.timestamper(),
            revocation=revocation,
        )
    assert excinfo.value.code == "certificate_revoked"


def test_revocation_known_only_from_ocsp_also_refuses() -> None:
    pki = DemoPki.generate(crl_base_url="http://pki.test/tte/pki")
    pki.revoke(pki.signer, datetime.now(UTC) - timedelta(minutes=1))
    revocation = fastsign.fetch_revocation(
        [pki.signer, pki.ca, pki.tsa], opener=pki.crl_opener(), poster=pki.ocsp_poster()
    )
    only_ocsp = fastsign.RevocationBundle(certs=revocation.certs, ocsps=revocation.ocsps)
    with pytest.raises(SigningError) as excinfo:
        fastsign.check_signer_usable(pki.signer_key_obj(), only_ocsp)
    assert excinfo.value.code == "certificate_revoked"


def test_expired_signer_cannot_sign(demo_pki: DemoPki) -> None:
    later = demo_pki.signer.not_valid_after_utc + timedelta(days=1)
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch([make_letter(6)], signer=demo_pki.signer_key_obj(), clock=lambda: later)
    assert excinfo.value.code == "certificate_expired"


def test_backdated_revocation_found_by_the_validator_makes_the_signature_invalid() -> None:
    pki = DemoPki.generate(crl_base_url="http://pki.test/tte/pki")
    (pdf,) = fastsign.sign_batch([make_letter(5)], signer=pki.signer_key_obj())
    pki.revoke(pki.signer, datetime.now(UTC) - timedelta(hours=1))  # revoked before the signing time
    own_root = asn1_x509.Certificate.load(pki.root.public_bytes(serialization.Encoding.DER))
    vc = ValidationContext(
        trust_roots=[own_root],
        crls=[
            asn1_crl.CertificateList.load(pki.crl("issuing")),
            asn1_crl.CertificateList.load(pki.crl("root")),
        ],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(sig, vc)
    assert status.intact
    assert not status.bottom_line
    assert status.revoked


def test_existing_pdf_bytes_are_signed_incrementally(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    plain = make_letter(9)
    (pdf,) = fastsign.sign_batch([plain], signer=demo_pki.signer_key_obj(), reason="Disetujui")
    assert pdf.startswith(plain)
    status = validate(pdf, root)
    assert status.bottom_line and status.trusted


def test_level_errors() -> None:
    key = DemoPki.generate().signer_key_obj()
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch([make_letter(1)], signer=key, level="B-T")
    assert excinfo.value.code == "tsa_required"
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch([make_letter(1)], signer=key, level="B-X")
    assert excinfo.value.code == "bad_level"
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch(["not a pdf"], signer=key)  # type: ignore[list-item]
    assert excinfo.value.code == "bad_item"


def test_unreachable_crl_is_a_signing_error(demo_pki: DemoPki) -> None:
    def failing(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(SigningError) as excinfo:
        fastsign.fetch_revocation([demo_pki.signer], opener=failing)
    assert excinfo.value.code == "revocation_unavailable"


@pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil")), reason="poppler/NSS tools missing"
)
@pytest.mark.parametrize("level", ["B-B", "B-LT"])
def test_pdfsig_reports_valid_and_trusted(
    served_pki: DemoPki, tmp_path: Path, level: str, settings: Any
) -> None:
    # pdfsig checks the signer with the OCSP responder named in the certificate: a live one here.
    demo_pki = served_pki
    settings.SITE_URL = site_origin(demo_pki.crl_base_url)  # the city PKI is served by the platform
    revocation = fastsign.fetch_revocation([demo_pki.signer, demo_pki.ca, demo_pki.root, demo_pki.tsa])
    (pdf,) = fastsign.sign_batch(
        [make_letter(11)],
        signer=demo_pki.signer_key_obj(),
        level=level,
        timestamper=demo_pki.timestamper(),
        revocation=revocation,
    )
    report = pdfsig_report(tmp_path, pdf, demo_pki.root)
    assert "Signature is Valid." in report
    assert "Certificate is Trusted." in report


def test_existing_empty_field_is_filled(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(make_letter(12)))
    fields.append_signature_field(writer, fields.SigFieldSpec("Pejabat2", on_page=0, box=(300, 60, 500, 120)))
    with_field = io.BytesIO()
    writer.write(with_field)
    (pdf,) = fastsign.sign_batch(
        [with_field.getvalue()], signer=demo_pki.signer_key_obj(), field_name="Pejabat2"
    )
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert sig.field_name == "Pejabat2"
    assert validate_pdf_signature(sig, ValidationContext(trust_roots=[root])).bottom_line


class _TsaServer:
    """An RFC 3161 endpoint over HTTP backed by the in-process TSA (or a deliberately wrong one)."""

    def __init__(self, stamper: fastsign.InProcessTimeStamper, *, tamper_nonce: bool = False) -> None:
        import http.server
        import threading

        from asn1crypto import tsp

        outer = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.requests += 1
                req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
                digest = req["message_imprint"]["hashed_message"].native
                token = cms.ContentInfo.load(stamper(digest))
                if not tamper_nonce:
                    # re-issue with the nonce the client asked for
                    token = cms.ContentInfo.load(stamper.stamp_with_nonce(digest, req["nonce"].native))
                body = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_http_timestamper_against_an_rfc3161_endpoint(
    demo_pki: DemoPki, root: asn1_x509.Certificate, settings: Any
) -> None:
    server = _TsaServer(demo_pki.timestamper())
    settings.OUTBOUND_ALLOW_HOSTS = [site_origin(server.url).split("://")[1]]  # the city TSA, allow-listed
    try:
        (pdf,) = fastsign.sign_batch(
            [make_letter(13)],
            signer=demo_pki.signer_key_obj(),
            level="B-T",
            timestamper=fastsign.HttpTimeStamper(server.url, timeout=5),
        )
    finally:
        server.close()
    status = validate(pdf, root)
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert server.requests == 2  # one to size the placeholder for the batch, one for the document


def test_http_timestamper_does_not_call_an_inside_tsa_nobody_allowed(
    demo_pki: DemoPki, settings: Any
) -> None:
    server = _TsaServer(demo_pki.timestamper())
    settings.SITE_URL = "https://kota.example"
    try:
        with pytest.raises(SigningError) as excinfo:
            fastsign.HttpTimeStamper(server.url, timeout=5)(hashlib.sha256(b"x").digest())
    finally:
        server.close()
    assert excinfo.value.code == "tsa_unavailable"
    assert "loopback" in str(excinfo.value.detail)
    assert server.requests == 0


def test_the_city_tsa_at_site_url_is_reached(demo_pki: DemoPki, settings: Any) -> None:
    server = _TsaServer(demo_pki.timestamper())
    settings.SITE_URL = site_origin(server.url)
    try:
        token = fastsign.HttpTimeStamper(server.url, timeout=5)(hashlib.sha256(b"x").digest())
    finally:
        server.close()
    assert cms.ContentInfo.load(token)["content_type"].native == "signed_data"


def test_revocation_is_not_fetched_from_an_inside_host_nobody_allowed(settings: Any) -> None:
    server = DemoPkiServer()
    try:
        pki = DemoPki.generate(crl_base_url=server.url)
        server.pki = pki
        settings.SITE_URL = "https://kota.example"
        with pytest.raises(SigningError) as excinfo:
            fastsign.fetch_revocation([pki.signer, pki.ca])
    finally:
        server.close()
    assert excinfo.value.code == "revocation_unavailable"
    assert "loopback" in excinfo.value.detail["error"]


def test_http_timestamper_rejects_a_token_for_another_request(demo_pki: DemoPki, settings: Any) -> None:
    server = _TsaServer(demo_pki.timestamper(), tamper_nonce=True)
    settings.SITE_URL = site_origin(server.url)
    try:
        with pytest.raises(SigningError) as excinfo:
            fastsign.HttpTimeStamper(server.url, timeout=5)(hashlib.sha256(b"x").digest())
    finally:
        server.close()
    assert excinfo.value.code == "tsa_mismatch"


@pytest.mark.parametrize("payload", [b"%PDF-1.7\nnot really a pdf", b"hello"])
def test_broken_pdf_is_a_signing_error(demo_pki: DemoPki, payload: bytes) -> None:
    with pytest.raises(SigningError) as excinfo:
        fastsign.sign_batch([payload], signer=demo_pki.signer_key_obj())
    assert excinfo.value.code == "bad_pdf"


def test_encrypted_pdf_is_refused_as_encrypted(demo_pki: DemoPki) -> None:
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    reader = PdfFileReader(io.BytesIO(make_letter(14)))
    writer = copy_into_new_writer(reader)
    writer.encrypt("pemilik", "pengguna")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    assert b"/Encrypt" in encrypted.getvalue()
    with pytest.raises(PdfEncrypted) as excinfo:
        fastsign.sign_batch([encrypted.getvalue()], signer=demo_pki.signer_key_obj())
    assert excinfo.value.code == "pdf_encrypted"


@pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil")), reason="poppler/NSS tools missing"
)
def test_pdfsig_sees_a_revocation_through_the_live_ocsp_responder(tmp_path: Path) -> None:
    server = DemoPkiServer()
    try:
        pki = DemoPki.generate(crl_base_url=server.url)
        server.pki = pki
        (pdf,) = fastsign.sign_batch([make_letter(15)], signer=pki.signer_key_obj())
        pki.revoke(pki.signer, datetime.now(UTC) - timedelta(hours=1))
        report = pdfsig_report(tmp_path, pdf, pki.root)
    finally:
        server.close()
    assert "Signature is Valid." in report
    assert "Certificate has been Revoked." in report


def test_certified_then_approved_both_stay_valid(demo_pki: DemoPki, root: asn1_x509.Certificate) -> None:
    from pyhanko.sign.fields import MDPPerm

    (certified,) = fastsign.sign_batch([make_letter(16)], signer=demo_pki.signer_key_obj(), certify=True)
    (approved,) = fastsign.sign_batch([certified], signer=demo_pki.signer_key_obj(), field_name="Pejabat2")
    first, second = PdfFileReader(io.BytesIO(approved)).embedded_signatures
    vc = ValidationContext(trust_roots=[root])
    assert first.docmdp_level == MDPPerm.FILL_FORMS
    first_status = validate_pdf_signature(first, vc)
    assert first_status.bottom_line and first_status.docmdp_ok
    assert validate_pdf_signature(second, vc).bottom_line


def test_certified_letter_rejects_a_later_content_change(
    demo_pki: DemoPki, root: asn1_x509.Certificate
) -> None:
    (pdf,) = fastsign.sign_batch([make_letter(17)], signer=demo_pki.signer_key_obj(), certify=True)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0]
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (X) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    assert not validate(out.getvalue(), root).bottom_line


@pytest.mark.parametrize("nonce", [None, 0, 2**62 + 5])
@pytest.mark.parametrize("micro", [0, 120000, 5])
def test_tst_info_is_the_der_asn1crypto_writes(nonce: int | None, micro: int) -> None:
    from asn1crypto import tsp

    when = datetime(2026, 12, 7, 12, 30, 5, micro, tzinfo=UTC)
    digest = hashlib.sha256(b"tanda tangan").digest()
    fields: dict[str, Any] = {
        "version": "v1",
        "policy": "1.3.6.1.4.1.99999.1.1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "serial_number": (1 << 95) + 7,
        "gen_time": when,
    }
    if nonce is not None:
        fields["nonce"] = nonce
    policy = bytes(asn1_x509.ObjectIdentifier("1.3.6.1.4.1.99999.1.1").dump())  # any OID writer
    ours = fastsign.tst_info_der(policy=policy, digest=digest, serial=(1 << 95) + 7, when=when, nonce=nonce)
    assert ours == tsp.TSTInfo(fields).dump()


class CountingKey:
    """A key that counts its signatures."""

    def __init__(self, key: Any) -> None:
        self.key, self.calls = key, 0

    @property
    def key_size(self) -> int:
        return int(self.key.key_size)

    def sign(self, data: bytes, pad: Any, algorithm: Any, /) -> bytes:
        self.calls += 1
        return bytes(self.key.sign(data, pad, algorithm))


def test_sizing_the_placeholder_signs_nothing(demo_pki: DemoPki) -> None:
    key, tsa_key = CountingKey(demo_pki.signer_key), CountingKey(demo_pki.tsa_key)
    stamper = fastsign.InProcessTimeStamper(tsa_key, demo_pki.tsa, (demo_pki.ca, demo_pki.root))  # type: ignore[arg-type]
    signer = fastsign.SignerKey(key, demo_pki.signer, (demo_pki.ca, demo_pki.root))
    batch = fastsign.BatchSigner(signer=signer, level="B-T", timestamper=stamper)
    assert (key.calls, tsa_key.calls) == (0, 0)
    batch.sign(make_letter(9))
    assert (key.calls, tsa_key.calls) == (1, 1)


def test_a_tsa_dry_run_is_as_long_as_a_token_and_issues_none(demo_pki: DemoPki) -> None:
    when = datetime(2026, 12, 7, 12, 30, 5, 123456, tzinfo=UTC)
    stamper = fastsign.InProcessTimeStamper(
        demo_pki.tsa_key, demo_pki.tsa, (demo_pki.ca, demo_pki.root), clock=lambda: when
    )
    digest = hashlib.sha256(b"tanda tangan").digest()

    def serial(token: bytes) -> int:
        info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
        return int(info["serial_number"].native)

    first = stamper(digest)
    assert len(stamper.dry_run(digest)) == len(first)
    assert serial(stamper(digest)) == serial(first) + 1
