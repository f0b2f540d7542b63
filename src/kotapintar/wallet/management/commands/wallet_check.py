"""`kotapintar wallet-check`: the ledger invariants. Exit 1 when any fails.

All account balances sum to zero; every balance equals its credits minus its debits in the transfer
log; no card or merchant account is below zero."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.lib.money import format_idr
from kotapintar.wallet import selectors


class Command(BaseCommand):
    help = "Check the wallet ledger: sums to zero, balances match transfers, nothing negative."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        check = selectors.ledger_check()
        if options["json"]:
            self.stdout.write(json.dumps(asdict(check)))
        else:
            self.stdout.write(f"accounts: {check.accounts}  transfers: {check.transfers}")
            self.stdout.write(f"sum of all balances: {format_idr(check.total_idr)} (must be Rp0)")
            for code in check.negative_accounts:
                self.stdout.write(self.style.ERROR(f"negative: {code}"))
            for code in check.mismatched_accounts:
                self.stdout.write(self.style.ERROR(f"balance differs from its transfers: {code}"))
        if not check.ok:
            raise CommandError("the wallet ledger is NOT consistent", returncode=1)
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("ledger OK"))
