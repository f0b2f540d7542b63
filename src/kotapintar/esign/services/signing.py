"""Writes of signing: the signing of a workflow step, batch signing, and settling an unknown outcome.

A backend (``get_backend``: the city PKI or BSrE) signs; a failure is one of the ``SigningError`` rows
of ``kotapintar.esign.errors`` and leaves no new revision and the step open. The batch may use the fast
signer (``fastsign``), which falls back to pyHanko only for the failures named in ``FAST_FALLBACK``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NotRequired, Protocol, TypedDict, Unpack

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.core import audit, localtime, ratelimit
from kotapintar.core.errors import DomainError
from kotapintar.core.notifications import notify
from kotapintar.core.permissions import require_role
from kotapintar.core.selectors import city_get_or_none
from kotapintar.core.types import Actor, User
from kotapintar.esign import pdfincr, pki, selectors, verification
from kotapintar.esign.backends import (
    LEVEL_BB,
    LEVEL_BLT,
    LEVEL_BT,
    LEVELS,
    SignerIdentity,
    SigningBackend,
    StampSpec,
    backend_name,
)
from kotapintar.esign.bsre import BsreBackend
from kotapintar.esign.errors import (
    BadLevel,
    BadPdf,
    NoCertificate,
    NoDocuments,
    NotTheSignedRevision,
    NotUnknown,
    OutcomeUnknown,
    PassphraseLocked,
    PassphraseRequired,
    PdfaAccessible,
    PdfBroken,
    PlaceholderTooSmall,
    UnknownBackend,
    WrongPassphrase,
)
from kotapintar.esign.models import (
    CertKind,
    Document,
    DocumentStatus,
    PkiCertificate,
    SignatureRecord,
    StepKind,
    StepStatus,
    WorkflowStep,
)
from kotapintar.esign.pki_signing import CityPkiBackend, fast_signer, load_signer, sign_loaded
from kotapintar.esign.services.documents import document_upload, revision_add, verify_url
from kotapintar.esign.services.workflow import (
    StepSpec,
    detail_url,
    notify_next,
    step_current_for,
    step_open_locked,
    workflow_start,
)

logger = logging.getLogger(__name__)

#: Wrong passphrases a signer may enter in PASSPHRASE_WINDOW_S before signing locks until the window
#: passes. Only wrong entries count: an official signing all day is never locked out.
PASSPHRASE_ATTEMPTS = 10
PASSPHRASE_WINDOW_S = 300

#: What the fast batch signer may refuse that pyHanko's own path still signs: a PDF its strict parser
#: rejects (pyHanko reads leniently, ``strict=False``), and a signature larger than the space it
#: reserved. Anything else it raises — a programming error above all — propagates.
FAST_FALLBACK: tuple[type[DomainError], ...] = (BadPdf, PlaceholderTooSmall)


class SignArgs(TypedDict):
    """What a sign function is given for one document (keywords)."""

    document_pdf: bytes
    signer: SignerIdentity
    field_name: str
    certify: bool
    stamp: StampSpec | None
    level: str


class SignFn(Protocol):
    """Sign one document's current revision; returns the new revision (the whole file)."""

    def __call__(self, **kw: Unpack[SignArgs]) -> bytes: ...


def get_backend(name: str | None = None) -> SigningBackend:
    """The configured signing backend (``ESIGN_BACKEND``: ``citypki`` or ``bsre``)."""
    chosen = (name or backend_name()).strip().lower()
    if chosen == "bsre":
        return BsreBackend()
    if chosen == "citypki":
        return CityPkiBackend()
    raise UnknownBackend(detail={"backend": chosen})


def signing_level() -> str:
    level = str(getattr(settings, "ESIGN_LEVEL", "") or LEVEL_BLT).strip().upper()
    return level if level in LEVELS else LEVEL_BLT


