"""Upload checks: not a PDF, encrypted, broken, too large; letters from the template."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pyhanko.pdf_utils.crypt import StandardSecurityHandler
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kotapintar.core.errors import ValidationFailed
from kotapintar.core.models import Role
from kotapintar.esign import documents, services


@pytest.fixture
def creator(make_user: Any, opd: Any) -> Any:
    return make_user(Role.OPD, opd=opd)


def upload(creator: Any, data: bytes) -> Any:
    return services.document_upload(actor=creator, title="Surat", data=data)


def test_not_a_pdf(creator: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        upload(creator, b"PK\x03\x04 this is a zip")
    assert info.value.code == "not_pdf"


def test_broken_pdf(creator: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        upload(creator, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    assert info.value.code == "pdf_broken"


def test_encrypted_pdf(creator: Any, letter_pdf: Any) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(letter_pdf()))
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    fresh = copy_into_new_writer(writer.prev)
    fresh.security_handler = StandardSecurityHandler.build_from_pw("rahasia", "rahasia")
    fresh._assign_security_handler(fresh.security_handler)
    out = io.BytesIO()
    fresh.write(out)
    with pytest.raises(ValidationFailed) as info:
        upload(creator, out.getvalue())
    assert info.value.code == "pdf_encrypted"


def test_too_large(creator: Any, letter_pdf: Any, settings: Any) -> None:
    settings.ESIGN_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationFailed) as info:
        upload(creator, letter_pdf())
    assert info.value.code == "file_too_large"


def test_upload_stores_hash_and_first_revision(creator: Any, letter_pdf: Any) -> None:
    data = letter_pdf()
    doc = upload(creator, data)
    rev = doc.revisions.get()
    assert bytes(rev.pdf) == data
    assert doc.original_sha256 == rev.sha256 == hashlib.sha256(data).hexdigest()


def test_letter_is_generated_with_number_and_subject(creator: Any) -> None:
    doc = services.document_generate(
        actor=creator,
        letter=documents.Letter(
            nomor="005/123/2026",
            perihal="Undangan",
            tujuan="Camat",
            isi="Paragraf satu.\n\nParagraf dua.",
            penandatangan_nama="Budi",
            penandatangan_jabatan="Sekda",
        ),
    )
    assert doc.number == "005/123/2026"
    assert documents.pdf_check(bytes(doc.revisions.get().pdf)).pages == 1


def test_user_without_role_cannot_upload(make_user: Any, letter_pdf: Any) -> None:
    from kotapintar.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(make_user("merchant"), letter_pdf())
