"""poppler's pdfsig, with the city root in an NSS database, accepts all three signatures.

The certificates point at the live test server, so pdfsig also asks the platform's OCSP responder.
(With `-no-ocsp`, poppler 22.12 reports a stale NSS error code as "Unknown issue", even for a good chain.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.esign import pki as pki_mod
from kotapintar.esign import services
from tests.esign.helpers import latest_pdf, sign_in_sequence

pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("pdfsig") and shutil.which("certutil")),
        reason="needs poppler-utils and libnss3-tools",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pki(live_server: Any, city: Any, settings: Any) -> services.PkiInitResult:
    """The city PKI with CRL/OCSP/CA URLs on the live test server."""
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    settings.SITE_URL = live_server.url
    return services.pki_init()


def nss_db(tmp_path: Path, root_der: bytes) -> str:
    db = tmp_path / "nss"
    db.mkdir()
    root = tmp_path / "root.pem"
    root.write_bytes(pki_mod.pem(root_der))
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "root", "-t", "CT,C,C", "-i", str(root)],
        check=True,
        capture_output=True,
    )
    return f"sql:{db}"


def test_three_signatures_valid_in_pdfsig(
    pki: services.PkiInitResult,
    make_official: Any,
    make_user: Any,
    opd: Any,
    letter_pdf: Any,
    passphrase: str,
    tmp_path: Path,
) -> None:
    creator = make_user(Role.OPD, opd=opd)
    officials = [make_official()[0] for _ in range(3)]
    doc = sign_in_sequence(creator=creator, officials=officials, pdf=letter_pdf(), passphrase=passphrase)
    path = tmp_path / "signed.pdf"
    path.write_bytes(latest_pdf(doc))
    db = nss_db(tmp_path, bytes(pki.root.cert_der))
    result = subprocess.run(["pdfsig", "-nssdir", db, str(path)], capture_output=True, text=True, timeout=60)
    print(result.stdout, result.stderr)
    out = result.stdout
    assert out.count("Signature Validation: Signature is Valid.") == 3
    assert out.count("Certificate Validation: Certificate is Trusted.") == 3
