"""Writes of documents: intake of an uploaded PDF, letters written from the template, revisions."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.urls import reverse

from kotapintar.core import audit, siteurl
from kotapintar.core.models import OPD
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor, User
from kotapintar.esign.documents import Letter, letter_render, pdf_check
from kotapintar.esign.errors import (
    LetterIncomplete,
    NomorRequired,
    NotIncremental,
    PerihalRequired,
    TitleRequired,
    TitleTooLong,
)
from kotapintar.esign.models import Document, DocumentRevision, DocumentSource

CREATOR_ROLES = ("admin_kota", "opd", "penandatangan", "bappeda")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_url(code: str) -> str:
    """The public verification page of a document (printed as a QR code on every stamp)."""
    return siteurl.absolute_url(reverse("esign:verify_code", kwargs={"code": code}))


def _unique_code() -> str:
    while True:
        code = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
        if not Document.objects.filter(code=code).exists():
            return code


def revision_next(
    *, document: Document, last: DocumentRevision | None, pdf: bytes, reason: str, actor: Actor
) -> DocumentRevision:
    """The revision after ``last`` (not saved); every revision after the upload must extend the one before."""
    if last is not None and reason != "upload" and not pdf.startswith(bytes(last.pdf)):
        raise NotIncremental()
    return DocumentRevision(
        document=document,
        seq=(last.seq + 1) if last else 1,
        pdf=pdf,
        sha256=sha256(pdf),
        size=len(pdf),
        reason=reason,
        created_by=actor if is_signed_in(actor) else None,
    )


def revision_add(*, document: Document, pdf: bytes, reason: str, actor: Actor) -> DocumentRevision:
    """Store the next revision; every revision after the upload must extend the one before."""
    last = DocumentRevision.objects.filter(document=document).order_by("-seq").first()
    rev = revision_next(document=document, last=last, pdf=pdf, reason=reason, actor=actor)
    rev.save(force_insert=True)
    return rev


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise TitleRequired()
    if len(title) > 255:
        raise TitleTooLong()
    return title


def _document_create(
    *,
    creator: User,
    code: str,
    title: str,
    number: str,
    source: str,
    opd: OPD | None,
    pdf: bytes,
    audit_action: str,
    audit_data: dict[str, Any],
) -> Document:
    """A new document with ``pdf`` as revision 1, recorded in the audit log (one transaction)."""
    with transaction.atomic():
        doc = Document.objects.create(
            code=code,
            title=title,
            number=number.strip()[:120],
            source=source,
            opd=opd or getattr(getattr(creator, "profile", None), "opd", None),
            created_by=creator,
            original_sha256=sha256(pdf),
        )
        revision_add(document=doc, pdf=pdf, reason="upload", actor=creator)
        audit.record(
            action=audit_action,
            actor=creator,
            obj=doc,
            data={**audit_data, "sha256_after": doc.original_sha256},
        )
        return doc


def document_upload(
    *, actor: Actor, title: str, data: bytes, number: str = "", opd: OPD | None = None
) -> Document:
    """Store an uploaded PDF as revision 1 of a new document (checked: type, size, encryption, structure)."""
    creator = require_role(actor, *CREATOR_ROLES)
    title = _clean_title(title)
    pdf_check(data)
    return _document_create(
        creator=creator,
        code=_unique_code(),
        title=title,
        number=number or "",
        source=DocumentSource.UPLOAD,
        opd=opd,
        pdf=data,
        audit_action="esign.document_upload",
        audit_data={"title": title, "size": len(data)},
    )


def document_generate(*, actor: Actor, letter: Letter, opd: OPD | None = None) -> Document:
    """Render a letter from the template (nomor, perihal, tujuan, isi, penandatangan) and store it."""
    creator = require_role(actor, *CREATOR_ROLES)
    if not letter.nomor.strip():
        raise NomorRequired()
    if not letter.perihal.strip():
        raise PerihalRequired()
    if not letter.isi.strip() or not letter.tujuan.strip() or not letter.penandatangan_nama.strip():
        raise LetterIncomplete()
    code = _unique_code()
    title = _clean_title(letter.perihal)
    return _document_create(
        creator=creator,
        code=code,
        title=title,
        number=letter.nomor,
        source=DocumentSource.TEMPLATE,
        opd=opd,
        pdf=letter_render(letter, verify_url=verify_url(code)),
        audit_action="esign.document_generate",
        audit_data={"nomor": letter.nomor},
    )
