"""Writes of the signing workflow: the ordered steps, initials (paraf), send-back and resubmission."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields

from kotapintar.core import audit
from kotapintar.core.notifications import Note, notify, notify_many
from kotapintar.core.permissions import has_role, is_signed_in, require_login
from kotapintar.core.types import Actor, User
from kotapintar.esign import selectors
from kotapintar.esign.documents import PdfInfo, pdf_check
from kotapintar.esign.errors import (
    AlreadySigned,
    BadPage,
    BadStepActor,
    BadStepKind,
    NoSignStep,
    NoSteps,
    NotCityStaff,
    NotDocumentOwner,
    NotInProgress,
    NotReturned,
    NotSigner,
    NotYourStep,
    ParafAfterSign,
    PdfCertified,
    ReasonRequired,
    StampOutsidePage,
    StepOutOfOrder,
    TooManySteps,
    WorkflowStarted,
    WrongStepKind,
)
from kotapintar.esign.models import (
    Document,
    DocumentStatus,
    SignatureRecord,
    StepKind,
    StepStatus,
    WorkflowStep,
)
from kotapintar.esign.services.documents import revision_add

STAMP_W = 165.0
STAMP_H = 64.0
MAX_STEPS = 12


@dataclass(frozen=True)
class StepSpec:
    kind: str
    actor: User | None
    page: int | None = None  # 1-based; None = last page
    x: float | None = None
    y: float | None = None
    width: float = STAMP_W
    height: float = STAMP_H


def _check_owner(actor: Actor, document: Document) -> None:
    if has_role(actor, "admin_kota") or (is_signed_in(actor) and document.created_by_id == actor.pk):
        return
    raise NotDocumentOwner()


def _prepare_fields(pdf: bytes, steps: list[WorkflowStep]) -> bytes:
    """Add every signature field up front, in one incremental update, so that later approval
    signatures only fill their own field (allowed under the certification's DocMDP P2)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    existing = {name for name, _v, _r in sig_fields.enumerate_sig_fields(writer)}
    for step in steps:
        if step.field_name in existing:
            continue
        sig_fields.append_signature_field(
            writer,
            sig_fields.SigFieldSpec(
                sig_field_name=step.field_name,
                on_page=step.page - 1,
                box=(int(step.x), int(step.y), int(step.x + step.width), int(step.y + step.height)),
            ),
        )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]  # pyHanko leaves write() unannotated
    return out.getvalue()


def _is_certified(pdf: bytes) -> bool:
    """Whether the PDF carries a certification (DocMDP) signature; an unreadable DocMDP entry counts."""
    for sig in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures:
        try:
            if sig.docmdp_level is not None:
                return True
        except (PdfError, ValueError):  # pyHanko: SignatureValidationError is a ValueError
            return True
    return False


def _check_specs(steps: list[StepSpec]) -> None:
    if not steps:
        raise NoSteps()
    if len(steps) > MAX_STEPS:
        raise TooManySteps()
    kinds = [s.kind for s in steps]
    if any(k not in (StepKind.PARAF, StepKind.SIGN) for k in kinds):
        raise BadStepKind()
    if StepKind.SIGN not in kinds:
        raise NoSignStep()
    if StepKind.PARAF in kinds[kinds.index(StepKind.SIGN) :]:
        raise ParafAfterSign()


