from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatikConfig(AppConfig):
    name = "kotapintar.batik"
    label = "batik"
    verbose_name = _("Batik Fusion")

    def ready(self) -> None:
        from kotapintar.batik import wallet_port

        wallet_port.event_catalogue_register()