def _stamp_for(step: WorkflowStep, doc: Document, identity: SignerIdentity) -> StampSpec:
    when = timezone.localtime().strftime("%d-%m-%Y %H:%M ") + localtime.abbreviation()
    lines = [identity.name]
    if identity.title:
        lines.append(identity.title)
    lines.append(f"Ditandatangani {when}")
    return StampSpec(
        page=step.page,
        x=step.x,
        y=step.y,
        width=step.width,
        height=step.height,
        lines=tuple(lines),
        qr_url=verify_url(doc.code),
    )


DEFAULT_REASON = "Menyetujui dokumen"
MAX_REASON_CHARS = 200


def _identity(user: User, cert: PkiCertificate | None, reason: str = "") -> SignerIdentity:
    profile = getattr(user, "profile", None)
    return SignerIdentity(
        name=(cert.common_name if cert else user.get_full_name() or user.get_username()),
        title=(cert.title if cert else getattr(profile, "jabatan", "")),
        nip=(cert.nip if cert else getattr(profile, "nip", "")),
        opd=(cert.opd.name if cert and cert.opd else ""),
        email=user.email or "",
        certificate_id=cert.pk if cert else None,
        reason=(reason or "").strip()[:MAX_REASON_CHARS] or DEFAULT_REASON,
        location=city.name if (city := city_get_or_none()) is not None else "",
    )


def _signer_certificate(user: User) -> PkiCertificate:
    cert = selectors.certificate_for_user(user)
    if cert is None:
        latest = (
            PkiCertificate.objects.filter(kind=CertKind.OFFICIAL, user=user).order_by("-created_at").first()
        )
        if latest is not None:
            pki.certificate_check_usable(latest)  # says revoked or expired
        raise NoCertificate()
    return cert


def _inspect(pdf: bytes) -> tuple[bool, str]:
    """Whether ``pdf`` already carries signatures, and its PDF/A declaration ("2B", "" if none).

    ``pdfincr`` reads only the structures involved; pyHanko's full parse is the fallback."""
    try:
        info = pdfincr.inspect(pdf)
    except pdfincr.Unsupported:
        return bool(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures), ""
    return bool(info.signed_fields) or info.docmdp is not None, info.pdfa


def _check_level(level: str | None, backend: SigningBackend) -> str:
    """The level asked for (or configured); a remote provider (BSrE) adds no validation data: B-T."""
    level = level or signing_level()
    if level not in LEVELS:
        raise BadLevel()
    if backend.name != "citypki" and level == LEVEL_BLT:
        level = LEVEL_BT
    return level


def _step_done(doc: Document, step: WorkflowStep, now: dt.datetime) -> None:
    """Close the step; the document is signed when no step is left open."""
    step.status = StepStatus.DONE
    step.done_at = now
    step.save(update_fields=["status", "done_at"])
    if not WorkflowStep.objects.filter(document=doc, status=StepStatus.PENDING).exists():
        doc.status = DocumentStatus.SIGNED
        doc.save(update_fields=["status", "updated_at"])


class SignJob(TypedDict):
    """One signature to make: who signs which document, through what, at which level."""

    user: User
    document: Document
    backend: SigningBackend
    cert: PkiCertificate | None
    sign_fn: SignFn
    level: str
    reason: NotRequired[str]