def _sign_step(
    doc: Document, order: int, spec: StepSpec, user: User, sign_index: int, info: PdfInfo
) -> WorkflowStep:
    """A signature step placed on its page: the default boxes fill the page three to a row."""
    if not has_role(user, "penandatangan"):
        raise NotSigner(_("%(user)s is not a signing official.") % {"user": user.get_username()})
    page = spec.page or info.pages
    if page < 1 or page > info.pages:
        raise BadPage(
            _("Page %(page)d does not exist (the document has %(n)d pages).")
            % {"page": page, "n": info.pages}
        )
    pw, ph = info.page_sizes[page - 1]
    x = spec.x if spec.x is not None else 45.0 + (sign_index % 3) * (STAMP_W + 7)
    y = spec.y if spec.y is not None else 70.0 + (sign_index // 3) * (STAMP_H + 8)
    if spec.width < 60 or spec.height < 30 or x < 0 or y < 0 or x + spec.width > pw or y + spec.height > ph:
        raise StampOutsidePage()
    return WorkflowStep(
        document=doc,
        order=order,
        kind=StepKind.SIGN,
        actor=user,
        field_name=f"TTE{sign_index + 1}_{secrets.token_hex(3)}",
        page=page,
        x=x,
        y=y,
        width=spec.width,
        height=spec.height,
    )


def workflow_start(*, actor: Actor, document: Document, steps: list[StepSpec]) -> Document:
    """Set the ordered steps (paraf by reviewers first, then one or more signatures) and start."""
    _check_owner(actor, document)
    _check_specs(steps)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status not in (DocumentStatus.DRAFT,):
            raise WorkflowStarted()
        latest = selectors.revision_latest(doc)
        info = pdf_check(bytes(latest.pdf))
        if _is_certified(bytes(latest.pdf)):
            raise PdfCertified()
        made: list[WorkflowStep] = []
        for order, spec in enumerate(steps, start=1):
            user = spec.actor
            if user is None or not user.is_active:
                raise BadStepActor()
            if spec.kind == StepKind.SIGN:
                signs = sum(1 for s in made if s.kind == StepKind.SIGN)
                made.append(_sign_step(doc, order, spec, user, signs, info))
            else:
                if not has_role(user, *selectors.REVIEWER_ROLES):
                    raise NotCityStaff()
                made.append(WorkflowStep(document=doc, order=order, kind=StepKind.PARAF, actor=user))
        WorkflowStep.objects.filter(document=doc).delete()
        WorkflowStep.objects.bulk_create(made)
        before = latest.sha256
        prepared = _prepare_fields(bytes(latest.pdf), [s for s in made if s.kind == StepKind.SIGN])
        rev = revision_add(document=doc, pdf=prepared, reason="fields", actor=actor)
        doc.status = DocumentStatus.IN_PROGRESS
        doc.return_reason = ""
        doc.save(update_fields=["status", "return_reason", "updated_at"])
        audit.record(
            action="esign.workflow_start",
            actor=actor,
            obj=doc,
            data={
                "steps": [{"order": s.order, "kind": s.kind, "actor": s.actor.get_username()} for s in made],
                "sha256_before": before,
                "sha256_after": rev.sha256,
            },
        )
        notify_next(doc)
        return doc


def detail_url(doc: Document) -> str:
    return reverse("esign:document_detail", kwargs={"public_id": doc.public_id})


def next_step_note(doc: Document, step: WorkflowStep | None) -> Note | None:
    """The message to the holder of ``step``, the document's next open step (None: nobody is next)."""
    if step is None:
        return None
    if step.kind == StepKind.PARAF:
        message = _("Document “%(title)s” awaits your initials (paraf).") % {"title": doc.title}
    else:
        message = _("Document “%(title)s” awaits your signature.") % {"title": doc.title}
    return Note(recipients=[step.actor_id], message=str(message), url=detail_url(doc), kind="esign")


def notify_next(doc: Document) -> None:
    """Tell the holder of the next open step that the document waits for them."""
    note = next_step_note(doc, selectors.step_current(doc))
    if note is not None:
        notify_many([note])


def step_open_locked(doc: Document) -> WorkflowStep | None:
    """The first open step of the document, locked (``select_for_update``) for the caller's transaction."""
    return (
        WorkflowStep.objects.select_for_update()
        .filter(document=doc, status=StepStatus.PENDING)
        .order_by("order")
        .first()
    )


def step_turn(
    user: User, doc: Document, pending: list[WorkflowStep], kind: str | None = None
) -> WorkflowStep:
    """The first of ``pending`` (the document's open steps, in order), which must be ``user``'s turn and,
    with ``kind``, of that kind."""
    if doc.status != DocumentStatus.IN_PROGRESS or not pending:
        raise NotInProgress()
    step = pending[0]
    if step.actor_id != user.pk:
        if any(s.actor_id == user.pk for s in pending):
            raise StepOutOfOrder()
        raise NotYourStep()
    if kind is not None and step.kind != kind:
        raise WrongStepKind(
            _("The current step is a %(kind)s, not this action.") % {"kind": step.get_kind_display()}
        )
    return step


def step_current_for(actor: Actor, doc: Document, kind: str | None = None) -> WorkflowStep:
    """The open step of ``doc`` (locked), which must be the actor's turn and, with ``kind``, of that kind."""
    user = require_login(actor)
    if doc.status != DocumentStatus.IN_PROGRESS:
        raise NotInProgress()
    pending = list(
        WorkflowStep.objects.select_for_update()
        .filter(document=doc, status=StepStatus.PENDING)
        .order_by("order")
    )
    return step_turn(user, doc, pending, kind)


def paraf_approve(*, actor: Actor, document: Document, note: str = "") -> Document:
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        step = step_current_for(actor, doc, StepKind.PARAF)
        step.status = StepStatus.DONE
        step.done_at = timezone.now()
        step.note = (note or "").strip()[:1000]
        step.save(update_fields=["status", "done_at", "note"])
        latest = selectors.revision_latest(doc)
        audit.record(
            action="esign.paraf",
            actor=actor,
            obj=doc,
            data={"step": step.order, "sha256_before": latest.sha256, "sha256_after": latest.sha256},
        )
        notify_next(doc)
        return doc


def document_send_back(*, actor: Actor, document: Document, reason: str) -> Document:
    """The current reviewer (or signer) returns the document to its creator with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        step = step_current_for(actor, doc)
        step.status = StepStatus.RETURNED
        step.note = reason[:1000]
        step.done_at = timezone.now()
        step.save(update_fields=["status", "note", "done_at"])
        doc.status = DocumentStatus.RETURNED
        doc.return_reason = reason[:1000]
        doc.save(update_fields=["status", "return_reason", "updated_at"])
        audit.record(
            action="esign.send_back", actor=actor, obj=doc, data={"step": step.order, "reason": reason}
        )
        if doc.created_by is not None:
            notify(
                recipients=[doc.created_by],
                message=str(
                    _("Document “%(title)s” was sent back: %(reason)s")
                    % {"title": doc.title, "reason": reason}
                ),
                url=detail_url(doc),
                kind="esign",
            )
        return doc


def workflow_restart(*, actor: Actor, document: Document) -> Document:
    """After a send-back, the creator resubmits: open steps become pending again (only while unsigned)."""
    _check_owner(actor, document)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.RETURNED:
            raise NotReturned()
        if SignatureRecord.objects.filter(document=doc).exists():
            raise AlreadySigned()
        WorkflowStep.objects.filter(document=doc).update(status=StepStatus.PENDING, done_at=None)
        doc.status = DocumentStatus.IN_PROGRESS
        doc.save(update_fields=["status", "updated_at"])
        audit.record(action="esign.workflow_restart", actor=actor, obj=doc, data={})
        notify_next(doc)
        return doc
