"""Writes of the esign app, one module per concept; callers use ``services.<name>``.

- ``certificates``: set up the city PKI, issue and revoke officials' certificates;
- ``documents``: intake of uploaded PDFs, letters from the template, revisions;
- ``workflow``: the ordered steps, initials (paraf), send-back and resubmission;
- ``signing``: the signing of a step, batch signing, settling an unknown outcome.

What the PKI answers (CRL, OCSP, TSA) is in ``kotapintar.esign.pki``.
"""

from kotapintar.esign.services.certificates import (
    MIN_PASSPHRASE,
    PkiInitResult,
    certificate_issue,
    certificate_revoke,
    pki_init,
)
from kotapintar.esign.services.documents import (
    CREATOR_ROLES,
    document_generate,
    document_upload,
    revision_add,
    verify_url,
)
from kotapintar.esign.services.signing import (
    FAST_FALLBACK,
    PASSPHRASE_ATTEMPTS,
    BatchItemResult,
    document_resolve_unknown,
    document_sign,
    document_sign_batch,
    document_sign_file,
    get_backend,
    signing_level,
)
from kotapintar.esign.services.workflow import (
    STAMP_H,
    STAMP_W,
    StepSpec,
    document_send_back,
    paraf_approve,
    workflow_restart,
    workflow_start,
)

__all__ = [
    "CREATOR_ROLES",
    "FAST_FALLBACK",
    "MIN_PASSPHRASE",
    "PASSPHRASE_ATTEMPTS",
    "STAMP_H",
    "STAMP_W",
    "BatchItemResult",
    "PkiInitResult",
    "StepSpec",
    "certificate_issue",
    "certificate_revoke",
    "document_generate",
    "document_resolve_unknown",
    "document_send_back",
    "document_sign",
    "document_sign_batch",
    "document_sign_file",
    "document_upload",
    "get_backend",
    "paraf_approve",
    "pki_init",
    "revision_add",
    "signing_level",
    "verify_url",
    "workflow_restart",
    "workflow_start",
]
