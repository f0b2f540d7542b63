from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlroomConfig(AppConfig):
    name = "kotapintar.controlroom"
    label = "controlroom"
    verbose_name = _("Control room")
