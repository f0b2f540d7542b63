"""A letter signed with a key in a PKCS#11 token (SoftHSM2), by each path — the web flow (pyHanko's
PKCS#11 signer, B-LT), `esign-sign` and `esign-batch --fast` (the fast signer, B-T) — is valid in the
platform's verifier and in poppler's pdfsig with only the exported root, the OCSP responder running at the
certificate's address (the live test server)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kotapintar.core.models import Role
from kotapintar.esign import services, verification
from tests.esign import test_outside_validators as outside
from tests.esign.conftest import PASSPHRASE
from tests.esign.helpers import latest_pdf

pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("pdfsig") and shutil.which("certutil")),
        reason="needs poppler-utils and libnss3-tools",
    ),
    pytest.mark.django_db(transaction=True),
]

# The city PKI with its CRL/OCSP/CA URLs on the live test server, and what `pki-export` writes.
pki = outside.pki
exported = outside.exported


def batch_fast(creator: Any, official: Any, letter: bytes, monkeypatch: Any) -> bytes:
    doc = services.document_upload(actor=creator, title="Surat massal token", data=letter)
    services.workflow_start(
        actor=creator, document=doc, steps=[services.StepSpec(kind="sign", actor=official)]
    )
    monkeypatch.setenv("TTE_PASS", PASSPHRASE)
    call_command(
        "esign_batch", "--user", official.username, "--passphrase-env", "TTE_PASS", "--fast", "--level", "B-T"
    )
    return latest_pdf(doc)


@pytest.fixture
def signed_with_token_keys(
    client: Any,
    make_token_official: Any,
    make_user: Any,
    opd: Any,
    letter_pdf: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> dict[str, tuple[bytes, int]]:
    """path name -> (signed PDF, number of signatures), every signer's key in the token."""
    creator = make_user(Role.OPD, opd=opd)
    officials = [make_token_official()[0] for _ in range(2)]
    return {
        "web": (outside.web_flow(client, creator, officials, letter_pdf(nomor="1/web-hsm")), 2),
        "esign-sign": (
            outside.cli_single(officials[0], letter_pdf(nomor="2/cli-hsm"), tmp_path, monkeypatch),
            1,
        ),
        "esign-batch-fast": (
            batch_fast(creator, officials[1], letter_pdf(nomor="3/batch-hsm"), monkeypatch),
            1,
        ),
    }


def test_token_signed_letters_are_valid_in_the_platform_verifier(
    signed_with_token_keys: dict[str, tuple[bytes, int]],
) -> None:
    for name, (pdf, count) in signed_with_token_keys.items():
        report = verification.verify_pdf(pdf)
        assert report["valid"], (name, report)
        assert report["signature_count"] == count


def test_token_signed_letters_are_valid_in_pdfsig_with_only_the_exported_root(
    signed_with_token_keys: dict[str, tuple[bytes, int]], exported: Path, tmp_path: Path
) -> None:
    db = outside.nss_db(tmp_path, exported / "root.pem")
    for name, (pdf, count) in signed_with_token_keys.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdfsig", "-nssdir", db, str(path)], capture_output=True, text=True, timeout=60
        )
        out = result.stdout
        assert out.count("Signature Validation: Signature is Valid.") == count, (name, out, result.stderr)
        assert out.count("Certificate Validation: Certificate is Trusted.") == count, (name, out)
