from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloodConfig(AppConfig):
    name = "kotapintar.flood"
    label = "flood"
    verbose_name = _("Flood and rob")
