from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "kotapintar.wallet"
    label = "wallet"
    verbose_name = _("City card wallet")
    # `kotapintar run` starts these: payments into the audit chain in batches, stale QRIS top-ups voided
    run_processes = [["wallet-audit-payments", "--loop"]]

    def ready(self) -> None:
        from kotapintar.core.health import health_check_register
        from kotapintar.wallet.selectors import payment_audit_lag

        health_check_register("wallet_payment_audit", payment_audit_lag)
