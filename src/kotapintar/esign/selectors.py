"""Reads of the esign app: the PKI, documents, workflows, signatures."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from kotapintar.core.permissions import has_role, is_signed_in, user_opd_id
from kotapintar.core.types import Actor, User
from kotapintar.esign.errors import CaNotFound, CodeNotFound, DocumentNotFound, PkiNotReady, RevisionNotFound
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
        raise PkiNotReady()
    return cert


def cas_get(*kinds: str) -> list[PkiCertificate]:
    """``ca_get`` of each of ``kinds``, in that order, in one query."""
    newest: dict[str, PkiCertificate] = {}
    for cert in PkiCertificate.objects.filter(kind__in=kinds, revocation__isnull=True).order_by(
        "-created_at", "-pk"
    ):
        newest.setdefault(cert.kind, cert)
    if any(kind not in newest for kind in kinds):
        raise PkiNotReady()
    return [newest[kind] for kind in kinds]


def trust_roots_der() -> list[bytes]:
    return [bytes(c.cert_der) for c in PkiCertificate.objects.filter(kind=CertKind.ROOT)]


def ca_certs_der() -> list[bytes]:
    return [
        bytes(c.cert_der)
        for c in PkiCertificate.objects.filter(kind__in=[CertKind.ROOT, CertKind.ISSUING]).order_by("pk")
    ]


def ca_by_public_id(public_id: uuid.UUID | str) -> PkiCertificate:
    cert = PkiCertificate.objects.filter(
        public_id=public_id, kind__in=[CertKind.ROOT, CertKind.ISSUING]
    ).first()
    if cert is None:
        raise CaNotFound()
    return cert


def crl_state_get(ca: PkiCertificate) -> CrlState | None:
    return CrlState.objects.filter(ca=ca).first()


def certificate_by_serial(*, issuer: PkiCertificate, serial: int) -> PkiCertificate | None:
    return (
        PkiCertificate.objects.select_related("revocation").filter(issuer=issuer, serial=str(serial)).first()
    )


def certificate_list(*, kind: str | None = None) -> QuerySet[PkiCertificate]:
    qs = PkiCertificate.objects.select_related("user", "opd", "revocation").order_by("-created_at")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def certificate_for_user(user: Actor) -> PkiCertificate | None:
    """The user's newest official certificate that is neither revoked nor expired."""
    if not is_signed_in(user):
        return None
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


def documents_signed_in_period(*, start: datetime, end: datetime, limit: int = 50) -> list[Document]:
    """Fully signed documents whose last signature falls in [start, end), newest first (evidence for
    the master plan's evaluation pack: their public verification pages)."""
    return list(
        Document.objects.filter(status=DocumentStatus.SIGNED)
        .annotate(last=Max("signatures__signed_at"))
        .filter(last__gte=start, last__lt=end)
        .order_by("-last", "-pk")[:limit]
    )


def document_visible_qs(user: Actor) -> QuerySet[Document]:
    """The documents a user may see: an admin all; others what they created, act on, or their OPD's."""
    qs = Document.objects.select_related("opd", "created_by").order_by("-created_at")
    if has_role(user, "admin_kota"):
        return qs
    if not is_signed_in(user):
        return qs.none()
    opd_id = user_opd_id(user)
    cond = Q(created_by=user) | Q(steps__actor=user)
    if opd_id is not None:
        cond |= Q(opd_id=opd_id)
    return qs.filter(cond).distinct()


def document_list(*, user: Actor) -> QuerySet[Document]:
    return document_visible_qs(user)


def document_get(*, user: Actor, public_id: uuid.UUID | str) -> Document:
    doc = document_visible_qs(user).filter(public_id=public_id).first()
    if doc is None:
        raise DocumentNotFound()
    return doc


def document_by_code(code: str) -> Document:
    doc = Document.objects.filter(code=code).first()
    if doc is None:
        raise CodeNotFound()
    return doc


def revision_latest(document: Document) -> DocumentRevision:
    rev = DocumentRevision.objects.filter(document=document).order_by("-seq").first()
    if rev is None:
        raise RevisionNotFound()
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


def documents_awaiting(user: Actor) -> list[Document]:
    """Documents whose next pending step belongs to the user."""
    if not is_signed_in(user):
        return []
    result = []
    for doc in Document.objects.filter(steps__actor=user, steps__status=StepStatus.PENDING).distinct():
        step = step_current(doc)
        if step is not None and step.actor_id == user.pk and doc.status == "in_progress":
            result.append(doc)
    return result


def signed_per_month_by_opd() -> list[tuple[str, str, int]]:
    """(month "YYYY-MM", OPD short name, documents fully signed that month): counts only, for open
    data. A document counts in the month of its last signature, in the city's time zone."""
    from collections import Counter

    from django.db.models import Max
    from django.utils import timezone

    done = (
        Document.objects.filter(status=DocumentStatus.SIGNED)
        .annotate(last=Max("signatures__signed_at"))
        .exclude(last=None)
        .values_list("last", "opd__short_name")
    )
    counts = Counter((timezone.localtime(last).strftime("%Y-%m"), opd or "") for last, opd in done)
    return [(month, opd, n) for (month, opd), n in sorted(counts.items())]


#: Roles of city staff who may be asked for initials (paraf): not merchants, mentors or council members.
REVIEWER_ROLES = (
    "admin_kota",
    "bappeda",
    "opd",
    "penandatangan",
    "dinas_pariwisata",
    "operator_bpbd",
    "walidata",
)


def reviewer_candidates() -> list[User]:
    """Active city staff, offered as reviewers on the document page."""
    users = User.objects.filter(is_active=True).order_by("username").prefetch_related("groups")
    return [u for u in users if has_role(u, *REVIEWER_ROLES)]


def signer_candidates() -> list[User]:
    """Active signing officials."""
    users = User.objects.filter(is_active=True).order_by("username").prefetch_related("groups")
    return [u for u in users if has_role(u, "penandatangan")]
