"""Writes of signing: the signing of a workflow step, batch signing, and settling an unknown outcome.

A backend (``get_backend``: the city PKI or BSrE) signs; a failure is one of the ``SigningError`` rows
of ``kotapintar.esign.errors`` and leaves no new revision and the step open. The batch may use the fast
signer (``fastsign``), which falls back to pyHanko only for the failures named in ``FAST_FALLBACK``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import NotRequired, Protocol, TypedDict, Unpack

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.core import audit, localtime, ratelimit
from kotapintar.core.errors import DomainError
from kotapintar.core.notifications import Note, notify_many
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
    DocumentNotFound,
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
    RevisionNotFound,
    UnknownBackend,
    WrongPassphrase,
)
from kotapintar.esign.models import (
    CertKind,
    Document,
    DocumentRevision,
    DocumentStatus,
    PkiCertificate,
    SignatureRecord,
    StepKind,
    StepStatus,
    WorkflowStep,
)
from kotapintar.esign.pki_signing import CityPkiBackend, fast_signer, load_signer, sign_loaded
from kotapintar.esign.services.documents import document_upload, revision_add, revision_next, verify_url
from kotapintar.esign.services.workflow import (
    StepSpec,
    detail_url,
    next_step_note,
    notify_next,
    step_open_locked,
    step_turn,
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
    """Who signs, through what, at which level (the documents are given beside it)."""

    user: User
    backend: SigningBackend
    cert: PkiCertificate | None
    sign_fn: SignFn
    level: str
    reason: NotRequired[str]
    #: False for the fast batch: no visible stamp (also where a document falls back to pyHanko)
    stamped: NotRequired[bool]


@dataclass
class _Turn:
    """One document of a chunk, locked, with what its signature needs (read for the chunk at once)."""

    doc: Document
    pending: list[WorkflowStep]
    latest: DocumentRevision | None
    signed_before: bool


@dataclass
class _Signed:
    """A document signed in memory, not yet written."""

    turn: _Turn
    step: WorkflowStep
    revision: DocumentRevision
    certify: bool


#: What signing one document may end in: its signature record, or the reason it was not signed.
Outcome = SignatureRecord | DomainError


def _turns(documents: list[Document]) -> dict[int, _Turn]:
    """Lock ``documents`` and their open steps, in primary-key order, and read their latest revisions and
    whether they carry signatures already: four queries for the whole chunk."""
    ids = sorted({d.pk for d in documents})
    docs = list(Document.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    pending: dict[int, list[WorkflowStep]] = {d.pk: [] for d in docs}
    for step in (
        WorkflowStep.objects.select_for_update()
        .filter(document_id__in=ids, status=StepStatus.PENDING)
        .order_by("document_id", "order")
    ):
        pending[step.document_id].append(step)
    newest = DocumentRevision.objects.filter(document=OuterRef("document")).order_by("-seq").values("seq")[:1]
    latest = {
        r.document_id: r for r in DocumentRevision.objects.filter(document_id__in=ids, seq=Subquery(newest))
    }
    signed = set(SignatureRecord.objects.filter(document_id__in=ids).values_list("document_id", flat=True))
    return {
        d.pk: _Turn(doc=d, pending=pending[d.pk], latest=latest.get(d.pk), signed_before=d.pk in signed)
        for d in docs
    }


def _sign_one(
    turn: _Turn | None,
    *,
    user: User,
    backend: SigningBackend,
    sign_fn: SignFn,
    level: str,
    identity: SignerIdentity,
    stamped: bool,
) -> _Signed:
    """Check it is the signer's turn and sign ``turn``'s latest revision in memory."""
    if turn is None:
        raise DocumentNotFound()
    step = step_turn(user, turn.doc, turn.pending, StepKind.SIGN)
    if turn.latest is None:
        raise RevisionNotFound()
    pdf = bytes(turn.latest.pdf)
    signed_before, pdfa = _inspect(pdf)
    if pdfa.endswith("A"):
        raise PdfaAccessible(detail={"pdfa": pdfa})
    # Certification must be the first signature of the file: an uploaded PDF that is already signed
    # elsewhere gets approval signatures only.
    certify = backend.supports_certification and not turn.signed_before and not signed_before
    try:
        new_pdf = sign_fn(
            document_pdf=pdf,
            signer=identity,
            field_name=step.field_name,
            certify=certify,
            # A PDF/A file is signed without the visible stamp: pyHanko draws it with a font it does not
            # embed, which PDF/A forbids; the invisible signature keeps PDF/A-1b/2b/3b conformance.
            stamp=_stamp_for(step, turn.doc, identity) if stamped and not pdfa else None,
            level=level,
        )
    except BadPdf as exc:  # a PDF the backend cannot read is reported as the intake reports it
        raise PdfBroken() from exc
    revision = revision_next(document=turn.doc, last=turn.latest, pdf=new_pdf, reason="signature", actor=user)
    return _Signed(turn=turn, step=step, revision=revision, certify=certify)


def _record_signed(
    signed: list[_Signed],
    *,
    user: User,
    backend: SigningBackend,
    cert: PkiCertificate | None,
    level: str,
    identity: SignerIdentity,
) -> list[SignatureRecord]:
    """Write the chunk's signatures: revisions, records, steps, statuses, audit entries, notifications —
    a few statements for the whole chunk, in the caller's transaction."""
    now = timezone.now()
    DocumentRevision.objects.bulk_create([s.revision for s in signed])
    records = SignatureRecord.objects.bulk_create(
        [
            SignatureRecord(
                document=s.turn.doc,
                step=s.step,
                revision=s.revision,
                certificate=cert,
                signer=user,
                signer_name=identity.name,
                signer_title=identity.title,
                field_name=s.step.field_name,
                certify=s.certify,
                backend=backend.name,
                legal_level=backend.legal_level,
                level=level,
                signed_at=now,
            )
            for s in signed
        ]
    )
    WorkflowStep.objects.filter(pk__in=[s.step.pk for s in signed]).update(
        status=StepStatus.DONE, done_at=now
    )
    # the step just signed was the document's last open one
    finished = {s.turn.doc.pk for s in signed if len(s.turn.pending) == 1}
    Document.objects.filter(pk__in=finished).update(status=DocumentStatus.SIGNED, updated_at=now)
    notes: list[Note] = []
    for s in signed:
        s.step.status, s.step.done_at = StepStatus.DONE, now
        doc = s.turn.doc
        if doc.pk in finished:
            doc.status = DocumentStatus.SIGNED
            if doc.created_by_id is not None:
                message = _("Document “%(title)s” is fully signed.") % {"title": doc.title}
                notes.append(
                    Note(
                        recipients=[doc.created_by_id],
                        message=str(message),
                        url=detail_url(doc),
                        kind="esign",
                    )
                )
        elif (note := next_step_note(doc, s.turn.pending[1])) is not None:
            notes.append(note)
    audit.record_many(
        [
            audit.Event(
                action="esign.document_sign",
                actor=user,
                obj=s.turn.doc,
                data={
                    "step": s.step.order,
                    "field": s.step.field_name,
                    "certify": s.certify,
                    "backend": backend.name,
                    "legal_level": backend.legal_level,
                    "level": level,
                    "certificate_serial": cert.serial if cert else "",
                    "sha256_before": s.turn.latest.sha256 if s.turn.latest else "",
                    "sha256_after": s.revision.sha256,
                },
            )
            for s in signed
        ]
    )
    notify_many(notes)
    return records


