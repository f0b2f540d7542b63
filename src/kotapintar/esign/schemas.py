"""Request and response schemas of the esign API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class StepOut(Schema):
    order: int
    kind: str
    actor: str
    status: str
    page: int
    note: str
    done_at: datetime | None


class SignatureOut(Schema):
    signer: str
    title: str
    field: str
    certify: bool
    backend: str
    legal_level: str
    level: str
    signed_at: datetime


class RevisionOut(Schema):
    seq: int
    sha256: str
    size: int
    reason: str
    created_at: datetime


class DocumentOut(Schema):
    id: UUID
    code: str
    title: str
    number: str
    source: str
    status: str
    original_sha256: str
    verify_url: str
    created_at: datetime


class DocumentDetailOut(DocumentOut):
    return_reason: str
    steps: list[StepOut]
    signatures: list[SignatureOut]
    revisions: list[RevisionOut]


class LetterIn(Schema):
    nomor: str = Field(min_length=1, max_length=120)
    perihal: str = Field(min_length=1, max_length=255)
    tujuan: str = Field(min_length=1, max_length=500)
    isi: str = Field(min_length=1, max_length=20000)
    penandatangan: str = Field(min_length=1, max_length=150, description="username of the signing official")


class StepIn(Schema):
    kind: Literal["paraf", "sign"]
    username: str = Field(min_length=1, max_length=150)
    page: int | None = Field(default=None, ge=1, le=10000)
    x: float | None = Field(default=None, ge=0, le=10000)
    y: float | None = Field(default=None, ge=0, le=10000)


class WorkflowIn(Schema):
    steps: list[StepIn] = Field(min_length=1, max_length=12)


class NoteIn(Schema):
    note: str = Field(default="", max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class SignIn(Schema):
    passphrase: str = Field(default="", max_length=256)
    totp: str = Field(default="", max_length=16)
    level: Literal["B-B", "B-T", "B-LT"] | None = None


class BatchIn(Schema):
    documents: list[UUID] = Field(min_length=1, max_length=500)
    passphrase: str = Field(min_length=1, max_length=256)
    level: Literal["B-B", "B-T", "B-LT"] | None = None


class BatchItemOut(Schema):
    id: UUID
    code: str
    ok: bool
    result: str
    message: str


class SignerReportOut(Schema):
    name: str = ""
    nip: str = ""
    title: str = ""
    opd: str = ""
    organization: str = ""
    serial: str = ""
    issuer: str = ""


class TimestampReportOut(Schema):
    present: bool
    time: str | None = None
    time_local: str | None = None
    valid: bool | None = None


class RevocationReportOut(Schema):
    status: str
    revoked_at: str | None = None


ChangeKind = Literal[
    "pages", "page_content", "annotations", "form_fields", "fonts", "xobjects", "catalog", "other"
]


class ModificationReportOut(Schema):
    coverage: str | None
    level: str | None
    docmdp_ok: bool | None
    changed_after_signing: bool
    changes_allowed: bool
    changes: list[ChangeKind] = []


class IntegrityCheckOut(Schema):
    code: Literal["digest_ok", "digest_mismatch", "bad_signature", "unreadable_signature"]
    ok: bool | None
    label: str = ""


class TrustCheckOut(Schema):
    code: Literal["trusted", "untrusted", "certificate_revoked", "not_checked"]
    ok: bool | None
    label: str = ""


class RevocationCheckOut(Schema):
    code: Literal["good", "revoked_before_signing", "revoked_after_signing", "unknown"]
    ok: bool | None
    label: str = ""


class TimestampCheckOut(Schema):
    code: Literal["timestamp_ok", "timestamp_absent", "bad_timestamp"]
    ok: bool | None
    label: str = ""


class ModificationCheckOut(Schema):
    code: Literal["unchanged", "validation_data_added", "form_fill", "disallowed_change", "not_checked"]
    ok: bool | None
    label: str = ""
    changes: list[ChangeKind] = []


class CoverageCheckOut(Schema):
    code: Literal["entire_file", "entire_revision", "partial_coverage", "bad_byte_range"]
    ok: bool | None
    label: str = ""


class ChecksOut(Schema):
    """Each check of a signature on its own, with a stable code (``ok`` null: not decided)."""

    integrity: IntegrityCheckOut
    trust: TrustCheckOut
    revocation: RevocationCheckOut
    timestamp: TimestampCheckOut
    modification: ModificationCheckOut
    coverage: CoverageCheckOut


class DocmdpOut(Schema):
    level: int | None
    label: str


class SignatureReportOut(Schema):
    field: str | None
    valid: bool
    intact: bool
    signature_valid: bool
    trusted: bool
    signer: SignerReportOut
    signing_time: str | None = None
    signing_time_local: str | None = None
    claimed_time: str | None = None
    chain: list[str] = []
    timestamp: TimestampReportOut | None = None
    revocation: RevocationReportOut | None = None
    certification: bool = False
    docmdp: DocmdpOut | None = None
    checks: ChecksOut | None = None
    modification: ModificationReportOut | None = None
    problems: list[str]
    reasons: list[str]
    details: list[str] = []


class VerifyReportOut(Schema):
    conclusion: Literal["VALID", "INVALID", "NO_SIGNATURE"]
    valid: bool
    sha256: str
    size: int
    signature_count: int
    signatures: list[SignatureReportOut]


class PublicSignerOut(Schema):
    name: str
    title: str
    signed_at: datetime
    legal_level: str


class PublicDocumentOut(Schema):
    code: str
    title: str
    number: str
    status: str
    sha256: str
    download_url: str
    signers: list[PublicSignerOut]
    report: VerifyReportOut | None


class CertificateOut(Schema):
    id: UUID
    kind: str
    common_name: str
    subject: str
    serial: str
    nip: str
    title: str
    username: str | None
    not_before: datetime
    not_after: datetime
    revoked: bool
    revoked_at: datetime | None


class CertificateIssueIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    passphrase: str = Field(min_length=8, max_length=256)
    years: int = Field(default=2, ge=1, le=5)


class RevokeIn(Schema):
    reason: Literal[
        "unspecified",
        "key_compromise",
        "affiliation_changed",
        "superseded",
        "cessation_of_operation",
        "certificate_hold",
    ] = "unspecified"
    note: str = Field(default="", max_length=255)
