"""Outside validators agree with the platform, for a letter signed by each path (web flow, `esign-sign`,
`esign-batch`), as a recipient would check it with only the root exported by `kotapintar pki-export`:

- poppler's pdfsig with only that root in an NSS database, the OCSP responder running at the address in
  the certificates (the live test server): "Signature is Valid" and "Certificate is Trusted";
- pyHanko with only that root, no network, revocation data from the B-LT signature's DSS: valid;
- `openssl cms -verify` with only that root, the CMS taken from /Contents and the bytes from /ByteRange.

(poppler 22.12 in Debian 12 says "Unknown issue with Certificate" under `-no-ocsp` even for a good chain;
docs/esign.md, "Checking a letter with other validators".)
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from kotapintar.core.models import Role
from kotapintar.esign import services
from tests.esign.conftest import PASSPHRASE
from tests.esign.helpers import latest_pdf

pytestmark = [
    pytest.mark.skipif(
        not (shutil.which("pdfsig") and shutil.which("certutil") and shutil.which("openssl")),
        reason="needs poppler-utils, libnss3-tools and openssl",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pki(live_server: Any, settings: Any, city: Any) -> services.PkiInitResult:
    """The city PKI with CRL/OCSP/CA URLs on the live test server."""
    settings.KEY_ENCRYPTION_KEY = "kek-for-tests-only-0123456789"
    settings.SITE_URL = live_server.url
    return services.pki_init()


@pytest.fixture
def exported(pki: services.PkiInitResult, tmp_path: Path) -> Path:
    """What a recipient downloads: `kotapintar pki-export --out DIR`."""
    out = tmp_path / "export"
    call_command("pki_export", "--out", str(out))
    return out


def nss_db(tmp_path: Path, root_pem: Path) -> str:
    db = tmp_path / "nss"
    db.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "root", "-t", "CT,C,C", "-a", "-i", str(root_pem)],
        check=True,
        capture_output=True,
    )
    return f"sql:{db}"


def web_flow(client: Any, creator: Any, officials: list[Any], letter: bytes) -> bytes:
    """Upload, start the workflow and sign each step through the document page's sign form."""
    doc = services.document_upload(actor=creator, title="Surat web", data=letter)
    services.workflow_start(
        actor=creator, document=doc, steps=[services.StepSpec(kind="sign", actor=u) for u in officials]
    )
    for user in officials:
        client.force_login(user)
        response = client.post(f"/tte/dokumen/{doc.public_id}/tandatangani/", {"passphrase": PASSPHRASE})
        assert response.status_code == 302
    assert doc.signatures.count() == len(officials)
    return latest_pdf(doc)


def cli_single(official: Any, letter: bytes, tmp_path: Path, monkeypatch: Any) -> bytes:
    source, out = tmp_path / "in.pdf", tmp_path / "out-cli.pdf"
    source.write_bytes(letter)
    monkeypatch.setenv("TTE_PASS", PASSPHRASE)
    call_command(
        "esign_sign",
        str(source),
        "--signer",
        official.username,
        "--out",
        str(out),
        "--reason",
        "Mengesahkan surat",
        "--passphrase-env",
        "TTE_PASS",
    )
    return out.read_bytes()


def cli_batch(creator: Any, official: Any, letter: bytes, monkeypatch: Any) -> bytes:
    doc = services.document_upload(actor=creator, title="Surat massal", data=letter)
    steps = [services.StepSpec(kind="sign", actor=official)]
    services.workflow_start(actor=creator, document=doc, steps=steps)
    monkeypatch.setenv("TTE_PASS", PASSPHRASE)
    call_command("esign_batch", "--user", official.username, "--passphrase-env", "TTE_PASS")
    return latest_pdf(doc)


@pytest.fixture
def signed_by_each_path(
    client: Any,
    make_official: Any,
    make_user: Any,
    opd: Any,
    letter_pdf: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> dict[str, tuple[bytes, int]]:
    """path name -> (signed PDF, number of signatures)."""
    creator = make_user(Role.OPD, opd=opd)
    officials = [make_official()[0] for _ in range(3)]
    return {
        "web": (web_flow(client, creator, officials, letter_pdf(nomor="1/web")), 3),
        "esign-sign": (cli_single(officials[0], letter_pdf(nomor="2/cli"), tmp_path, monkeypatch), 1),
        "esign-batch": (cli_batch(creator, officials[1], letter_pdf(nomor="3/batch"), monkeypatch), 1),
    }


def test_pdfsig_with_only_the_exported_root(
    signed_by_each_path: dict[str, tuple[bytes, int]], exported: Path, tmp_path: Path
) -> None:
    db = nss_db(tmp_path, exported / "root.pem")
    for name, (pdf, count) in signed_by_each_path.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        command = ["pdfsig", "-nssdir", db, str(path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        out = result.stdout
        assert out.count("Signature Validation: Signature is Valid.") == count, (name, out, result.stderr)
        assert out.count("Certificate Validation: Certificate is Trusted.") == count, (name, out)


def test_pyhanko_offline_with_only_the_root(
    signed_by_each_path: dict[str, tuple[bytes, int]], exported: Path
) -> None:
    """No CRL or OCSP from the platform and no fetching: the revocation data must come from the file."""
    (_kind, _headers, der) = asn1_pem.unarmor((exported / "root.pem").read_bytes())
    root = asn1_x509.Certificate.load(der)
    for name, (pdf, count) in signed_by_each_path.items():
        reader = PdfFileReader(io.BytesIO(pdf))
        context = {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "hard-fail"}
        sigs = reader.embedded_signatures
        assert len(sigs) == count
        for sig in sigs:
            vc = DocumentSecurityStore.read_dss(reader).as_validation_context(context)
            status = validate_pdf_signature(sig, vc, ts_validation_context=vc)
            assert status.bottom_line, (name, sig.field_name, status.pretty_print_details())
            assert status.trusted and status.timestamp_validity is not None


def test_openssl_cms_verify_with_only_the_root(
    signed_by_each_path: dict[str, tuple[bytes, int]], exported: Path, tmp_path: Path
) -> None:
    for name, (pdf, count) in signed_by_each_path.items():
        sigs = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        assert len(sigs) == count
        for i, sig in enumerate(sigs):
            start1, len1, start2, len2 = sig.byte_range
            content = tmp_path / f"{name}-{i}.bin"
            cms = tmp_path / f"{name}-{i}.p7s"
            content.write_bytes(pdf[start1 : start1 + len1] + pdf[start2 : start2 + len2])
            cms.write_bytes(sig.pkcs7_content)
            result = subprocess.run(
                ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(cms)]
                + ["-content", str(content), "-CAfile", str(exported / "root.pem"), "-out", "/dev/null"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, (name, i, result.stderr)
            assert "Verification successful" in result.stderr


def test_pki_export_writes_root_issuing_and_crls(exported: Path) -> None:
    names = sorted(p.name for p in exported.iterdir())
    assert names == ["issuing.cer", "issuing.crl", "issuing.pem", "root.cer", "root.crl", "root.pem"]
    for name in ("root", "issuing"):
        der = (exported / f"{name}.cer").read_bytes()
        assert asn1_pem.unarmor((exported / f"{name}.pem").read_bytes())[2] == der
        crl = subprocess.run(
            ["openssl", "crl", "-inform", "DER", "-in", str(exported / f"{name}.crl"), "-noout", "-issuer"],
            capture_output=True,
            text=True,
        )
        assert crl.returncode == 0
