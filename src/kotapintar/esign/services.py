"""Writes of the esign app: the PKI (init, issue, revoke, CRL), documents, workflows and signing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp as x509_ocsp
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as sig_fields

from kotapintar.core import audit, ratelimit
from kotapintar.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from kotapintar.core.models import OPD
from kotapintar.core.notifications import notify
from kotapintar.core.permissions import has_role, is_signed_in, require_login, require_role
from kotapintar.esign import documents, pki, selectors
from kotapintar.esign.backends import (
    LEVEL_BB,
    LEVEL_BLT,
    LEVEL_BT,
    LEVELS,
    OutcomeUnknown,
    SignerIdentity,
    SigningError,
    StampSpec,
    WrongPassphrase,
    get_backend,
)
from kotapintar.esign.models import (
    CertKind,
    CrlState,
    Document,
    DocumentRevision,
    DocumentSource,
    DocumentStatus,
    KeyProtection,
    PkiCertificate,
    Revocation,
    SignatureRecord,
    StepKind,
    StepStatus,
    WorkflowStep,
)
from kotapintar.esign.pki_signing import load_signer, sign_loaded

logger = logging.getLogger(__name__)

MIN_PASSPHRASE = 8


# --- PKI ------------------------------------------------------------------------------------------------


def _store_cert(
    *,
    kind: str,
    issued: pki.Issued,
    issuer: PkiCertificate | None,
    common_name: str,
    key_secret: bytes,
    protection: str,
    public_id: Any = None,
    **extra: Any,
) -> PkiCertificate:
    cert = pki.load_cert(issued.cert_der)
    fields: dict[str, Any] = {
        "kind": kind,
        "issuer": issuer,
        "serial": str(issued.serial),
        "common_name": common_name,
        "subject": cert.subject.rfc4514_string(),
        "cert_der": issued.cert_der,
        "key_pem": pki.encrypt_key(issued.key, key_secret),
        "key_protection": protection,
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        **extra,
    }
    if public_id is not None:
        fields["public_id"] = public_id
    return PkiCertificate.objects.create(**fields)


@dataclass(frozen=True)
class PkiInitResult:
    root: PkiCertificate
    issuing: PkiCertificate
    tsa: PkiCertificate
    ocsp: PkiCertificate
    created: bool


def pki_init(*, actor: Any = None, city_name: str = "Kota Pekalongan") -> PkiInitResult:
    """Create the root CA, the issuing CA, the TSA and the OCSP responder (idempotent)."""
    import uuid

    with transaction.atomic():
        if selectors.pki_ready():
            return PkiInitResult(
                selectors.ca_get(CertKind.ROOT),
                selectors.ca_get(CertKind.ISSUING),
                selectors.ca_get(CertKind.TSA),
                selectors.ca_get(CertKind.OCSP),
                False,
            )
        secret = pki.kek()
        root_issued = pki.build_root(common_name=f"{city_name} Root CA")
        root = _store_cert(
            kind=CertKind.ROOT,
            issued=root_issued,
            issuer=None,
            common_name=f"{city_name} Root CA",
            key_secret=secret,
            protection=KeyProtection.KEK,
        )
        issuing_id = uuid.uuid4()
        issuing_issued = pki.build_issued(
            kind="issuing",
            issuer_der=root_issued.cert_der,
            issuer_key=root_issued.key,
            issuer_public_id=str(root.public_id),
            common_name=f"{city_name} Issuing CA 1",
            years=pki.ISSUING_YEARS,
        )
        issuing = _store_cert(
            kind=CertKind.ISSUING,
            issued=issuing_issued,
            issuer=root,
            common_name=f"{city_name} Issuing CA 1",
            key_secret=secret,
            protection=KeyProtection.KEK,
            public_id=issuing_id,
        )
        services_made = {}
        for kind, cn in ((CertKind.TSA, "Timestamp Authority"), (CertKind.OCSP, "OCSP Responder")):
            issued = pki.build_issued(
                kind=kind.value,
                issuer_der=issuing_issued.cert_der,
                issuer_key=issuing_issued.key,
                issuer_public_id=str(issuing.public_id),
                common_name=f"{city_name} {cn}",
                ou="Dinas Komunikasi dan Informatika",
                years=pki.SERVICE_YEARS,
            )
            services_made[kind] = _store_cert(
                kind=kind,
                issued=issued,
                issuer=issuing,
                common_name=f"{city_name} {cn}",
                key_secret=secret,
                protection=KeyProtection.KEK,
            )
        for ca in (root, issuing):
            crl_refresh(ca=ca)
        audit.record(
            action="esign.pki_init",
            actor=actor,
            obj=root,
            data={"root": root.subject, "issuing": issuing.subject, "root_serial": root.serial},
        )
        return PkiInitResult(root, issuing, services_made[CertKind.TSA], services_made[CertKind.OCSP], True)


def crl_refresh(*, ca: PkiCertificate) -> CrlState:
    """Issue a new CRL for the CA (next CRL number) listing every revoked certificate it issued."""
    with transaction.atomic():
        state, _created = CrlState.objects.select_for_update().get_or_create(ca=ca)
        revoked = [
            pki.RevokedEntry(int(r.certificate.serial), r.revoked_at, r.reason)
            for r in Revocation.objects.filter(certificate__issuer=ca).select_related("certificate")
        ]
        state.number += 1
        der, this_update, next_update = pki.build_crl(
            ca_der=bytes(ca.cert_der),
            ca_key=pki.service_key(bytes(ca.key_pem)),
            number=state.number,
            revoked=revoked,
        )
        state.crl_der = der
        state.this_update = this_update
        state.next_update = next_update
        state.save()
        return state


def crl_current(*, ca: PkiCertificate) -> bytes:
    """The CA's CRL, re-issued when it is missing or past its next update."""
    state = selectors.crl_state_get(ca)
    if state is None or not state.crl_der or state.next_update is None or state.next_update <= timezone.now():
        state = crl_refresh(ca=ca)
    return bytes(state.crl_der)


