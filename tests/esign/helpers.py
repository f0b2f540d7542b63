"""Helpers shared by the esign tests: run a signing workflow, tamper with PDFs."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kotapintar.esign import selectors, services


def sign_in_sequence(
    *, creator: Any, officials: list[Any], pdf: bytes, passphrase: str, title: str = "Surat"
) -> Any:
    doc = services.document_upload(actor=creator, title=title, data=pdf)
    services.workflow_start(
        actor=creator, document=doc, steps=[services.StepSpec(kind="sign", actor=u) for u in officials]
    )
    for user in officials:
        services.document_sign(actor=user, document=doc, passphrase=passphrase)
    doc.refresh_from_db()
    return doc


def latest_pdf(doc: Any) -> bytes:
    return bytes(selectors.revision_latest(doc).pdf)


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one letter of the producer string in the first revision (inside every signed range)."""
    index = pdf.index(b"WeasyPrint")
    data = bytearray(pdf)
    data[index] = ord("V")
    return bytes(data)


def swap_page_content(pdf: bytes, text: bytes = b"DOKUMEN PALSU") -> bytes:
    """Append an incremental update that replaces page 1's content stream."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_ref = writer.find_page_for_modification(0)[1]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 28 Tf 72 700 Td (" + text + b") Tj ET")
    page[generic.NameObject("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nss_db(tmp_path: Path, root_pem: bytes) -> str:
    """A fresh NSS database (for pdfsig) trusting only ``root_pem``."""
    db = tmp_path / "nss"
    db.mkdir()
    (tmp_path / "root.pem").write_bytes(root_pem)
    run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run
    run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "root", "-t", "CT,C,C", "-i", str(tmp_path / "root.pem")],
        check=True,
        capture_output=True,
    )
    return f"sql:{db}"


def site_origin(url: str) -> str:
    """scheme://host:port of ``url`` (the SITE_URL serving the PKI)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def pdfsig_report(tmp_path: Path, pdf: bytes, root: Any) -> str:
    """poppler's ``pdfsig`` output for ``pdf`` with only ``root`` (a cryptography certificate) trusted."""
    from cryptography.hazmat.primitives import serialization

    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    nss = nss_db(tmp_path, root.public_bytes(serialization.Encoding.PEM))
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
    return run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True, check=False).stdout
