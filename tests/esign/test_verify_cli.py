"""`kotapintar esign-verify` says valid for an intact document and invalid, with the reason, when tampered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kotapintar.core.models import Role
from kotapintar.esign import pki
from kotapintar.esign.backends import LEVEL_BT, SignerIdentity
from kotapintar.esign.pki_signing import LoadedSigner, sign_loaded
from kotapintar.esign.services import certificate_revoke
from tests.esign.helpers import flip_signed_byte, latest_pdf, sign_in_sequence, swap_page_content


def run_verify(path: Path, capsys: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(SystemExit) as exit_info:
        call_command("esign_verify", str(path), "--json")
    out = capsys.readouterr().out
    return int(exit_info.value.code or 0), json.loads(out)


@pytest.fixture
def signed_pdf(make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str) -> bytes:
    creator = make_user(Role.OPD, opd=opd)
    official, _cert = make_official()
    doc = sign_in_sequence(creator=creator, officials=[official], pdf=letter_pdf(), passphrase=passphrase)
    return latest_pdf(doc)


def test_intact_document_exits_zero(signed_pdf: bytes, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "ok.pdf"
    path.write_bytes(signed_pdf)
    code, report = run_verify(path, capsys)
    assert code == 0
    assert report["conclusion"] == "VALID"


def test_flipped_byte_is_invalid(signed_pdf: bytes, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "flip.pdf"
    path.write_bytes(flip_signed_byte(signed_pdf))
    code, report = run_verify(path, capsys)
    sig = report["signatures"][0]
    assert code == 1
    assert sig["intact"] is False
    assert "digest_mismatch" in sig["problems"]
    assert sig["reasons"]


def test_swapped_page_content_is_invalid(signed_pdf: bytes, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "swap.pdf"
    path.write_bytes(swap_page_content(signed_pdf))
    code, report = run_verify(path, capsys)
    sig = report["signatures"][0]
    assert code == 1
    assert sig["intact"] is True  # the signed bytes themselves are untouched
    assert sig["modification"]["changes_allowed"] is False
    assert "modified_after_signing" in sig["problems"]


def test_signature_with_certificate_revoked_before_signing_is_invalid(
    make_official: Any, letter_pdf: Any, passphrase: str, tmp_path: Path, capsys: Any
) -> None:
    _user, cert = make_official()
    certificate_revoke(actor=None, certificate=cert, reason="key_compromise")
    # The platform refuses to sign with it; an attacker holding the key signs outside the platform.
    key = pki.decrypt_key(pki.official_key_pem(bytes(cert.key_pem)), passphrase.encode())
    forged = sign_loaded(
        document_pdf=letter_pdf(),
        loaded=LoadedSigner(cert, key),
        signer=SignerIdentity(name=cert.common_name, certificate_id=cert.pk),
        field_name="Sig",
        certify=True,
        stamp=None,
        level=LEVEL_BT,
    )
    path = tmp_path / "revoked.pdf"
    path.write_bytes(forged)
    code, report = run_verify(path, capsys)
    sig = report["signatures"][0]
    assert code == 1
    assert sig["revocation"]["status"] == "revoked_before_signing"
    assert "revoked_before_signing" in sig["problems"]


def test_not_a_pdf_exits_two(tmp_path: Path, capsys: Any, pki: Any) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"hello")
    code, report = run_verify(path, capsys)
    assert code == 2
    assert report["code"] == "not_pdf"


def test_extra_trust_roots_file_is_trusted(
    signed_pdf: bytes, tmp_path: Path, settings: Any, make_official: Any
) -> None:
    from kotapintar.esign import verification

    other_root = pki.build_root(common_name="PSrE Uji Root")
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.pem(other_root.cert_der))
    settings.ESIGN_TRUST_ROOTS_FILE = str(bundle)
    subjects = [c.subject.human_friendly for c in verification.extra_trust_roots()]
    assert any("PSrE Uji Root" in s for s in subjects)
    assert verification.verify_pdf(signed_pdf)["valid"]


CORPUS = Path(__file__).parent / "corpus"


def test_trust_root_option_adds_an_anchor(pki: Any, capsys: Any) -> None:
    """A file signed under another root: untrusted without it, valid with `--trust-root root.pem`."""
    path = CORPUS / "honest-certified.pdf"
    code, report = run_verify(path, capsys)
    assert code == 1
    assert report["signatures"][0]["checks"]["trust"]["code"] == "untrusted"
    with pytest.raises(SystemExit) as exit_info:
        call_command("esign_verify", str(path), "--json", "--trust-root", str(CORPUS / "root.pem"))
    report = json.loads(capsys.readouterr().out)
    assert exit_info.value.code == 0
    assert report["signatures"][0]["checks"]["trust"]["code"] == "trusted"


def test_unreadable_trust_root_exits_two(pki: Any, tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"not a certificate")
    with pytest.raises(SystemExit) as exit_info:
        call_command("esign_verify", str(CORPUS / "honest-certified.pdf"), "--trust-root", str(bad))
    assert exit_info.value.code == 2
    assert "not a certificate" in capsys.readouterr().err
