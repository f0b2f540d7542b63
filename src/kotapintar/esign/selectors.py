"""Reads of the esign app: the PKI, documents, workflows, signatures."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import NotFound
from kotapintar.core.permissions import has_role, user_opd_id
from kotapintar.esign.models import (
    CertKind,
    CrlState,
    Document,
    DocumentRevision,
    DocumentStatus,
    PkiCertificate,
    StepStatus,
    WorkflowStep,
)


def pki_ready() -> bool:
    return PkiCertificate.objects.filter(kind=CertKind.ROOT).exists()


def ca_get(kind: str) -> PkiCertificate:
    """The current (newest) CA or service certificate of a kind: root, issuing, tsa, ocsp."""
    cert = (
        PkiCertificate.objects.filter(kind=kind, revocation__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if cert is None:
        raise NotFound(_("The city PKI is not initialised (run kotapintar pki-init)."), code="pki_not_ready")
    return cert


def trust_roots_der() -> list[bytes]:
    return [bytes(c.cert_der) for c in PkiCertificate.objects.filter(kind=CertKind.ROOT)]


def ca_certs_der() -> list[bytes]:
    return [
        bytes(c.cert_der)
        for c in PkiCertificate.objects.filter(kind__in=[CertKind.ROOT, CertKind.ISSUING]).order_by("pk")
    ]


def ca_by_public_id(public_id: Any) -> PkiCertificate:
    cert = PkiCertificate.objects.filter(
        public_id=public_id, kind__in=[CertKind.ROOT, CertKind.ISSUING]
    ).first()
    if cert is None:
        raise NotFound(code="ca_not_found")
    return cert


def crl_state_get(ca: PkiCertificate) -> CrlState | None:
    return CrlState.objects.filter(ca=ca).first()


def all_crls_der() -> list[bytes]:
    return [bytes(s.crl_der) for s in CrlState.objects.all() if s.crl_der]


def certificate_by_serial(*, issuer: PkiCertificate, serial: int) -> PkiCertificate | None:
    return (
        PkiCertificate.objects.select_related("revocation").filter(issuer=issuer, serial=str(serial)).first()
    )


def certificate_list(*, kind: str | None = None) -> QuerySet[PkiCertificate]:
    qs = PkiCertificate.objects.select_related("user", "opd", "revocation").order_by("-created_at")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def certificate_for_user(user: Any) -> PkiCertificate | None:
    """The user's newest official certificate that is neither revoked nor expired."""
    now = timezone.now()
    return (
        PkiCertificate.objects.filter(
            kind=CertKind.OFFICIAL,
            user=user,
            revocation__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def signed_document_count() -> int:
    """How many city documents are fully signed (a figure of the TTE quick win; counts only)."""
    return Document.objects.filter(status=DocumentStatus.SIGNED).count()


def document_visible_qs(user: Any) -> QuerySet[Document]:
    qs = Document.objects.select_related("opd", "created_by").order_by("-created_at")
    if has_role(user, "admin_kota"):
        return qs
    from django.db.models import Q

    opd_id = user_opd_id(user)
    cond = Q(created_by=user) | Q(steps__actor=user)
    if opd_id is not None:
        cond |= Q(opd_id=opd_id)
    return qs.filter(cond).distinct()


def document_list(*, user: Any) -> QuerySet[Document]:
    return document_visible_qs(user)


def document_get(*, user: Any, public_id: Any) -> Document:
    doc = document_visible_qs(user).filter(public_id=public_id).first()
    if doc is None:
        raise NotFound(_("Document not found."), code="document_not_found")
    return doc


def document_by_code(code: str) -> Document:
    doc = Document.objects.filter(code=code).first()
    if doc is None:
        raise NotFound(_("No document has this verification code."), code="code_not_found")
    return doc


def revision_latest(document: Document) -> DocumentRevision:
    rev = DocumentRevision.objects.filter(document=document).order_by("-seq").first()
    if rev is None:
        raise NotFound(code="revision_not_found")
    return rev


def revision_list(document: Document) -> QuerySet[DocumentRevision]:
    return DocumentRevision.objects.filter(document=document).order_by("seq").defer("pdf")


def step_list(document: Document) -> QuerySet[WorkflowStep]:
    return WorkflowStep.objects.filter(document=document).select_related("actor").order_by("order")


def step_current(document: Document) -> WorkflowStep | None:
    return (
        WorkflowStep.objects.filter(document=document, status=StepStatus.PENDING)
        .select_related("actor")
        .order_by("order")
        .first()
    )


def documents_awaiting(user: Any) -> list[Document]:
    """Documents whose next pending step belongs to the user."""
    result = []
    for doc in Document.objects.filter(steps__actor=user, steps__status=StepStatus.PENDING).distinct():
        step = step_current(doc)
        if step is not None and step.actor_id == user.pk and doc.status == "in_progress":
            result.append(doc)
    return result
