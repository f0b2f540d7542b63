"""Uploaded PDFs through the signing services: the fast batch at B-LT, and PDF/A inputs."""

from __future__ import annotations

import io
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from kotapintar.esign import selectors, services, verification
from kotapintar.esign.models import CertKind, DocumentStatus
from kotapintar.esign.pdfincr import inspect as services_inspect
from tests.esign.helpers import latest_pdf
from tests.esign.test_pdfincr import classic_letter, with_xmp


def _waiting(official: Any, pdf: bytes) -> Any:
    doc = services.document_upload(actor=official, title="Surat unggahan", data=pdf)
    services.workflow_start(
        actor=official, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    return doc


def test_fast_batch_blt_validates_offline_from_its_dss(waiting: Any, passphrase: str, caplog: Any) -> None:
    official, docs = waiting
    results = services.document_sign_batch(
        actor=official, documents_=docs, passphrase=passphrase, level="B-LT", fast=True
    )
    assert all(r.ok for r in results), [r.message for r in results]
    assert "signing with pyHanko" not in caplog.text
    root = asn1_x509.Certificate.load(bytes(selectors.ca_get(CertKind.ROOT).cert_der))
    for doc in docs:
        reader = PdfFileReader(io.BytesIO(latest_pdf(doc)))
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(
            {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "hard-fail"}
        )
        (sig,) = reader.embedded_signatures
        assert validate_pdf_signature(sig, context).bottom_line
        assert verification.verify_pdf(latest_pdf(doc))["valid"]


def test_pdfa_level_a_is_refused_at_signing(make_official: Any, passphrase: str) -> None:
    official, _cert = make_official("sekda")
    doc = _waiting(official, with_xmp(classic_letter(), "2", "A"))
    (result,) = services.document_sign_batch(actor=official, documents_=[doc], passphrase=passphrase)
    assert (result.ok, result.code) == (False, "pdfa_accessible")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS


def test_pdfa_2b_is_signed_without_the_visible_stamp(make_official: Any, passphrase: str) -> None:
    official, _cert = make_official("sekda")
    doc = _waiting(official, with_xmp(classic_letter(), "2", "B"))
    services.document_sign(actor=official, document=doc, passphrase=passphrase, level="B-B")
    reader = PdfFileReader(io.BytesIO(latest_pdf(doc)))
    (sig,) = reader.embedded_signatures
    assert sig.sig_field["/AP"]["/N"].data == b""  # no stamp drawn: no font PDF/A would need embedded
    assert verification.verify_pdf(latest_pdf(doc))["valid"]
    assert services_inspect(latest_pdf(doc)).pdfa == "2B"


def test_a_stamped_signature_is_drawn_on_a_plain_pdf(make_official: Any, passphrase: str) -> None:
    official, _cert = make_official("sekda")
    doc = _waiting(official, classic_letter())
    services.document_sign(actor=official, document=doc, passphrase=passphrase, level="B-B")
    (sig,) = PdfFileReader(io.BytesIO(latest_pdf(doc))).embedded_signatures
    assert sig.sig_field["/AP"]["/N"].data != b""
