"""TTE: the city PKI (certificates, CRL numbers, revocations), documents and their revisions,
signing workflows (paraf and signature steps) and signature records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotapintar.core.models import OPD


class CertKind(models.TextChoices):
    ROOT = "root", _("Root CA")
    ISSUING = "issuing", _("Issuing CA")
    OFFICIAL = "official", _("Official")
    TSA = "tsa", _("Timestamp authority")
    OCSP = "ocsp", _("OCSP responder")


class KeyProtection(models.TextChoices):
    KEK = "kek", _("Key-encryption key of the platform")
    PASSPHRASE = "passphrase", _("Holder's passphrase")
    TOKEN = "token", _("PKCS#11 token")


class PkiCertificate(models.Model):
    """A certificate of the city PKI with its private key, encrypted at rest (PKCS#8) — or, for an official
    whose key lives in a PKCS#11 token (``key_protection`` "token"), the token's label and the key's
    ``CKA_ID`` (hex) instead, with a hash of the holder's passphrase (Django's password hasher) that
    each signature is checked against; ``key_pem`` is then empty."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CertKind.choices)
    issuer = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="issued")
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    common_name = models.CharField(_("name"), max_length=255)
    subject = models.TextField(_("subject"))
    nip = models.CharField(_("NIP"), max_length=32, blank=True)
    title = models.CharField(_("position"), max_length=255, blank=True)
    opd = models.ForeignKey(OPD, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="esign_certificates",
    )
    cert_der = models.BinaryField()
    key_pem = models.BinaryField()
    key_protection = models.CharField(max_length=16, choices=KeyProtection.choices)
    token_label = models.CharField(max_length=64, blank=True)
    token_key_id = models.CharField(max_length=64, blank=True)
    passphrase_hash = models.CharField(max_length=255, blank=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.common_name} ({self.get_kind_display()})"

    @property
    def is_revoked(self) -> bool:
        return hasattr(self, "revocation")


class Revocation(models.Model):
    certificate = models.OneToOneField(PkiCertificate, on_delete=models.PROTECT, related_name="revocation")
    revoked_at = models.DateTimeField(_("revoked at"))
    reason = models.CharField(_("reason"), max_length=32, default="unspecified")
    note = models.CharField(_("note"), max_length=255, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.certificate_id} @ {self.revoked_at:%Y-%m-%d}"


class CrlState(models.Model):
    """The current CRL of a CA and its monotonically increasing CRL number."""

    ca = models.OneToOneField(PkiCertificate, on_delete=models.PROTECT, related_name="crl_state")
    number = models.PositiveBigIntegerField(default=0)
    crl_der = models.BinaryField(default=b"")
    this_update = models.DateTimeField(null=True, blank=True)
    next_update = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"CRL {self.ca_id} #{self.number}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Sent back")
    SIGNED = "signed", _("Signed")
    UNKNOWN = "unknown", _("Outcome unknown")


class DocumentSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded PDF")
    TEMPLATE = "template", _("Letter template")


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=255)
    number = models.CharField(_("letter number"), max_length=120, blank=True)
    source = models.CharField(max_length=16, choices=DocumentSource.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    opd = models.ForeignKey(OPD, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_sha256 = models.CharField(max_length=64)
    return_reason = models.TextField(_("reason sent back"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class DocumentRevision(models.Model):
    """One stored version of the PDF. Revision n+1 starts with the exact bytes of revision n."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    seq = models.PositiveIntegerField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    reason = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "seq"]
        constraints = [models.UniqueConstraint(fields=["document", "seq"], name="esign_revision_unique_seq")]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.seq}"

    @property
    def reason_display(self) -> str:
        labels = {
            "upload": _("Original"),
            "fields": _("Signature fields prepared"),
            "signature": _("Signature"),
        }
        return str(labels.get(self.reason, self.reason))


class StepKind(models.TextChoices):
    PARAF = "paraf", _("Initials (paraf)")
    SIGN = "sign", _("Signature")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Sent back")


class WorkflowStep(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=StepKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)
    field_name = models.CharField(max_length=64, blank=True)
    page = models.PositiveIntegerField(default=1)
    x = models.FloatField(default=350)
    y = models.FloatField(default=60)
    width = models.FloatField(default=200)
    height = models.FloatField(default=80)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "order"], name="esign_step_unique_order")]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.order} {self.kind}"


class SignatureRecord(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signatures")
    step = models.OneToOneField(WorkflowStep, null=True, on_delete=models.SET_NULL, related_name="signature")
    revision = models.ForeignKey(DocumentRevision, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(
        PkiCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=255)
    signer_title = models.CharField(max_length=255, blank=True)
    field_name = models.CharField(max_length=64)
    certify = models.BooleanField(default=False)
    backend = models.CharField(max_length=16)
    legal_level = models.CharField(max_length=32)
    level = models.CharField(max_length=8)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "signed_at"]

    def __str__(self) -> str:
        return f"{self.signer_name} @ {self.signed_at:%Y-%m-%d %H:%M}"
