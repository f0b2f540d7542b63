"""`kotapintar esign-sign`: one file signed through the web flow's service; bad input refused by code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from asn1crypto import pem
from django.core.management import call_command
from django.core.management.base import CommandError

from kotapintar.core.models import AuditEntry
from kotapintar.esign import verification
from kotapintar.esign.models import Document, SignatureRecord
from tests.esign.conftest import PASSPHRASE

CORPUS = Path(__file__).parent / "corpus"


def sign_file(
    source: Path, out: Path, user: Any, monkeypatch: Any, *extra: str, secret: str = PASSPHRASE
) -> None:
    monkeypatch.setenv("TTE_PASS", secret)
    call_command(
        "esign_sign",
        str(source),
        "--signer",
        user.username,
        "--out",
        str(out),
        "--passphrase-env",
        "TTE_PASS",
        *extra,
    )


def test_signs_with_stamp_code_audit_and_reason(
    make_official: Any, letter_pdf: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    official, _cert = make_official()
    source, out = tmp_path / "surat.pdf", tmp_path / "surat-ttd.pdf"
    source.write_bytes(letter_pdf())
    sign_file(source, out, official, monkeypatch, "--level", "B-T", "--reason", "Mengesahkan")
    record = SignatureRecord.objects.get(signer=official)
    assert record.level == "B-T" and record.certify
    assert out.read_bytes().startswith(source.read_bytes())
    report = verification.verify_pdf(out.read_bytes())
    assert report["valid"]
    assert b"/Reason (Mengesahkan)" in out.read_bytes()
    assert AuditEntry.objects.filter(action="esign.document_sign").count() == 1
    assert record.document.code


def test_wrong_passphrase_leaves_no_document(
    make_official: Any, letter_pdf: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    official, _cert = make_official()
    source = tmp_path / "surat.pdf"
    source.write_bytes(letter_pdf())
    with pytest.raises(CommandError, match="wrong_passphrase"):
        sign_file(source, tmp_path / "out.pdf", official, monkeypatch, secret="salah")
    assert not Document.objects.exists()
    assert not (tmp_path / "out.pdf").exists()


def test_pdf_certified_by_someone_else_is_refused(
    make_official: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    official, _cert = make_official()
    with pytest.raises(CommandError, match="pdf_certified"):
        sign_file(CORPUS / "honest-certified.pdf", tmp_path / "out.pdf", official, monkeypatch)


def test_encrypted_pdf_is_refused(make_official: Any, tmp_path: Path, monkeypatch: Any) -> None:
    official, _cert = make_official()
    source = tmp_path / "enc.pdf"
    source.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</Filter/Standard/V 1/R 2/O(x)/U(x)/P -4>>endobj\n"
        b"trailer<</Root 1 0 R/Encrypt 3 0 R/Size 4>>\n%%EOF\n"
    )
    with pytest.raises(CommandError, match="pdf_encrypted|pdf_broken"):
        sign_file(source, tmp_path / "out.pdf", official, monkeypatch)


def test_pdf_signed_elsewhere_keeps_its_signature_valid(
    make_official: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """An approval signature by someone else: ours is added as an approval signature, theirs stays valid."""
    official, _cert = make_official()
    out = tmp_path / "out.pdf"
    sign_file(CORPUS / "honest-approval-only.pdf", out, official, monkeypatch)
    root = pem.unarmor((CORPUS / "root.pem").read_bytes())[2]
    report = verification.verify_pdf(out.read_bytes(), extra_roots=(root,))
    assert [s["valid"] for s in report["signatures"]] == [True, True], report["signatures"]
    assert SignatureRecord.objects.get(signer=official).certify is False
