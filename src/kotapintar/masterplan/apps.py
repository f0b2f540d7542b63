from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterplanConfig(AppConfig):
    name = "kotapintar.masterplan"
    label = "masterplan"
    verbose_name = _("Master plan")