def _sign_locked(
    *,
    user: User,
    document: Document,
    backend: SigningBackend,
    cert: PkiCertificate | None,
    sign_fn: SignFn,
    level: str,
    reason: str = "",
) -> SignatureRecord:
    """Lock the document, check it is the signer's turn and sign (inside the caller's transaction)."""
    doc = Document.objects.select_for_update().get(pk=document.pk)
    step = step_current_for(user, doc, StepKind.SIGN)
    latest = selectors.revision_latest(doc)
    signed_before, pdfa = _inspect(bytes(latest.pdf))
    if pdfa.endswith("A"):
        raise PdfaAccessible(detail={"pdfa": pdfa})
    # Certification must be the first signature of the file: an uploaded PDF that is already signed
    # elsewhere gets approval signatures only.
    certify = (
        backend.supports_certification
        and not SignatureRecord.objects.filter(document=doc).exists()
        and not signed_before
    )
    identity = _identity(user, cert, reason)
    new_pdf = sign_fn(
        document_pdf=bytes(latest.pdf),
        signer=identity,
        field_name=step.field_name,
        certify=certify,
        # A PDF/A file is signed without the visible stamp: pyHanko draws it with a font it does not
        # embed, which PDF/A forbids; the invisible signature keeps PDF/A-1b/2b/3b conformance.
        stamp=None if pdfa else _stamp_for(step, doc, identity),
        level=level,
    )
    rev = revision_add(document=doc, pdf=new_pdf, reason="signature", actor=user)
    now = timezone.now()
    record = SignatureRecord.objects.create(
        document=doc,
        step=step,
        revision=rev,
        certificate=cert,
        signer=user,
        signer_name=identity.name,
        signer_title=identity.title,
        field_name=step.field_name,
        certify=certify,
        backend=backend.name,
        legal_level=backend.legal_level,
        level=level,
        signed_at=now,
    )
    _step_done(doc, step, now)
    audit.record(
        action="esign.document_sign",
        actor=user,
        obj=doc,
        data={
            "step": step.order,
            "field": step.field_name,
            "certify": certify,
            "backend": backend.name,
            "legal_level": backend.legal_level,
            "level": level,
            "certificate_serial": cert.serial if cert else "",
            "sha256_before": latest.sha256,
            "sha256_after": rev.sha256,
        },
    )
    notify_next(doc)
    if doc.status == DocumentStatus.SIGNED and doc.created_by is not None:
        notify(
            recipients=[doc.created_by],
            message=str(_("Document “%(title)s” is fully signed.") % {"title": doc.title}),
            url=detail_url(doc),
            kind="esign",
        )
    return record


def _sign_in_transaction(**job: Unpack[SignJob]) -> SignatureRecord:
    """Lock the document, check it is the signer's turn and sign: all or nothing.

    A call whose outcome is unknown (BSrE timed out) marks the document for an operator; a PDF the
    backend cannot read is reported as the intake reports it (``pdf_broken``).
    """
    try:
        with transaction.atomic():
            return _sign_locked(**job)
    except OutcomeUnknown as exc:
        user, document = job["user"], job["document"]
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(status=DocumentStatus.UNKNOWN)
            audit.record(
                action="esign.sign_outcome_unknown", actor=user, obj=document, data={"code": exc.code}
            )
        raise OutcomeUnknown() from exc
    except BadPdf as exc:
        raise PdfBroken() from exc


@sensitive_variables("passphrase")
def _backend_sign_fn(backend: SigningBackend, passphrase: str, totp: str = "") -> SignFn:
    """Sign through the backend itself (BSrE, or the city PKI opening the key on each call)."""

    def sign(**kw: Unpack[SignArgs]) -> bytes:
        if totp:
            kw["signer"] = replace(kw["signer"], totp=totp)
        return backend.sign(passphrase=passphrase, **kw)

    return sign


def _passphrase_key(user: User) -> str:
    return f"esign-sign:{user.pk}"


def _passphrase_guard(user: User) -> None:
    """Refuse to try a passphrase while the signer's wrong entries fill the window."""
    if ratelimit.is_limited(_passphrase_key(user), limit=PASSPHRASE_ATTEMPTS, window_s=PASSPHRASE_WINDOW_S):
        raise PassphraseLocked()


def _passphrase_wrong(user: User) -> None:
    """Count one wrong passphrase against the signer's limit."""
    ratelimit.hit(_passphrase_key(user), limit=PASSPHRASE_ATTEMPTS, window_s=PASSPHRASE_WINDOW_S)


