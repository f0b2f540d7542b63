"""kotapintar run: the web server, the task worker and each app's own processes, supervised.

Apps declare extra processes on their AppConfig as `run_processes = [["mqtt-ingest"], ...]`
(kotapintar sub-commands); RUN_EXTRA_PROCESSES=0 leaves them out. A child that dies is restarted with
back-off and the log says so (`core.supervisor`); `run` itself beats as `run:<host>:<pid>` with each
child's pid and restart count. Ctrl-C (or SIGTERM) stops all.

Unless SITE_URL is set, the children get ``SITE_URL=http://HOST:PORT`` of this server, so that QR codes,
certificate URLs and CAP links point at the address it answers at (``PORT=8765 make run``).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand

from kotapintar.core import siteurl
from kotapintar.core.heartbeats import Beater, process_identity
from kotapintar.core.supervisor import Supervisor


class Command(BaseCommand):
    help = "Serve the platform with its background worker (and app processes) until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not os.environ.get("SITE_URL"):
            os.environ["SITE_URL"] = siteurl.for_bind(options["host"], options["port"])
        settings.SITE_URL = os.environ["SITE_URL"].rstrip("/")
        for message in checks.run_checks(tags=["site_url"], include_deployment_checks=True):
            self.stderr.write(str(message))
        cli = [sys.executable, "-m", "kotapintar"]
        commands: list[tuple[str, list[str]]] = [
            (
                "web",
                [*cli, "runserver", "--noreload", "--skip-checks", f"{options['host']}:{options['port']}"],
            ),
        ]
        if not options["no_worker"]:
            commands.append(("worker", [*cli, "worker", "--interval", "1", "--no-reload"]))
        if settings.RUN_EXTRA_PROCESSES:
            for config in apps.get_app_configs():
                for extra in getattr(config, "run_processes", []):
                    commands.append((f"{config.label}:{extra[0]}", [*cli, *extra]))
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        supervisor = Supervisor(commands)
        supervisor.start()
        beater = Beater(name=f"run:{process_identity()}", role="run", info=supervisor.status)
        beater.start()
        self.stdout.write(
            self.style.SUCCESS(
                f"Kota Pintar at http://{options['host']}:{options['port']}/, "
                f"SITE_URL {os.environ['SITE_URL']} (Ctrl-C stops)"
            )
        )
        try:
            supervisor.run(lambda: stopping)
        finally:
            supervisor.stop()
            beater.stop()
            self.stdout.write("stopped")
