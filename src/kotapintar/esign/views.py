"""Pages of the TTE module (Indonesian first) and the PKI endpoints (CRL, CA, OCSP, RFC 3161 TSA)."""

from __future__ import annotations

import base64
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotapintar.core import ratelimit
from kotapintar.core.clientip import client_key
from kotapintar.core.errors import DomainError, NotFound, UserNotFound
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role
from kotapintar.core.types import User
from kotapintar.esign import documents, pki, selectors, services, verification
from kotapintar.esign.backends import backend_name
from kotapintar.esign.errors import CertificateNotFound, PkiNotReady
from kotapintar.esign.models import CertKind, Document, DocumentStatus, PkiCertificate, StepKind
from kotapintar.middleware import raw_body

MAX_PASSPHRASE = 256


def _act(
    request: HttpRequest, public_id: uuid.UUID, action: Callable[..., object], done: str, **fields: Any
) -> HttpResponse:
    """Run one service call ``action(actor=, document=, **fields)`` for the document page: its error or
    ``done`` as a message, then back to the page."""
    doc = _doc_or_404(request, public_id)
    try:
        action(actor=request.user, document=doc, **fields)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("esign:document_detail", public_id=doc.public_id)


# --- Documents -----------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    docs = selectors.document_list(user=request.user)[:200]
    return render(
        request,
        "esign/index.html",
        {
            "documents": docs,
            "awaiting": selectors.documents_awaiting(request.user),
            "can_create": has_role(request.user, *services.CREATOR_ROLES),
            "is_signer": has_role(request.user, Role.PENANDATANGAN),
            "is_admin": has_role(request.user, Role.ADMIN_KOTA),
            "pki_ready": selectors.pki_ready(),
        },
    )


class UploadForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    number = forms.CharField(label=gettext_lazy("Letter number"), max_length=120, required=False)
    file = forms.FileField(label=gettext_lazy("PDF file"))


def _too_large(form: forms.Form, upload: Any) -> bool:
    """Whether the uploaded PDF is over the size limit (then the form says so on its file field)."""
    if upload.size <= documents.max_upload_bytes():
        return False
    form.add_error(
        "file",
        _("The file is larger than the limit of %(mb).0f MB.")
        % {"mb": documents.max_upload_bytes() / 1048576},
    )
    return True


