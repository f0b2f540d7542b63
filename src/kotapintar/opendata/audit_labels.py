"""The open data audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register({"opendata.publication": _("Dataset publication changed")})
