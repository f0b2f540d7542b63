"""`kotapintar wallet-qris-simulate TOPUP_ID [--fail]`: play the QRIS acquirer in a demo or test.

Sends the signed notification the acquirer would send (same body, same HMAC) through the same code
path as `POST /api/v1/wallet/topups/qris/notify`. Never needed in production."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core.errors import DomainError
from kotapintar.wallet import services


class Command(BaseCommand):
    help = "Simulate the acquirer's notification for a pending QRIS top-up (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("topup_id", type=UUID)
        parser.add_argument("--fail", action="store_true", help="notify a failed payment instead")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = services.topup_qris_simulate(topup_id=options["topup_id"], paid=not options["fail"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"{result.topup_id}: {result.status} (balance {result.card_balance_idr})")