@login_required
def document_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not _too_large(form, upload):
            try:
                doc = services.document_upload(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    number=form.cleaned_data["number"],
                    data=upload.read(),
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _("The document was uploaded."))
                return redirect("esign:document_detail", public_id=doc.public_id)
    return render(
        request, "esign/upload.html", {"form": form, "max_mb": documents.max_upload_bytes() // 1048576}
    )


def _signer_choices() -> list[tuple[str, str]]:
    users = User.objects.filter(groups__name=Role.PENANDATANGAN, is_active=True).order_by("username")
    return [(str(u.pk), f"{u.get_full_name() or u.username} ({u.username})") for u in users]


class LetterForm(forms.Form):
    nomor = forms.CharField(label=gettext_lazy("Letter number"), max_length=120)
    perihal = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    tujuan = forms.CharField(
        label=gettext_lazy("Addressed to"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    isi = forms.CharField(
        label=gettext_lazy("Body"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=gettext_lazy("Separate paragraphs with an empty line."),
    )
    penandatangan = forms.ChoiceField(label=gettext_lazy("Signing official"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["penandatangan"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _signer_choices()


@login_required
def document_generate(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signer = User.objects.get(pk=int(form.cleaned_data["penandatangan"]))
        letter = documents.letter_for(
            signer=signer,
            nomor=form.cleaned_data["nomor"],
            perihal=form.cleaned_data["perihal"],
            tujuan=form.cleaned_data["tujuan"],
            isi=form.cleaned_data["isi"],
        )
        try:
            doc = services.document_generate(actor=request.user, letter=letter)
            services.workflow_start(
                actor=request.user, document=doc, steps=[services.StepSpec(kind=StepKind.SIGN, actor=signer)]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The letter was created and sent to the signing official."))
            return redirect("esign:document_detail", public_id=doc.public_id)
    return render(request, "esign/generate.html", {"form": form})


@login_required
def document_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    doc = _doc_or_404(request, public_id)
    steps = list(selectors.step_list(doc))
    current = selectors.step_current(doc) if doc.status == DocumentStatus.IN_PROGRESS else None
    is_owner = doc.created_by_id == request.user.pk or has_role(request.user, Role.ADMIN_KOTA)
    signatures = list(doc.signatures.select_related("certificate").order_by("signed_at"))
    return render(
        request,
        "esign/detail.html",
        {
            "doc": doc,
            "steps": steps,
            "current": current,
            "my_turn": current is not None and current.actor_id == request.user.pk,
            "revisions": selectors.revision_list(doc),
            "signatures": signatures,
            "signed_revision": selectors.revision_latest(doc) if signatures else None,
            "is_owner": is_owner,
            "can_start": is_owner and doc.status == DocumentStatus.DRAFT,
            "can_resolve": doc.status == DocumentStatus.UNKNOWN and has_role(request.user, Role.ADMIN_KOTA),
            "can_restart": is_owner and doc.status == DocumentStatus.RETURNED and not doc.signatures.exists(),
            "users": selectors.reviewer_candidates(),
            "signers": selectors.signer_candidates(),
            "verify_url": services.verify_url(doc.code),
            "has_certificate": selectors.certificate_for_user(request.user) is not None,
            "paraf_slots": range(1, 4),
            "uses_bsre": backend_name() == "bsre",
            "sign_slots": range(1, 5),
        },
    )


def _doc_or_404(request: HttpRequest, public_id: uuid.UUID) -> Document:
    try:
        return selectors.document_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _step_specs(request: HttpRequest) -> list[services.StepSpec]:
    """The steps chosen on the document page: reviewers (paraf) first, then signers."""
    specs: list[services.StepSpec] = []
    page = request.POST.get("page", "")
    for kind, field in ((StepKind.PARAF, "paraf"), (StepKind.SIGN, "sign")):
        for raw in request.POST.getlist(field):
            if not raw:
                continue
            user = User.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
            if user is None:
                raise UserNotFound()
            specs.append(
                services.StepSpec(
                    kind=kind,
                    actor=user,
                    page=int(page) if page.isdigit() and kind == StepKind.SIGN else None,
                )
            )
    return specs


@login_required
@require_POST
def workflow_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def start(*, actor: Any, document: Document) -> object:
        return services.workflow_start(actor=actor, document=document, steps=_step_specs(request))

    return _act(request, public_id, start, _("The workflow has started; the first person has been notified."))


@login_required
@require_POST
def paraf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = str(request.POST.get("note", ""))
    return _act(request, public_id, services.paraf_approve, _("Your initials were recorded."), note=note)


@login_required
@require_POST
def send_back(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reason = str(request.POST.get("reason", ""))
    done = _("The document was sent back to its creator.")
    return _act(request, public_id, services.document_send_back, done, reason=reason)


@login_required
@require_POST
def restart(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _act(request, public_id, services.workflow_restart, _("The document was resubmitted."))


@login_required
@require_POST
def resolve_unknown(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    upload = request.FILES.get("file")
    signed_pdf = upload.read() if upload is not None else None
    done = _("The signing call was settled.")
    return _act(request, public_id, services.document_resolve_unknown, done, signed_pdf=signed_pdf)


@never_cache
@sensitive_post_parameters("passphrase")
@login_required
@require_POST
def sign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    passphrase = str(request.POST.get("passphrase", ""))[:MAX_PASSPHRASE]
    totp = str(request.POST.get("totp", "")).strip()[:16]
    done = _("The document was signed.")
    return _act(request, public_id, services.document_sign, done, passphrase=passphrase, totp=totp)


@login_required
@require_GET
def revision_download(request: HttpRequest, public_id: uuid.UUID, seq: int) -> HttpResponse:
    doc = _doc_or_404(request, public_id)
    rev = doc.revisions.filter(seq=seq).first()
    if rev is None:
        raise Http404
    return _pdf_response(bytes(rev.pdf), f"{doc.code}-r{rev.seq}.pdf")


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@sensitive_post_parameters("passphrase")
@login_required
def batch_sign(request: HttpRequest) -> HttpResponse:
    waiting = [d for d in selectors.documents_awaiting(request.user) if _current_is_sign(d)]
    results = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("documents"))
        docs = [d for d in waiting if str(d.public_id) in chosen]
        passphrase = str(request.POST.get("passphrase", ""))[:MAX_PASSPHRASE]
        try:
            results = services.document_sign_batch(actor=request.user, documents_=docs, passphrase=passphrase)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            ok = sum(1 for r in results if r.ok)
            messages.success(request, _("%(ok)d of %(n)d documents signed.") % {"ok": ok, "n": len(results)})
        waiting = [d for d in selectors.documents_awaiting(request.user) if _current_is_sign(d)]
    return render(request, "esign/batch.html", {"waiting": waiting, "results": results})


def _current_is_sign(doc: Document) -> bool:
    step = selectors.step_current(doc)
    return step is not None and step.kind == StepKind.SIGN


@sensitive_post_parameters("passphrase")
@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    is_admin = has_role(request.user, Role.ADMIN_KOTA)
    if request.method == "POST" and is_admin:
        action = request.POST.get("action")
        try:
            if action == "issue":
                user = User.objects.filter(pk=int(request.POST.get("user") or 0)).first()
                if user is None:
                    raise UserNotFound()
                services.certificate_issue(
                    actor=request.user,
                    user=user,
                    passphrase=str(request.POST.get("passphrase", ""))[:MAX_PASSPHRASE],
                )
                messages.success(request, _("The certificate was issued."))
            elif action == "revoke":
                cert_id = _uuid_or_none(request.POST.get("certificate"))
                cert = selectors.certificate_list().filter(public_id=cert_id).first() if cert_id else None
                if cert is None:
                    raise CertificateNotFound()
                services.certificate_revoke(
                    actor=request.user,
                    certificate=cert,
                    reason=str(request.POST.get("reason", "unspecified")),
                )
                messages.success(request, _("The certificate was revoked; CRL and OCSP are updated."))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("esign:certificates")
    certs = (
        selectors.certificate_list()
        if is_admin
        else selectors.certificate_list().filter(user_id=int(request.user.pk or 0))
    )
    return render(
        request,
        "esign/certificates.html",
        {
            "certs": certs,
            "is_admin": is_admin,
            "signers": _signer_choices(),
            "pki_ready": selectors.pki_ready(),
            "cas": selectors.certificate_list().filter(kind__in=[CertKind.ROOT, CertKind.ISSUING]),
        },
    )


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- Public verification -------------------------------------------------------------------------------


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Signed PDF"))


VERIFY_LIMIT = 60


def _verify_key(request: HttpRequest) -> str:
    return f"esign-verify:{client_key(request)}"


def verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and ratelimit.is_limited(
        _verify_key(request), limit=VERIFY_LIMIT, window_s=60
    ):
        form.add_error(None, _("Too many requests. Please wait a moment and try again."))
    elif request.method == "POST" and form.is_valid():
        ratelimit.hit(_verify_key(request), limit=VERIFY_LIMIT, window_s=60)
        upload = form.cleaned_data["file"]
        if not _too_large(form, upload):
            try:
                report = verification.verify_pdf(upload.read())
            except DomainError as exc:
                form.add_error("file", str(exc.message))
    return render(
        request, "esign/verify_upload.html", {"form": form, "report": report, "root_ca": _root_ca()}
    )


def _root_ca() -> dict[str, str] | None:
    """The city root certificate for recipients to import, with its SHA-256 fingerprint (None before
    the PKI is initialised)."""
    try:
        root = selectors.ca_get(CertKind.ROOT)
    except PkiNotReady:
        return None
    return {
        "url": reverse("esign:pki_ca", kwargs={"public_id": root.public_id}),
        "subject": root.subject,
        "fingerprint": pki.fingerprint_sha256(bytes(root.cert_der)),
    }


def _doc_by_code_or_404(code: str) -> Document:
    try:
        return selectors.document_by_code(code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    doc = _doc_by_code_or_404(code)
    latest = selectors.revision_latest(doc)
    report = (
        verification.verify_stored(bytes(latest.pdf), sha256=latest.sha256)
        if doc.signatures.exists()
        else None
    )
    return render(
        request,
        "esign/verify_code.html",
        {
            "doc": doc,
            "latest": latest,
            "report": report,
            "signatures": doc.signatures.order_by("signed_at"),
            "root_ca": _root_ca(),
        },
    )


def verify_download(request: HttpRequest, code: str) -> HttpResponse:
    doc = _doc_by_code_or_404(code)
    latest = selectors.revision_latest(doc)
    return _pdf_response(bytes(latest.pdf), f"{doc.code}.pdf")


# --- PKI endpoints ---------------------------------------------------------------------------------------


def _ca_or_404(public_id: uuid.UUID) -> PkiCertificate:
    try:
        return selectors.ca_by_public_id(public_id)
    except NotFound as exc:
        raise Http404 from exc


@require_GET
def pki_crl(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = HttpResponse(pki.crl_current(ca=_ca_or_404(public_id)), content_type="application/pkix-crl")
    response["Cache-Control"] = "max-age=60"
    return response


@require_GET
def pki_ca(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return HttpResponse(bytes(_ca_or_404(public_id).cert_der), content_type="application/pkix-cert")


def _ocsp_response(body: bytes) -> HttpResponse:
    return HttpResponse(pki.ocsp_answer(body), content_type="application/ocsp-response")


@csrf_exempt
@require_http_methods(["POST"])
def pki_ocsp(request: HttpRequest) -> HttpResponse:
    return _ocsp_response(raw_body(request)[:65536])


@require_GET
def pki_ocsp_get(request: HttpRequest, encoded: str) -> HttpResponse:
    """RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}."""
    try:
        body = base64.b64decode(urllib.parse.unquote(encoded), validate=False)
    except ValueError:
        body = b""
    return _ocsp_response(body)


@csrf_exempt
@require_http_methods(["POST"])
def pki_tsa(request: HttpRequest) -> HttpResponse:
    body = raw_body(request)[:65536]
    if not selectors.pki_ready():
        raise Http404
    return HttpResponse(pki.tsa_answer(body), content_type="application/timestamp-reply")