def _check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(
            _("The passphrase must have at least %(n)d characters.") % {"n": MIN_PASSPHRASE},
            code="passphrase_too_short",
        )


@sensitive_variables("passphrase")
def certificate_issue(
    *,
    actor: Any,
    user: Any,
    passphrase: str,
    full_name: str = "",
    nip: str = "",
    title: str = "",
    opd: OPD | None = None,
    years: int = pki.OFFICIAL_YEARS,
) -> PkiCertificate:
    """Issue an official's signing certificate. The key is encrypted with the official's passphrase,
    which is neither stored nor logged."""
    if actor is not None:
        require_role(actor, "admin_kota")
    _check_passphrase_strength(passphrase)
    profile = getattr(user, "profile", None)
    full_name = (full_name or user.get_full_name() or user.get_username()).strip()
    nip = (nip or getattr(profile, "nip", "") or "").strip()
    title = (title or getattr(profile, "jabatan", "") or "").strip()
    opd = opd or getattr(profile, "opd", None)
    if years < 1 or years > 5:
        raise ValidationFailed(_("Validity must be 1 to 5 years."), code="bad_validity")
    with transaction.atomic():
        issuing = selectors.ca_get(CertKind.ISSUING)
        issued = pki.build_issued(
            kind="official",
            issuer_der=bytes(issuing.cert_der),
            issuer_key=pki.service_key(bytes(issuing.key_pem)),
            issuer_public_id=str(issuing.public_id),
            common_name=full_name,
            ou=opd.name if opd else "",
            serial_number=nip,
            title=title,
            years=years,
        )
        cert = _store_cert(
            kind=CertKind.OFFICIAL,
            issued=issued,
            issuer=issuing,
            common_name=full_name,
            key_secret=passphrase.encode("utf-8"),
            protection=KeyProtection.PASSPHRASE,
            nip=nip,
            title=title,
            opd=opd,
            user=user,
        )
        audit.record(
            action="esign.certificate_issue",
            actor=actor,
            obj=cert,
            data={"serial": cert.serial, "subject": cert.subject, "user": user.get_username()},
        )
        return cert


def certificate_revoke(
    *,
    actor: Any,
    certificate: PkiCertificate,
    reason: str = "unspecified",
    note: str = "",
    revoked_at: dt.datetime | None = None,
) -> Revocation:
    """Revoke a certificate; the issuer's CRL is re-issued in the same transaction and OCSP answers
    from the same table, so both say "revoked" at once."""
    if actor is not None:
        require_role(actor, "admin_kota")
    if reason not in pki.REVOCATION_REASONS:
        raise ValidationFailed(_("Unknown revocation reason."), code="bad_reason")
    if certificate.kind == CertKind.ROOT:
        raise Conflict(_("The root CA cannot be revoked."), code="root_not_revocable")
    with transaction.atomic():
        locked = PkiCertificate.objects.select_for_update().get(pk=certificate.pk)
        if Revocation.objects.filter(certificate=locked).exists():
            raise Conflict(_("This certificate is already revoked."), code="already_revoked")
        revocation = Revocation.objects.create(
            certificate=locked,
            revoked_at=(revoked_at or timezone.now()).replace(microsecond=0),
            reason=reason,
            note=note[:255],
            revoked_by=actor,
        )
        assert locked.issuer is not None
        crl_refresh(ca=locked.issuer)
        audit.record(
            action="esign.certificate_revoke",
            actor=actor,
            obj=locked,
            data={"serial": locked.serial, "reason": reason, "revoked_at": revocation.revoked_at},
        )
        return revocation


