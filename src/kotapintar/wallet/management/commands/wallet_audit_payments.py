"""`kotapintar wallet-audit-payments [--loop]`: add payments to the audit hash chain in batches.

With --loop it runs every --interval seconds until SIGTERM/SIGINT (started by `kotapintar run`) and
beats a heartbeat (`core.heartbeats`), so /healthz reports the loop stale if it dies; /healthz also
reports how far behind the audit is (`wallet.selectors.payment_audit_lag`). The rule is in docs/wallet.md."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotapintar.core.heartbeats import Beater, process_identity
from kotapintar.wallet import selectors, services


class Command(BaseCommand):
    help = "Append audit entries for payments not yet in the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        beater = None
        if options["loop"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            beater = Beater(
                name=f"wallet-audit-payments:{process_identity()}",
                role="wallet-audit",
                info=lambda: {"lag_s": selectors.payment_audit_lag()["lag_s"]},
            )
            beater.start()
        try:
            while True:
                total = 0
                while (n := services.payment_audit_batch()) > 0:
                    total += n
                services.topup_qris_expire()
                if total:
                    self.stdout.write(f"audited {total} payments")
                if not options["loop"] or stop.wait(options["interval"]):
                    break
        finally:
            if beater is not None:
                beater.stop()
