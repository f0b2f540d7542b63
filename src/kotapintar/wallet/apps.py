from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "kotapintar.wallet"
    label = "wallet"
    verbose_name = _("City card wallet")
    # `kotapintar run` starts these: payments into the audit chain in batches, stale QRIS top-ups voided
    run_processes = [["wallet-audit-payments", "--loop"]]