def certificate_check_usable(cert: PkiCertificate, *, at: dt.datetime | None = None) -> None:
    """Refuse a revoked or expired (or not yet valid) certificate."""
    moment = at or timezone.now()
    if Revocation.objects.filter(certificate=cert).exists():
        raise Conflict(_("This certificate has been revoked and cannot sign."), code="certificate_revoked")
    if moment >= cert.not_after:
        raise Conflict(_("This certificate has expired and cannot sign."), code="certificate_expired")
    if moment < cert.not_before:
        raise Conflict(_("This certificate is not valid yet."), code="certificate_not_yet_valid")


def ocsp_for(
    cert: PkiCertificate, *, nonce: bytes | None = None, cert_id_hash: hashes.HashAlgorithm | None = None
) -> bytes:
    """A signed OCSP response about a certificate issued by the issuing CA."""
    responder = selectors.ca_get(CertKind.OCSP)
    assert cert.issuer is not None
    revocation = Revocation.objects.filter(certificate=cert).first()
    return pki.ocsp_response(
        cert_der=bytes(cert.cert_der),
        issuer_der=bytes(cert.issuer.cert_der),
        responder_der=bytes(responder.cert_der),
        responder_key=pki.service_key(bytes(responder.key_pem)),
        revoked_at=revocation.revoked_at if revocation else None,
        reason=revocation.reason if revocation else "unspecified",
        nonce=nonce,
        cert_id_hash=cert_id_hash,
    )


def _key_hash(cert_der: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    """Hash of the subject public key BIT STRING (RFC 6960 issuerKeyHash)."""
    spki = (
        pki.load_cert(cert_der)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    digest = hashes.Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def ocsp_answer(request_der: bytes) -> bytes:
    """Answer an RFC 6960 OCSPRequest (DER). Unknown issuers get 'unauthorized', garbage 'malformed'."""
    try:
        req = x509_ocsp.load_der_ocsp_request(request_der)
        serial = req.serial_number
        issuer_key_hash = req.issuer_key_hash
        hash_algo = req.hash_algorithm
    except Exception:  # noqa: BLE001 - any parse failure is a malformed request
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        nonce: bytes | None = req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except Exception:  # noqa: BLE001 - no nonce (or an unreadable one): answer without
        nonce = None
    issuer = None
    for ca in PkiCertificate.objects.filter(kind=CertKind.ISSUING):
        if _key_hash(bytes(ca.cert_der), hash_algo) == issuer_key_hash:
            issuer = ca
            break
    if issuer is None:
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)
    cert = selectors.certificate_by_serial(issuer=issuer, serial=serial)
    if cert is None:
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)
    return ocsp_for(cert, nonce=nonce, cert_id_hash=hash_algo)


def tsa_answer(request_der: bytes) -> bytes:
    return pki.tsa_respond(request_der=request_der, stamper=city_timestamper())


