"""`kotapintar wallet-expire-topups`: void pending QRIS top-ups past their expiry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotapintar.wallet import services


class Command(BaseCommand):
    help = "Void pending QRIS top-ups the acquirer never confirmed."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"voided {services.topup_qris_expire()} pending top-ups")
