"""Every error code of the esign app, declared once (see kotapintar.core.errors).

The signing hierarchy lives here too. A signing backend (the city PKI through pyHanko, the fast batch
signer, BSrE) raises a `SigningError`: a 409 DomainError whose rows below each name one reason, so
the code a backend gives is the code the API answers with. `SigningRefused` rows are 422: the request
itself cannot succeed as given (a wrong passphrase, an unknown level, an unreadable PDF).

A few rows are classes rather than `declare` rows because another class derives from them and carries
more data (BSrE's status, the time a call took): mypy accepts only classes as bases.

No Django model imports: `backends`, `fastsign` and `bsre` import this module.
"""

from __future__ import annotations

from typing import cast

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    declare,
)

# --- Documents: intake and revisions -----------------------------------------------------------------

FileTooLarge = declare("file_too_large", ValidationFailed, _("The file is larger than the size limit."))
EmptyFile = declare("empty_file", ValidationFailed, _("The file is empty."))
NotPdf = declare("not_pdf", ValidationFailed, _("The file is not a PDF."))
PdfEncrypted = declare(
    "pdf_encrypted",
    ValidationFailed,
    _("The PDF is encrypted or password-protected; upload it without protection."),
)
PdfBroken = declare("pdf_broken", ValidationFailed, _("The PDF is damaged and cannot be read."))
PdfNoPages = declare("pdf_no_pages", ValidationFailed, _("The PDF has no pages."))
PdfCertified = declare(
    "pdf_certified",
    ValidationFailed,
    _(
        "This PDF already carries a certification signature; no new signature fields "
        "may be added to it. Sign the original before it was certified."
    ),
)
PdfaAccessible = declare(
    "pdfa_accessible",
    ValidationFailed,
    _(
        "This PDF declares PDF/A level A (accessible): a new signature field would have to be tagged "
        "in its structure tree, which signing here does not do. Upload a PDF/A-2b or 3b copy, or a "
        "plain PDF."
    ),
)
TitleRequired = declare("title_required", ValidationFailed, _("A title is required."))
TitleTooLong = declare(
    "title_too_long", ValidationFailed, _("The title is too long (at most 255 characters).")
)
NomorRequired = declare("nomor_required", ValidationFailed, _("Letter number and subject are required."))
PerihalRequired = declare("perihal_required", ValidationFailed, _("Letter number and subject are required."))
LetterIncomplete = declare(
    "letter_incomplete", ValidationFailed, _("Recipient, body and signing official are required.")
)
DocumentNotFound = declare("document_not_found", NotFound, _("Document not found."))
CodeNotFound = declare("code_not_found", NotFound, _("No document has this verification code."))
RevisionNotFound = declare("revision_not_found", NotFound, _("The document has no revision."))

# --- Workflow: steps, approvals, returns ----------------------------------------------------------------

NotDocumentOwner = declare(
    "not_document_owner", PermissionDenied, _("Only the creator of the document can do this.")
)
NoSteps = declare("no_steps", ValidationFailed, _("Add at least one signature step."))
TooManySteps = declare("too_many_steps", ValidationFailed, _("At most 12 steps."))
BadStepKind = declare("bad_step_kind", ValidationFailed, _("Unknown step kind."))
NoSignStep = declare("no_sign_step", ValidationFailed, _("Add at least one signature step."))
ParafAfterSign = declare(
    "paraf_after_sign", ValidationFailed, _("Initials (paraf) come before the signatures.")
)
WorkflowStarted = declare(
    "workflow_started", Conflict, _("The workflow of this document has already started.")
)
BadStepActor = declare("bad_step_actor", ValidationFailed, _("Every step needs an active user."))
NotSigner = declare("not_signer", ValidationFailed, _("This user is not a signing official."))
NotCityStaff = declare(
    "not_city_staff", ValidationFailed, _("Only city staff can be asked for initials (paraf).")
)
BadPage = declare("bad_page", ValidationFailed, _("This page does not exist in the document."))
StampOutsidePage = declare("stamp_outside_page", ValidationFailed, _("The stamp does not fit on the page."))
NotInProgress = declare("not_in_progress", Conflict, _("This document is not waiting for anyone."))
StepOutOfOrder = declare(
    "step_out_of_order", Conflict, _("It is not your turn yet: an earlier step is still open.")
)
NotYourStep = declare("not_your_step", PermissionDenied, _("You have no step on this document."))
WrongStepKind = declare("wrong_step_kind", Conflict, _("The current step is not this action."))
ReasonRequired = declare(
    "reason_required", ValidationFailed, _("Give a reason for sending the document back.")
)
NotReturned = declare("not_returned", Conflict, _("Only a document that was sent back can be resubmitted."))
AlreadySigned = declare(
    "already_signed", Conflict, _("The document already carries signatures; create a new document instead.")
)

