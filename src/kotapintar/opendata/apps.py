from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "kotapintar.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        # Each app declares the datasets it produces in its own `datasets.py` (kotapintar.opendata.registry).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("datasets")