@sensitive_variables("passphrase")
def document_sign(
    *,
    actor: Actor,
    document: Document,
    passphrase: str,
    totp: str = "",
    level: str | None = None,
    reason: str = "",
) -> SignatureRecord:
    """The current signer signs: certification first (DocMDP P2), approval signatures after.

    All or nothing: a wrong passphrase, a revoked certificate or a backend failure leaves no new
    revision and the step open. The passphrase is passed to the backend and forgotten. ``reason``
    (at most 200 characters) is written into the signature; default "Menyetujui dokumen".
    """
    user = require_role(actor, "penandatangan")
    backend = get_backend()
    level = _check_level(level, backend)
    if not passphrase and not totp:
        raise PassphraseRequired()
    _passphrase_guard(user)
    cert = _signer_certificate(user) if backend.name == "citypki" else None

    sign_fn = _backend_sign_fn(backend, passphrase, totp)
    try:
        return _sign_in_transaction(
            user=user,
            document=document,
            backend=backend,
            cert=cert,
            sign_fn=sign_fn,
            level=level,
            reason=reason,
        )
    except WrongPassphrase:
        _passphrase_wrong(user)
        raise


@sensitive_variables("passphrase")
def document_sign_file(
    *,
    actor: Actor,
    title: str,
    data: bytes,
    passphrase: str,
    level: str | None = None,
    reason: str = "",
) -> SignatureRecord:
    """One official signs one PDF on their own (``kotapintar esign-sign``): the file is uploaded as a
    document of theirs, given a one-step workflow and signed through ``document_sign``, so it gets the
    same checks, stamp, verification code and audit entries as the web flow.

    The passphrase is checked before anything is stored (city PKI), so a wrong one leaves no document.
    A PDF certified by someone else is refused (``pdf_certified``); one with approval signatures keeps
    them valid and gets an approval signature.
    """
    user = require_role(actor, "penandatangan")
    backend = get_backend()
    level = _check_level(level, backend)
    if not passphrase:
        raise PassphraseRequired()
    _passphrase_guard(user)
    if backend.name == "citypki":
        cert = _signer_certificate(user)
        try:
            load_signer(certificate_id=cert.pk, passphrase=passphrase)
        except WrongPassphrase:
            _passphrase_wrong(user)
            raise
    with transaction.atomic():
        doc = document_upload(actor=user, title=title, data=data)
        workflow_start(actor=user, document=doc, steps=[StepSpec(kind=StepKind.SIGN, actor=user)])
    return document_sign(actor=user, document=doc, passphrase=passphrase, level=level, reason=reason)


@dataclass
class BatchItemResult:
    document: Document
    ok: bool
    code: str
    message: str


@sensitive_variables("passphrase")
def _batch_sign_fn(
    *, backend: SigningBackend, user: User, passphrase: str, level: str, fast: bool
) -> tuple[PkiCertificate | None, SignFn]:
    """The batch's sign function: the key is decrypted once (city PKI) and the TSA engine reused."""
    if backend.name != "citypki":
        # A remote provider (BSrE): one sign call per document with the passphrase entered once.
        return None, _backend_sign_fn(backend, passphrase)
    cert = _signer_certificate(user)
    loaded = load_signer(certificate_id=cert.pk, passphrase=passphrase)
    stamper = pki.city_timestamper() if level != LEVEL_BB else None
    fast_fn = fast_signer(loaded, level) if fast else None

    def local(**kw: Unpack[SignArgs]) -> bytes:
        if fast_fn is not None:
            try:
                return fast_fn(
                    document_pdf=kw["document_pdf"],
                    field_name=kw["field_name"],
                    certify=kw["certify"],
                    reason=kw["signer"].reason,
                    location=kw["signer"].location,
                )
            except FAST_FALLBACK as exc:
                logger.warning("fast batch signer refused (%s); signing with pyHanko", exc.code)
        return sign_loaded(loaded=loaded, timestamper=stamper, **kw)

    return cert, local