# --- Certificates and the city PKI -------------------------------------------------------------------------

PkiNotReady = declare(
    "pki_not_ready", NotFound, _("The city PKI is not initialised (run kotapintar pki-init).")
)
CaNotFound = declare("ca_not_found", NotFound, _("Unknown certification authority."))
CertificateNotFound = declare("certificate_not_found", NotFound, _("Unknown certificate."))
PassphraseTooShort = declare("passphrase_too_short", ValidationFailed, _("The passphrase is too short."))
BadValidity = declare("bad_validity", ValidationFailed, _("Validity must be 1 to 5 years."))
BadReason = declare("bad_reason", ValidationFailed, _("Unknown revocation reason."))
RootNotRevocable = declare("root_not_revocable", Conflict, _("The root CA cannot be revoked."))
AlreadyRevoked = declare("already_revoked", Conflict, _("This certificate is already revoked."))

# --- Signing ---------------------------------------------------------------------------------------------


class SigningError(Conflict):
    """A signing backend failed: the document was not signed. Raise one of the rows below."""

    code = "signing_failed"
    default_message = _("Signing failed.")


class SigningRefused(SigningError):
    """The request to sign cannot succeed as given (422). A base only: raise one of its rows."""

    status = 422


class WrongPassphrase(SigningRefused):
    code = "wrong_passphrase"
    default_message = _("The passphrase is wrong.")


class OutcomeUnknown(SigningError):
    """The remote call timed out: the document may or may not have been signed. Never retry blindly."""

    code = "outcome_unknown"
    default_message = _(
        "The signing service did not answer in time; the outcome is unknown. An operator must check it."
    )


class CertificateExpired(SigningError):
    code = "certificate_expired"
    default_message = _("This certificate has expired and cannot sign.")


class CertificateRevoked(SigningError):
    code = "certificate_revoked"
    default_message = _("This certificate has been revoked and cannot sign.")


CertificateNotYetValid = declare(
    "certificate_not_yet_valid", SigningError, _("This certificate is not valid yet.")
)
NoCertificate = declare("no_certificate", SigningError, _("You have no valid signing certificate."))
KeySealMismatch = declare(
    "key_seal_mismatch",
    SigningError,
    _(
        "This server cannot open the signing key: its key-encryption key (KEY_ENCRYPTION_KEY) is not the one "
        "the key was stored with. Ask the administrator."
    ),
)
NotIncremental = declare("not_incremental", SigningError, _("A new revision must extend the previous one."))
UnknownBackend = declare("unknown_backend", SigningError, _("The configured signing backend is unknown."))
BadLevel = declare("bad_level", SigningRefused, _("Unknown signature level."))
BadPdf = declare("bad_pdf", SigningRefused, _("The PDF cannot be signed: it is damaged or protected."))
PassphraseLocked = declare(
    "passphrase_locked",
    RateLimited,
    _("Too many wrong passphrases. Signing is locked for a few minutes; try again later."),
)
PassphraseRequired = declare("passphrase_required", SigningRefused, _("Enter your passphrase."))
NoDocuments = declare("no_documents", SigningRefused, _("Choose at least one document."))
NotUnknown = declare("not_unknown", Conflict, _("This document has no signing call with an unknown outcome."))
NotTheSignedRevision = declare(
    "not_the_signed_revision",
    ValidationFailed,
    _("This file does not add a signature to the current revision."),
)

