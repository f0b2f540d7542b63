"""esign API: documents, workflows, signing (single and batch), certificates, public verification."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, UploadedFile

from kotapintar.core import ratelimit
from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.clientip import client_key
from kotapintar.core.errors import UserNotFound
from kotapintar.core.permissions import has_role, require_login, require_role
from kotapintar.core.schemas import ErrorOut
from kotapintar.core.types import User
from kotapintar.esign import documents, selectors, services, verification
from kotapintar.esign.errors import CertificateNotFound, CodeNotFound, FileTooLarge
from kotapintar.esign.models import Document, PkiCertificate, SignatureRecord
from kotapintar.esign.schemas import (
    BatchIn,
    BatchItemOut,
    CertificateIssueIn,
    CertificateOut,
    DocumentDetailOut,
    DocumentOut,
    LetterIn,
    NoteIn,
    PublicDocumentOut,
    ReasonIn,
    RevokeIn,
    SignatureOut,
    SignIn,
    VerifyReportOut,
    WorkflowIn,
)

router = Router(tags=["esign"])
E = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _doc_out(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.public_id,
        "code": doc.code,
        "title": doc.title,
        "number": doc.number,
        "source": doc.source,
        "status": doc.status,
        "original_sha256": doc.original_sha256,
        "verify_url": services.verify_url(doc.code),
        "created_at": doc.created_at,
    }


def _sig_out(s: SignatureRecord) -> dict[str, Any]:
    return {
        "signer": s.signer_name,
        "title": s.signer_title,
        "field": s.field_name,
        "certify": s.certify,
        "backend": s.backend,
        "legal_level": s.legal_level,
        "level": s.level,
        "signed_at": s.signed_at,
    }


def _detail_out(doc: Document) -> dict[str, Any]:
    return {
        **_doc_out(doc),
        "return_reason": doc.return_reason,
        "steps": [
            {
                "order": s.order,
                "kind": s.kind,
                "actor": s.actor.get_username(),
                "status": s.status,
                "page": s.page,
                "note": s.note,
                "done_at": s.done_at,
            }
            for s in selectors.step_list(doc)
        ],
        "signatures": [_sig_out(s) for s in doc.signatures.order_by("signed_at")],
        "revisions": [
            {"seq": r.seq, "sha256": r.sha256, "size": r.size, "reason": r.reason, "created_at": r.created_at}
            for r in selectors.revision_list(doc)
        ],
    }


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UserNotFound()
    return user


def _cert_out(c: PkiCertificate) -> dict[str, Any]:
    revocation = getattr(c, "revocation", None) if c.is_revoked else None
    return {
        "id": c.public_id,
        "kind": c.kind,
        "common_name": c.common_name,
        "subject": c.subject,
        "serial": c.serial,
        "nip": c.nip,
        "title": c.title,
        "username": c.user.get_username() if c.user else None,
        "not_before": c.not_before,
        "not_after": c.not_after,
        "revoked": revocation is not None,
        "revoked_at": revocation.revoked_at if revocation else None,
    }


@router.get("/documents", response={200: list[DocumentOut], **E}, auth=AUTH, summary="Documents I can see")
def document_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_doc_out(d) for d in selectors.document_list(user=request.user)[:500]]


@router.post(
    "/documents", response={200: DocumentDetailOut, 413: ErrorOut, **E}, auth=AUTH, summary="Upload a PDF"
)
def document_upload(
    request: HttpRequest,
    title: Form[str],
    file: File[UploadedFile],
    number: Form[str] = "",
) -> dict[str, Any]:
    if (file.size or 0) > documents.max_upload_bytes():
        raise FileTooLarge()
    doc = services.document_upload(actor=request.user, title=title, number=number, data=file.read())
    return _detail_out(doc)


@router.post("/documents/letter", response={200: DocumentDetailOut, **E}, auth=AUTH, summary="Write a letter")
def document_letter(request: HttpRequest, payload: LetterIn) -> dict[str, Any]:
    letter = documents.letter_for(
        signer=_user(payload.penandatangan),
        nomor=payload.nomor,
        perihal=payload.perihal,
        tujuan=payload.tujuan,
        isi=payload.isi,
    )
    return _detail_out(services.document_generate(actor=request.user, letter=letter))


def _doc(request: HttpRequest, public_id: UUID) -> Document:
    require_login(request.user)
    return selectors.document_get(user=request.user, public_id=public_id)


@router.get("/documents/{public_id}", response={200: DocumentDetailOut, **E}, auth=AUTH, summary="A document")
def document_detail(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    return _detail_out(_doc(request, public_id))


@router.post(
    "/documents/{public_id}/workflow",
    response={200: DocumentDetailOut, **E},
    auth=AUTH,
    summary="Set the ordered steps (paraf, then signatures) and start",
)
def workflow_start(request: HttpRequest, public_id: UUID, payload: WorkflowIn) -> dict[str, Any]:
    doc = _doc(request, public_id)
    steps = [
        services.StepSpec(kind=s.kind, actor=_user(s.username), page=s.page, x=s.x, y=s.y)
        for s in payload.steps
    ]
    return _detail_out(services.workflow_start(actor=request.user, document=doc, steps=steps))


@router.post(
    "/documents/{public_id}/paraf", response={200: DocumentDetailOut, **E}, auth=AUTH, summary="Initial"
)
def paraf(request: HttpRequest, public_id: UUID, payload: NoteIn) -> dict[str, Any]:
    doc = _doc(request, public_id)
    return _detail_out(services.paraf_approve(actor=request.user, document=doc, note=payload.note))


@router.post(
    "/documents/{public_id}/send-back", response={200: DocumentDetailOut, **E}, auth=AUTH, summary="Send back"
)
def send_back(request: HttpRequest, public_id: UUID, payload: ReasonIn) -> dict[str, Any]:
    doc = _doc(request, public_id)
    return _detail_out(services.document_send_back(actor=request.user, document=doc, reason=payload.reason))


@router.post("/documents/{public_id}/sign", response={200: SignatureOut, **E}, auth=AUTH, summary="Sign")
def sign(request: HttpRequest, public_id: UUID, payload: SignIn) -> dict[str, Any]:
    doc = _doc(request, public_id)
    record = services.document_sign(
        actor=request.user,
        document=doc,
        passphrase=payload.passphrase,
        totp=payload.totp,
        level=payload.level,
    )
    return _sig_out(record)


@router.post(
    "/sign-batch", response={200: list[BatchItemOut], **E}, auth=AUTH, summary="Sign many documents at once"
)
def sign_batch(request: HttpRequest, payload: BatchIn) -> list[dict[str, Any]]:
    require_role(request.user, "penandatangan")
    docs = []
    for public_id in payload.documents:
        docs.append(selectors.document_get(user=request.user, public_id=public_id))
    results = services.document_sign_batch(
        actor=request.user, documents_=docs, passphrase=payload.passphrase, level=payload.level
    )
    return [
        {
            "id": r.document.public_id,
            "code": r.document.code,
            "ok": r.ok,
            "result": r.code,
            "message": r.message,
        }
        for r in results
    ]


@router.get("/certificates", response={200: list[CertificateOut], **E}, auth=AUTH, summary="Certificates")
def certificate_list(request: HttpRequest) -> list[dict[str, Any]]:
    require_login(request.user)
    qs = selectors.certificate_list()
    if not has_role(request.user, "admin_kota"):
        qs = qs.filter(user_id=int(request.user.pk or 0))
    return [_cert_out(c) for c in qs[:500]]


@router.post("/certificates", response={200: CertificateOut, **E}, auth=AUTH, summary="Issue a certificate")
def certificate_issue(request: HttpRequest, payload: CertificateIssueIn) -> dict[str, Any]:
    require_role(request.user, "admin_kota")
    user = _user(payload.username)
    cert = services.certificate_issue(
        actor=request.user, user=user, passphrase=payload.passphrase, years=payload.years
    )
    return _cert_out(cert)


@router.post(
    "/certificates/{public_id}/revoke", response={200: CertificateOut, **E}, auth=AUTH, summary="Revoke"
)
def certificate_revoke(request: HttpRequest, public_id: UUID, payload: RevokeIn) -> dict[str, Any]:
    require_role(request.user, "admin_kota")
    cert = selectors.certificate_list().filter(public_id=public_id).first()
    if cert is None:
        raise CertificateNotFound()
    services.certificate_revoke(
        actor=request.user, certificate=cert, reason=payload.reason, note=payload.note
    )
    cert.refresh_from_db()
    return _cert_out(selectors.certificate_list().get(pk=cert.pk))


@router.post(
    "/verify",
    response={200: VerifyReportOut, 413: ErrorOut, **E},
    auth=PUBLIC,
    summary="Verify an uploaded PDF",
)
def verify(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    ratelimit.check(f"esign-verify:{client_key(request)}", limit=60, window_s=60)
    if (file.size or 0) > documents.max_upload_bytes():
        raise FileTooLarge()
    return verification.verify_pdf(file.read())


@router.get(
    "/verify/{code}",
    response={200: PublicDocumentOut, **E},
    auth=PUBLIC,
    summary="Public verification by code",
)
def verify_code(request: HttpRequest, code: str) -> dict[str, Any]:
    if len(code) > 32:
        raise CodeNotFound()
    doc = selectors.document_by_code(code)
    latest = selectors.revision_latest(doc)
    signatures = list(doc.signatures.order_by("signed_at"))
    return {
        "code": doc.code,
        "title": doc.title,
        "number": doc.number,
        "status": doc.status,
        "sha256": latest.sha256,
        "download_url": reverse("esign:verify_download", kwargs={"code": doc.code}),
        "signers": [
            {
                "name": s.signer_name,
                "title": s.signer_title,
                "signed_at": s.signed_at,
                "legal_level": s.legal_level,
            }
            for s in signatures
        ],
        "report": verification.verify_stored(bytes(latest.pdf), sha256=latest.sha256) if signatures else None,
    }