def _record_unknown(unknown: list[tuple[Document, str]], user: User) -> None:
    """Mark documents whose signing call has an unknown outcome (BSrE timed out) for an operator."""
    Document.objects.filter(pk__in=[d.pk for d, _code in unknown]).update(
        status=DocumentStatus.UNKNOWN, updated_at=timezone.now()
    )
    audit.record_many(
        [
            audit.Event(action="esign.sign_outcome_unknown", actor=user, obj=d, data={"code": code})
            for d, code in unknown
        ]
    )


def _sign_in_transaction(documents: list[Document], **job: Unpack[SignJob]) -> list[Outcome]:
    """Sign ``documents`` (distinct) in one transaction: lock them, check each is the signer's turn,
    sign each in memory, then write every signature at once. A document that cannot be signed gets its
    reason and is left as it was; the others are signed. An error that is not a ``DomainError`` (a bug,
    the database) rolls the whole transaction back: no document is ever half-signed.

    A wrong passphrase ends the transaction (``WrongPassphrase`` is raised); a call whose outcome is
    unknown (BSrE) marks its document for an operator (status "unknown") and is that document's outcome.
    """
    user, level = job["user"], job["level"]
    identity = _identity(user, job["cert"], job.get("reason", ""))
    with transaction.atomic():
        turns = _turns(documents)
        outcomes: dict[int, Outcome] = {}
        signed: list[_Signed] = []
        unknown: list[tuple[Document, str]] = []
        for document in documents:
            try:
                one = _sign_one(
                    turns.get(document.pk),
                    user=user,
                    backend=job["backend"],
                    sign_fn=job["sign_fn"],
                    level=level,
                    identity=identity,
                    stamped=job.get("stamped", True),
                )
            except WrongPassphrase:
                raise
            except OutcomeUnknown as exc:
                unknown.append((turns[document.pk].doc, exc.code))
                outcomes[document.pk] = OutcomeUnknown()
            except DomainError as exc:
                outcomes[document.pk] = exc
            else:
                signed.append(one)
        if signed:
            records = _record_signed(
                signed, user=user, backend=job["backend"], cert=job["cert"], level=level, identity=identity
            )
            outcomes.update((s.turn.doc.pk, r) for s, r in zip(signed, records, strict=True))
        if unknown:
            _record_unknown(unknown, user)
    return [outcomes[d.pk] for d in documents]


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
        [outcome] = _sign_in_transaction(
            [document], user=user, backend=backend, cert=cert, sign_fn=sign_fn, level=level, reason=reason
        )
    except WrongPassphrase:
        _passphrase_wrong(user)
        raise
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


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
    fast_fn = fast_signer(loaded, level) if fast else None
    # pyHanko's path (and the fast path's fallback) uses the city TSA engine, made once when first needed
    stampers: list[pki.CityTimeStamper] = []

    def stamper() -> pki.CityTimeStamper | None:
        if level == LEVEL_BB:
            return None
        if not stampers:
            stampers.append(pki.city_timestamper())
        return stampers[0]

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
        return sign_loaded(loaded=loaded, timestamper=stamper(), **kw)

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
    The documents are signed in runs (``_chunk_size``), each run one transaction that writes every
    signature of the run at once; a document that cannot be signed gets its reason and does not stop
    the others, and an unexpected error rolls back only its run (earlier runs stay signed).

    ``fast=True`` signs with ``fastsign`` at any level (``pdfincr`` appends the update to the uploaded
    file; B-LT embeds the validation data made once for the batch): the same certification/approval
    logic, but without a visible stamp appearance. A document the fast signer refuses for a reason
    in ``FAST_FALLBACK`` is signed on the pyHanko path, also without a stamp (every document of a fast batch
    looks the same)."""
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
    for part in _chunks(documents_, _chunk_size(backend, fast=fast)):
        try:
            outcomes = _sign_in_transaction(
                part,
                user=user,
                backend=backend,
                cert=cert,
                sign_fn=sign_fn,
                level=level,
                stamped=not (fast and backend.name == "citypki"),
            )
        except WrongPassphrase as exc:
            # Stop at once: every further call would repeat the wrong passphrase to the provider.
            _passphrase_wrong(user)
            results.append(BatchItemResult(part[0], False, exc.code, str(exc.message)))
            if progress is not None:
                progress(part[0])
            break
        for document, outcome in zip(part, outcomes, strict=True):
            results.append(_batch_result(document, outcome))
            if progress is not None:
                progress(document)
    return results


def _batch_result(document: Document, outcome: Outcome) -> BatchItemResult:
    if isinstance(outcome, OutcomeUnknown):
        return BatchItemResult(document, False, outcome.code, str(_("Outcome unknown")))
    if isinstance(outcome, DomainError):
        return BatchItemResult(document, False, outcome.code, str(outcome.message))
    return BatchItemResult(document, True, "signed", str(_("Signed")))


#: Documents a batch signs and writes in one transaction with the fast signer and the city PKI: a few
#: milliseconds a document, so a run stays locked for a fraction of a second. pyHanko's stamped path
#: (a quarter of a second a document) and a remote provider (BSrE, whose unknown outcome must mark only
#: its own document) sign one document per transaction.
BATCH_CHUNK_FAST = 50


def _chunk_size(backend: SigningBackend, *, fast: bool) -> int:
    return BATCH_CHUNK_FAST if fast and backend.name == "citypki" else 1


def _chunks(documents: list[Document], size: int) -> Iterator[list[Document]]:
    """``documents`` in runs of at most ``size``, in order; a document listed twice starts a new run, so
    its second signature sees its first one written."""
    part: list[Document] = []
    in_part: set[int] = set()
    for document in documents:
        if len(part) == size or document.pk in in_part:
            yield part
            part, in_part = [], set()
        part.append(document)
        in_part.add(document.pk)
    if part:
        yield part


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
