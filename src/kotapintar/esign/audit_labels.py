"""The TTE audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register(
    {
        "esign.certificate_issue": _("Certificate issued"),
        "esign.certificate_revoke": _("Certificate revoked"),
        "esign.document_generate": _("Document generated from a template"),
        "esign.document_upload": _("Document uploaded"),
        "esign.document_sign": _("Document signed"),
        "esign.paraf": _("Document initialled (paraf)"),
        "esign.pki_init": _("City certificate authority set up"),
        "esign.send_back": _("Document sent back"),
        "esign.sign_outcome_unknown": _("Signing outcome unknown (the signing service did not answer)"),
        "esign.unknown_reopened": _("Unknown signing outcome: document reopened"),
        "esign.unknown_resolved_signed": _("Unknown signing outcome: found signed"),
        "esign.workflow_restart": _("Signing workflow restarted"),
        "esign.workflow_start": _("Signing workflow started"),
    }
)