@sensitive_variables("passphrase")
def document_sign_batch(
    *,
    actor: Actor,
    documents_: list[Document],
    passphrase: str,
    level: str | None = None,
    progress: Callable[[Document], object] | None = None,
    fast: bool = False,
) -> list[BatchItemResult]:
    """Sign N documents with one passphrase entry: the key is decrypted once and the TSA engine reused.
    Each document is its own transaction; one failure does not touch the others.

    ``fast=True`` signs with ``fastsign`` at any level (``pdfincr`` appends the update to the uploaded
    file; B-LT embeds the validation data made once for the batch): the same certification/approval
    logic, but without a visible stamp appearance. A document the fast signer refuses for a reason
    in ``FAST_FALLBACK`` is signed on the pyHanko path."""
    user = require_role(actor, "penandatangan")
    backend = get_backend()
    level = _check_level(level, backend)
    if not documents_:
        raise NoDocuments()
    _passphrase_guard(user)
    try:
        cert, sign_fn = _batch_sign_fn(
            backend=backend, user=user, passphrase=passphrase, level=level, fast=fast
        )
    except WrongPassphrase:
        _passphrase_wrong(user)
        raise
    results: list[BatchItemResult] = []
    for document in documents_:
        try:
            _sign_in_transaction(
                user=user, document=document, backend=backend, cert=cert, sign_fn=sign_fn, level=level
            )
        except WrongPassphrase as exc:
            # Stop at once: every further call would repeat the wrong passphrase to the provider.
            _passphrase_wrong(user)
            results.append(BatchItemResult(document, False, exc.code, str(exc.message)))
            if progress is not None:
                progress(document)
            break
        except OutcomeUnknown as exc:
            results.append(BatchItemResult(document, False, exc.code, str(_("Outcome unknown"))))
        except DomainError as exc:
            results.append(BatchItemResult(document, False, exc.code, str(exc.message)))
        else:
            results.append(BatchItemResult(document, True, "signed", str(_("Signed"))))
        if progress is not None:
            progress(document)
    return results


def document_resolve_unknown(
    *, actor: Actor, document: Document, signed_pdf: bytes | None = None
) -> Document:
    """An operator settles a signing call whose outcome was unknown (BSrE timeout).

    With ``signed_pdf`` (the file BSrE reports as signed, e.g. downloaded from its console) the signature
    is recorded as a new revision — it must extend the current revision and validate. Without it the
    step is reopened so that the signer may try again.
    """
    require_role(actor, "admin_kota")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.UNKNOWN:
            raise NotUnknown()
        step = step_open_locked(doc)
        latest = selectors.revision_latest(doc)
        if signed_pdf is None or step is None:
            doc.status = DocumentStatus.IN_PROGRESS
            doc.save(update_fields=["status", "updated_at"])
            audit.record(
                action="esign.unknown_reopened", actor=actor, obj=doc, data={"sha256": latest.sha256}
            )
            notify_next(doc)
            return doc
        report = verification.verify_pdf(signed_pdf)
        if (
            not signed_pdf.startswith(bytes(latest.pdf))
            or report["signature_count"] <= doc.signatures.count()
        ):
            raise NotTheSignedRevision()
        rev = revision_add(document=doc, pdf=signed_pdf, reason="signature", actor=actor)
        now = timezone.now()
        backend = get_backend()
        SignatureRecord.objects.create(
            document=doc,
            step=step,
            revision=rev,
            signer=step.actor,
            signer_name=step.actor.get_full_name() or step.actor.get_username(),
            field_name=step.field_name,
            certify=not doc.signatures.exists(),
            backend=backend.name,
            legal_level=backend.legal_level,
            level=LEVEL_BT,
            signed_at=now,
        )
        _step_done(doc, step, now)
        if doc.status != DocumentStatus.SIGNED:
            doc.status = DocumentStatus.IN_PROGRESS
            doc.save(update_fields=["status", "updated_at"])
        audit.record(
            action="esign.unknown_resolved_signed",
            actor=actor,
            obj=doc,
            data={"sha256_before": latest.sha256, "sha256_after": rev.sha256},
        )
        notify_next(doc)
        return doc
