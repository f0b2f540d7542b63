"""The control room's audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register(
    {
        "controlroom.display_create": _("Control room display link created"),
        "controlroom.display_revoke": _("Control room display link revoked"),
    }
)