def city_timestamper() -> pki.CityTimeStamper:
    tsa = selectors.ca_get(CertKind.TSA)
    return pki.timestamper(
        tsa_der=bytes(tsa.cert_der),
        tsa_key=pki.service_key(bytes(tsa.key_pem)),
        chain_der=selectors.ca_certs_der(),
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")


# --- Documents ------------------------------------------------------------------------------------------

CREATOR_ROLES = ("admin_kota", "opd", "penandatangan", "bappeda")
STAMP_W = 165.0
STAMP_H = 64.0


def verify_url(code: str) -> str:
    return f"{pki.site_url()}{reverse('esign:verify_code', kwargs={'code': code})}"


def _unique_code() -> str:
    while True:
        code = new_code()
        if not Document.objects.filter(code=code).exists():
            return code


def _add_revision(*, document: Document, pdf: bytes, reason: str, actor: Any) -> DocumentRevision:
    last = DocumentRevision.objects.filter(document=document).order_by("-seq").first()
    if last is not None and reason != "upload" and not pdf.startswith(bytes(last.pdf)):
        raise Conflict(_("A new revision must extend the previous one."), code="not_incremental")
    return DocumentRevision.objects.create(
        document=document,
        seq=(last.seq + 1) if last else 1,
        pdf=pdf,
        sha256=sha256(pdf),
        size=len(pdf),
        reason=reason,
        created_by=actor if is_signed_in(actor) else None,
    )


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A title is required."), code="title_required")
    if len(title) > 255:
        raise ValidationFailed(_("The title is too long (at most 255 characters)."), code="title_too_long")
    return title


def document_upload(
    *, actor: Any, title: str, data: bytes, number: str = "", opd: OPD | None = None
) -> Document:
    """Store an uploaded PDF as revision 1 of a new document (checked: type, size, encryption, structure)."""
    require_role(actor, *CREATOR_ROLES)
    title = _clean_title(title)
    documents.pdf_check(data)
    with transaction.atomic():
        doc = Document.objects.create(
            code=_unique_code(),
            title=title,
            number=(number or "").strip()[:120],
            source=DocumentSource.UPLOAD,
            opd=opd or getattr(getattr(actor, "profile", None), "opd", None),
            created_by=actor,
            original_sha256=sha256(data),
        )
        _add_revision(document=doc, pdf=data, reason="upload", actor=actor)
        audit.record(
            action="esign.document_upload",
            actor=actor,
            obj=doc,
            data={"title": title, "sha256_after": doc.original_sha256, "size": len(data)},
        )
        return doc


def document_generate(*, actor: Any, letter: documents.Letter, opd: OPD | None = None) -> Document:
    """Render a letter from the template (nomor, perihal, tujuan, isi, penandatangan) and store it."""
    require_role(actor, *CREATOR_ROLES)
    for value, code in ((letter.nomor, "nomor_required"), (letter.perihal, "perihal_required")):
        if not value.strip():
            raise ValidationFailed(_("Letter number and subject are required."), code=code)
    if not letter.isi.strip() or not letter.tujuan.strip() or not letter.penandatangan_nama.strip():
        raise ValidationFailed(
            _("Recipient, body and signing official are required."), code="letter_incomplete"
        )
    code = _unique_code()
    pdf = documents.letter_render(letter, verify_url=verify_url(code))
    with transaction.atomic():
        doc = Document.objects.create(
            code=code,
            title=_clean_title(letter.perihal),
            number=letter.nomor.strip()[:120],
            source=DocumentSource.TEMPLATE,
            opd=opd or getattr(getattr(actor, "profile", None), "opd", None),
            created_by=actor,
            original_sha256=sha256(pdf),
        )
        _add_revision(document=doc, pdf=pdf, reason="upload", actor=actor)
        audit.record(
            action="esign.document_generate",
            actor=actor,
            obj=doc,
            data={"nomor": letter.nomor, "sha256_after": doc.original_sha256},
        )
        return doc


# --- Workflows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    kind: str
    actor: Any
    page: int | None = None  # 1-based; None = last page
    x: float | None = None
    y: float | None = None
    width: float = STAMP_W
    height: float = STAMP_H


def _check_owner(actor: Any, document: Document) -> None:
    if has_role(actor, "admin_kota") or document.created_by_id == getattr(actor, "pk", None):
        return
    raise PermissionDenied(_("Only the creator of the document can do this."), code="not_document_owner")


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
                box=(
                    int(step.x),
                    int(step.y),
                    int(step.x + step.width),
                    int(step.y + step.height),
                ),
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def workflow_start(*, actor: Any, document: Document, steps: list[StepSpec]) -> Document:
    """Set the ordered steps (paraf by reviewers first, then one or more signatures) and start."""
    _check_owner(actor, document)
    if not steps:
        raise ValidationFailed(_("Add at least one signature step."), code="no_steps")
    if len(steps) > 12:
        raise ValidationFailed(_("At most 12 steps."), code="too_many_steps")
    kinds = [s.kind for s in steps]
    if any(k not in (StepKind.PARAF, StepKind.SIGN) for k in kinds):
        raise ValidationFailed(_("Unknown step kind."), code="bad_step_kind")
    if StepKind.SIGN not in kinds:
        raise ValidationFailed(_("Add at least one signature step."), code="no_sign_step")
    first_sign = kinds.index(StepKind.SIGN)
    if StepKind.PARAF in kinds[first_sign:]:
        raise ValidationFailed(_("Initials (paraf) come before the signatures."), code="paraf_after_sign")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status not in (DocumentStatus.DRAFT,):
            raise Conflict(_("The workflow of this document has already started."), code="workflow_started")
        latest = selectors.revision_latest(doc)
        info = documents.pdf_check(bytes(latest.pdf))
        if _is_certified(bytes(latest.pdf)):
            raise ValidationFailed(
                _(
                    "This PDF already carries a certification signature; no new signature fields "
                    "may be added to it. Sign the original before it was certified."
                ),
                code="pdf_certified",
            )
        made: list[WorkflowStep] = []
        sign_index = 0
        for order, spec in enumerate(steps, start=1):
            user = spec.actor
            if user is None or not getattr(user, "is_active", False):
                raise ValidationFailed(_("Every step needs an active user."), code="bad_step_actor")
            if spec.kind == StepKind.SIGN:
                if not has_role(user, "penandatangan"):
                    raise ValidationFailed(
                        _("%(user)s is not a signing official.") % {"user": user.get_username()},
                        code="not_signer",
                    )
                page = spec.page or info.pages
                if page < 1 or page > info.pages:
                    raise ValidationFailed(
                        _("Page %(page)d does not exist (the document has %(n)d pages).")
                        % {"page": page, "n": info.pages},
                        code="bad_page",
                    )
                pw, ph = info.page_sizes[page - 1]
                x = spec.x if spec.x is not None else 45.0 + (sign_index % 3) * (STAMP_W + 7)
                y = spec.y if spec.y is not None else 70.0 + (sign_index // 3) * (STAMP_H + 8)
                if (
                    spec.width < 60
                    or spec.height < 30
                    or x < 0
                    or y < 0
                    or x + spec.width > pw
                    or y + spec.height > ph
                ):
                    raise ValidationFailed(
                        _("The stamp does not fit on the page."), code="stamp_outside_page"
                    )
                sign_index += 1
                made.append(
                    WorkflowStep(
                        document=doc,
                        order=order,
                        kind=StepKind.SIGN,
                        actor=user,
                        field_name=f"TTE{sign_index}_{secrets.token_hex(3)}",
                        page=page,
                        x=x,
                        y=y,
                        width=spec.width,
                        height=spec.height,
                    )
                )
            else:
                made.append(WorkflowStep(document=doc, order=order, kind=StepKind.PARAF, actor=user))
        WorkflowStep.objects.filter(document=doc).delete()
        WorkflowStep.objects.bulk_create(made)
        before = latest.sha256
        prepared = _prepare_fields(bytes(latest.pdf), [s for s in made if s.kind == StepKind.SIGN])
        rev = _add_revision(document=doc, pdf=prepared, reason="fields", actor=actor)
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
        _notify_next(doc)
        return doc


def _notify_next(doc: Document) -> None:
    step = selectors.step_current(doc)
    if step is None:
        return
    url = reverse("esign:document_detail", kwargs={"public_id": doc.public_id})
    if step.kind == StepKind.PARAF:
        message = _("Document “%(title)s” awaits your initials (paraf).") % {"title": doc.title}
    else:
        message = _("Document “%(title)s” awaits your signature.") % {"title": doc.title}
    notify(recipients=[step.actor], message=str(message), url=url, kind="esign")


def _current_step_for(actor: Any, doc: Document, kind: str | None = None) -> WorkflowStep:
    require_login(actor)
    if doc.status != DocumentStatus.IN_PROGRESS:
        raise Conflict(_("This document is not waiting for anyone."), code="not_in_progress")
    step = (
        WorkflowStep.objects.select_for_update()
        .filter(document=doc, status=StepStatus.PENDING)
        .order_by("order")
        .first()
    )
    if step is None:
        raise Conflict(_("This document is not waiting for anyone."), code="not_in_progress")
    if step.actor_id != actor.pk:
        if WorkflowStep.objects.filter(document=doc, actor=actor, status=StepStatus.PENDING).exists():
            raise Conflict(
                _("It is not your turn yet: an earlier step is still open."), code="step_out_of_order"
            )
        raise PermissionDenied(_("You have no step on this document."), code="not_your_step")
    if kind is not None and step.kind != kind:
        raise Conflict(
            _("The current step is a %(kind)s, not this action.") % {"kind": step.get_kind_display()},
            code="wrong_step_kind",
        )
    return step


def paraf_approve(*, actor: Any, document: Document, note: str = "") -> Document:
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        step = _current_step_for(actor, doc, StepKind.PARAF)
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
        _notify_next(doc)
        return doc


def document_send_back(*, actor: Any, document: Document, reason: str) -> Document:
    """The current reviewer (or signer) returns the document to its creator with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for sending the document back."), code="reason_required")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        step = _current_step_for(actor, doc)
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
                url=reverse("esign:document_detail", kwargs={"public_id": doc.public_id}),
                kind="esign",
            )
        return doc


def workflow_restart(*, actor: Any, document: Document) -> Document:
    """After a send-back, the creator resubmits: open steps become pending again (only while unsigned)."""
    _check_owner(actor, document)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.RETURNED:
            raise Conflict(_("Only a document that was sent back can be resubmitted."), code="not_returned")
        if SignatureRecord.objects.filter(document=doc).exists():
            raise Conflict(
                _("The document already carries signatures; create a new document instead."),
                code="already_signed",
            )
        WorkflowStep.objects.filter(document=doc).update(status=StepStatus.PENDING, done_at=None)
        doc.status = DocumentStatus.IN_PROGRESS
        doc.save(update_fields=["status", "updated_at"])
        audit.record(action="esign.workflow_restart", actor=actor, obj=doc, data={})
        _notify_next(doc)
        return doc


# --- Signing ----------------------------------------------------------------------------------------------


def signing_level() -> str:
    level = str(getattr(settings, "ESIGN_LEVEL", "") or LEVEL_BLT).strip().upper()
    return level if level in LEVELS else LEVEL_BLT


def _stamp_for(step: WorkflowStep, doc: Document, identity: SignerIdentity) -> StampSpec:
    when = timezone.localtime().strftime("%d-%m-%Y %H:%M WIB")
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


def _identity(actor: Any, cert: PkiCertificate | None, totp: str = "") -> SignerIdentity:
    profile = getattr(actor, "profile", None)
    return SignerIdentity(
        name=(cert.common_name if cert else actor.get_full_name() or actor.get_username()),
        title=(cert.title if cert else getattr(profile, "jabatan", "")),
        nip=(cert.nip if cert else getattr(profile, "nip", "")),
        opd=(cert.opd.name if cert and cert.opd else ""),
        email=actor.email or "",
        certificate_id=cert.pk if cert else None,
        totp=totp,
        reason="Menyetujui dokumen",
    )


def _signer_certificate(actor: Any) -> PkiCertificate:
    cert = selectors.certificate_for_user(actor)
    if cert is None:
        latest = (
            PkiCertificate.objects.filter(kind=CertKind.OFFICIAL, user=actor).order_by("-created_at").first()
        )
        if latest is not None:
            certificate_check_usable(latest)  # says revoked or expired
        raise Conflict(_("You have no valid signing certificate."), code="no_certificate")
    return cert


def _translate_signing_error(exc: SigningError) -> DomainError:
    if isinstance(exc, WrongPassphrase):
        return ValidationFailed(_("The passphrase is wrong."), code="wrong_passphrase")
    if exc.code == "bad_pdf":
        return ValidationFailed(_("The PDF is damaged and cannot be read."), code="pdf_broken")
    return Conflict(_("Signing failed: %(reason)s") % {"reason": exc.message}, code=exc.code)


def _do_sign(
    *,
    actor: Any,
    doc: Document,
    step: WorkflowStep,
    backend: Any,
    cert: PkiCertificate | None,
    sign_fn: Any,
    level: str,
) -> SignatureRecord:
    latest = selectors.revision_latest(doc)
    # Certification must be the first signature of the file: an uploaded PDF that is already signed
    # elsewhere gets approval signatures only.
    certify = (
        getattr(backend, "supports_certification", True)
        and not SignatureRecord.objects.filter(document=doc).exists()
        and not _has_signatures(bytes(latest.pdf))
    )
    identity = _identity(actor, cert)
    stamp = _stamp_for(step, doc, identity)
    new_pdf = sign_fn(
        document_pdf=bytes(latest.pdf),
        signer=identity,
        field_name=step.field_name,
        certify=certify,
        stamp=stamp,
        level=level,
    )
    rev = _add_revision(document=doc, pdf=new_pdf, reason="signature", actor=actor)
    now = timezone.now()
    record = SignatureRecord.objects.create(
        document=doc,
        step=step,
        revision=rev,
        certificate=cert,
        signer=actor,
        signer_name=identity.name,
        signer_title=identity.title,
        field_name=step.field_name,
        certify=certify,
        backend=backend.name,
        legal_level=backend.legal_level,
        level=level,
        signed_at=now,
    )
    step.status = StepStatus.DONE
    step.done_at = now
    step.save(update_fields=["status", "done_at"])
    if not WorkflowStep.objects.filter(document=doc, status=StepStatus.PENDING).exists():
        doc.status = DocumentStatus.SIGNED
        doc.save(update_fields=["status", "updated_at"])
    audit.record(
        action="esign.document_sign",
        actor=actor,
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
    _notify_next(doc)
    if doc.status == DocumentStatus.SIGNED and doc.created_by is not None:
        notify(
            recipients=[doc.created_by],
            message=str(_("Document “%(title)s” is fully signed.") % {"title": doc.title}),
            url=reverse("esign:document_detail", kwargs={"public_id": doc.public_id}),
            kind="esign",
        )
    return record


def _has_signatures(pdf: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return bool(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


def _is_certified(pdf: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    for sig in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures:
        try:
            if sig.docmdp_level is not None:
                return True
        except Exception:  # noqa: BLE001 - an unreadable signature dictionary: treat as certified
            return True
    return False


def _passphrase_guard(actor: Any) -> None:
    ratelimit.check(f"esign-sign:{actor.pk}", limit=PASSPHRASE_ATTEMPTS, window_s=300)


PASSPHRASE_ATTEMPTS = 10


@sensitive_variables("passphrase")
def document_sign(
    *, actor: Any, document: Document, passphrase: str, totp: str = "", level: str | None = None
) -> SignatureRecord:
    """The current signer signs: certification first (DocMDP P2), approval signatures after.

    All or nothing: a wrong passphrase, a revoked certificate or a backend failure leaves no new
    revision and the step open. The passphrase is passed to the backend and forgotten.
    """
    require_login(actor)
    require_role(actor, "penandatangan")
    level = level or signing_level()
    if level not in LEVELS:
        raise ValidationFailed(_("Unknown signature level."), code="bad_level")
    if not passphrase and not totp:
        raise ValidationFailed(_("Enter your passphrase."), code="passphrase_required")
    _passphrase_guard(actor)
    backend = get_backend()
    if backend.name != "citypki" and level == LEVEL_BLT:
        level = LEVEL_BT  # a remote provider (BSrE) adds no validation data: B-T is what it gives
    try:
        with transaction.atomic():
            doc = Document.objects.select_for_update().get(pk=document.pk)
            step = _current_step_for(actor, doc, StepKind.SIGN)
            cert = _signer_certificate(actor) if backend.name == "citypki" else None

            def sign_fn(**kw: Any) -> bytes:
                identity = kw.pop("signer")
                if totp:
                    identity = SignerIdentity(**{**identity.__dict__, "totp": totp})
                return bytes(backend.sign(passphrase=passphrase, signer=identity, **kw))

            return _do_sign(
                actor=actor, doc=doc, step=step, backend=backend, cert=cert, sign_fn=sign_fn, level=level
            )
    except OutcomeUnknown as exc:
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(status=DocumentStatus.UNKNOWN)
            audit.record(
                action="esign.sign_outcome_unknown", actor=actor, obj=document, data={"code": exc.code}
            )
        raise Conflict(
            _(
                "The signing service did not answer in time; the outcome is unknown. "
                "An operator must check it."
            ),
            code="outcome_unknown",
        ) from exc
    except SigningError as exc:
        raise _translate_signing_error(exc) from exc


@dataclass
class BatchItemResult:
    document: Document
    ok: bool
    code: str
    message: str


@sensitive_variables("passphrase")
def document_sign_batch(
    *,
    actor: Any,
    documents_: list[Document],
    passphrase: str,
    level: str | None = None,
    progress: Any = None,
    fast: bool = False,
) -> list[BatchItemResult]:
    """Sign N documents with one passphrase entry: the key is decrypted once and the TSA engine reused.
    Each document is its own transaction; one failure does not touch the others.

    ``fast=True`` (B-B and B-T) uses the batch signer in ``fastsign`` when it is available: the same
    certification/approval logic, but without a visible stamp appearance. B-LT, or any problem
    loading it, falls back to the pyHanko path."""
    require_login(actor)
    require_role(actor, "penandatangan")
    level = level or signing_level()
    if level not in LEVELS:
        raise ValidationFailed(_("Unknown signature level."), code="bad_level")
    if not documents_:
        raise ValidationFailed(_("Choose at least one document."), code="no_documents")
    _passphrase_guard(actor)
    backend = get_backend()
    cert: PkiCertificate | None = None
    if backend.name != "citypki":
        # A remote provider (BSrE): one sign call per document with the passphrase entered once.
        if level == LEVEL_BLT:
            level = LEVEL_BT

        def sign_fn(**kw: Any) -> bytes:
            return bytes(backend.sign(passphrase=passphrase, **kw))

    else:
        cert = _signer_certificate(actor)
        try:
            loaded = load_signer(certificate_id=cert.pk, passphrase=passphrase)
        except SigningError as exc:
            raise _translate_signing_error(exc) from exc
        stamper = city_timestamper() if level != LEVEL_BB else None
        fast_fn = _fast_signer(loaded, level) if fast else None

        def sign_fn(**kw: Any) -> bytes:
            if fast_fn is not None:
                try:
                    return fast_fn(**kw)
                except (ImportError, TypeError, AttributeError):
                    logger.warning("fast batch signer unavailable; falling back to pyHanko", exc_info=True)
            return sign_loaded(loaded=loaded, timestamper=stamper, **kw)

    results: list[BatchItemResult] = []
    for document in documents_:
        try:
            with transaction.atomic():
                doc = Document.objects.select_for_update().get(pk=document.pk)
                step = _current_step_for(actor, doc, StepKind.SIGN)
                _do_sign(
                    actor=actor, doc=doc, step=step, backend=backend, cert=cert, sign_fn=sign_fn, level=level
                )
            results.append(BatchItemResult(document, True, "signed", str(_("Signed"))))
        except DomainError as exc:
            results.append(BatchItemResult(document, False, exc.code, str(exc.message)))
        except WrongPassphrase as exc:
            # Stop at once: every further call would repeat the wrong passphrase to the provider.
            err = _translate_signing_error(exc)
            results.append(BatchItemResult(document, False, err.code, str(err.message)))
            if progress is not None:
                progress(document)
            break
        except OutcomeUnknown as exc:
            with transaction.atomic():
                Document.objects.filter(pk=document.pk).update(status=DocumentStatus.UNKNOWN)
                audit.record(
                    action="esign.sign_outcome_unknown", actor=actor, obj=document, data={"code": exc.code}
                )
            results.append(BatchItemResult(document, False, "outcome_unknown", str(_("Outcome unknown"))))
        except SigningError as exc:
            err = _translate_signing_error(exc)
            results.append(BatchItemResult(document, False, err.code, str(err.message)))
        if progress is not None:
            progress(document)
    return results


def _fast_signer(loaded: Any, level: str) -> Any:
    """A sign function over ``kotapintar.esign.fastsign`` (imported here, so the module is optional)."""
    if level == LEVEL_BLT:
        return None
    try:
        from kotapintar.esign import fastsign
    except ImportError:
        return None
    cert = loaded.certificate
    chain = [pki.load_cert(bytes(cert.issuer.cert_der))]
    if cert.issuer.issuer is not None:
        chain.append(pki.load_cert(bytes(cert.issuer.issuer.cert_der)))
    key = fastsign.SignerKey(
        private_key=loaded.key, certificate=pki.load_cert(bytes(cert.cert_der)), chain=tuple(chain)
    )
    stamper = None
    if level != LEVEL_BB:
        tsa = selectors.ca_get(CertKind.TSA)
        stamper = fastsign.InProcessTimeStamper(
            pki.service_key(bytes(tsa.key_pem)),
            pki.load_cert(bytes(tsa.cert_der)),
            tuple(chain),
            policy=pki.TSA_POLICY_OID,
        )

    def sign(
        *, document_pdf: bytes, signer: SignerIdentity, field_name: str, certify: bool, stamp: Any, level: str
    ) -> bytes:
        signed = fastsign.iter_sign(
            [document_pdf],
            signer=key,
            level=level,
            timestamper=stamper,
            field_name=field_name,
            certify=certify,
            reason=signer.reason,
            location=signer.location,
        )
        return bytes(next(iter(signed)))

    return sign


def document_resolve_unknown(*, actor: Any, document: Document, signed_pdf: bytes | None = None) -> Document:
    """An operator settles a signing call whose outcome was unknown (BSrE timeout).

    With ``signed_pdf`` (the file BSrE reports as signed, e.g. downloaded from its console) the signature
    is recorded as a new revision — it must extend the current revision and validate. Without it the
    step is reopened so that the signer may try again.
    """
    require_role(actor, "admin_kota")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.UNKNOWN:
            raise Conflict(
                _("This document has no signing call with an unknown outcome."), code="not_unknown"
            )
        step = (
            WorkflowStep.objects.select_for_update()
            .filter(document=doc, status=StepStatus.PENDING)
            .order_by("order")
            .first()
        )
        latest = selectors.revision_latest(doc)
        if signed_pdf is None or step is None:
            doc.status = DocumentStatus.IN_PROGRESS
            doc.save(update_fields=["status", "updated_at"])
            audit.record(
                action="esign.unknown_reopened", actor=actor, obj=doc, data={"sha256": latest.sha256}
            )
            _notify_next(doc)
            return doc
        from kotapintar.esign import verification

        report = verification.verify_pdf(signed_pdf)
        if (
            not signed_pdf.startswith(bytes(latest.pdf))
            or report["signature_count"] <= doc.signatures.count()
        ):
            raise ValidationFailed(
                _("This file does not add a signature to the current revision."),
                code="not_the_signed_revision",
            )
        rev = _add_revision(document=doc, pdf=signed_pdf, reason="signature", actor=actor)
        now = timezone.now()
        SignatureRecord.objects.create(
            document=doc,
            step=step,
            revision=rev,
            signer=step.actor,
            signer_name=step.actor.get_full_name() or step.actor.get_username(),
            field_name=step.field_name,
            certify=not doc.signatures.exists(),
            backend=get_backend().name,
            legal_level=get_backend().legal_level,
            level="B-T",
            signed_at=now,
        )
        step.status = StepStatus.DONE
        step.done_at = now
        step.save(update_fields=["status", "done_at"])
        pending = WorkflowStep.objects.filter(document=doc, status=StepStatus.PENDING).exists()
        doc.status = DocumentStatus.IN_PROGRESS if pending else DocumentStatus.SIGNED
        doc.save(update_fields=["status", "updated_at"])
        audit.record(
            action="esign.unknown_resolved_signed",
            actor=actor,
            obj=doc,
            data={"sha256_before": latest.sha256, "sha256_after": rev.sha256},
        )
        _notify_next(doc)
        return doc