# The fast batch signer (fastsign).
BadItem = declare("bad_item", SigningError, _("A batch item must be the bytes of a PDF."))
TsaRequired = declare("tsa_required", SigningError, _("A timestamp authority is needed for B-T and B-LT."))
RevocationRequired = declare("revocation_required", SigningError, _("Revocation data is needed for B-LT."))
PlaceholderTooSmall = declare(
    "placeholder_too_small", SigningError, _("The signature is larger than the space reserved for it.")
)
TsaUnavailable = declare("tsa_unavailable", SigningError, _("The timestamp authority cannot be reached."))
TsaRefused = declare("tsa_refused", SigningError, _("The timestamp authority refused the request."))
TsaMismatch = declare("tsa_mismatch", SigningError, _("The timestamp token does not match the request."))
RevocationUnavailable = declare(
    "revocation_unavailable", SigningError, _("The revocation data (CRL or OCSP) cannot be fetched.")
)

# Keys in a PKCS#11 token (tokens.py): the platform's token configuration, not the signer's passphrase.
TokenUnavailable = declare(
    "token_unavailable",
    SigningError,
    _("The key token cannot be used: its PKCS#11 module is not configured or cannot be loaded."),
)
TokenMissing = declare("token_missing", SigningError, _("The key token is not present."))
TokenPinWrong = declare("token_pin_wrong", SigningError, _("The key token refused the configured PIN."))
TokenPinLocked = declare(
    "token_pin_locked", SigningError, _("The key token's PIN is locked; an administrator must unlock it.")
)
TokenKeyMissing = declare("token_key_missing", SigningError, _("The signer's key is not in the key token."))

# --- BSrE (certified TTE) ---------------------------------------------------------------------------------


class BsreError(SigningError):
    """BSrE answered with a definite error: the document was not signed. Raise one of its rows."""

    code = "bsre_error"
    default_message = _("BSrE reported an error.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        detail: object = None,
        http_status: int | None = None,
        bsre_code: int | None = None,
        bsre_message: str = "",
    ) -> None:
        super().__init__(message, detail=detail)
        self.http_status = http_status
        self.bsre_code = bsre_code
        self.bsre_message = bsre_message


def _bsre_row(code: str, base: type[BsreError], message: str | Promise) -> type[BsreError]:
    """`declare` for a BSrE row, typed so that callers may pass BSrE's status and code."""
    return cast("type[BsreError]", declare(code, base, message))


BsreNotRegistered = _bsre_row("bsre_not_registered", BsreError, _("The signer is not registered at BSrE."))
BsreNoCertificate = _bsre_row(
    "bsre_no_certificate", BsreError, _("The signer has no active BSrE certificate.")
)
BsreUnauthorised = _bsre_row("bsre_unauthorised", BsreError, _("BSrE refused the agency credentials."))
BsreBadRequest = _bsre_row("bsre_bad_request", BsreError, _("BSrE rejected the request."))
BsreNotAPdf = _bsre_row("not_a_pdf", BsreBadRequest, _("The file is not a PDF."))
BadTotp = _bsre_row("bad_totp", BsreBadRequest, _("The TOTP code must be 6 to 8 digits."))
BadNik = _bsre_row("bad_nik", BsreBadRequest, _("A NIK has exactly 16 digits."))
NoIdentity = _bsre_row(
    "no_identity", BsreBadRequest, _("A NIK or an e-mail address identifies the BSrE signer.")
)
BsreServerError = _bsre_row("bsre_server_error", BsreError, _("BSrE reported an internal error."))
BsreBadResponse = _bsre_row(
    "bsre_bad_response", BsreServerError, _("BSrE sent a verification report that cannot be read.")
)
BsreUnavailable = _bsre_row("bsre_unavailable", BsreError, _("BSrE cannot be reached."))
BsreTimeout = _bsre_row("bsre_timeout", BsreUnavailable, _("BSrE did not answer in time."))
BsreNotConfigured = _bsre_row("bsre_not_configured", BsreError, _("BSrE is not configured (BSRE_BASE_URL)."))
BsreCertifyUnsupported = declare(
    "bsre_certify_unsupported",
    SigningError,
    _("BSrE cannot make a certification signature; use an approval signature."),
)
BsreLevelUnsupported = declare(
    "bsre_level_unsupported", SigningError, _("BSrE signatures are PAdES B-T; B-LT is not available.")
)
BsreNotIncremental = declare(
    "bsre_not_incremental",
    SigningError,
    _("BSrE returned a rewritten file instead of an incremental update."),
)
