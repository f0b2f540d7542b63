"""kotapintar run: the web server, the task worker and each app's own processes, stopped together.

Apps declare extra processes on their AppConfig as `run_processes = [["mqtt-ingest"], ...]`
(kotapintar sub-commands); RUN_EXTRA_PROCESSES=0 leaves them out. Ctrl-C (or SIGTERM) stops all.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with its background worker (and app processes) until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cli = [sys.executable, "-m", "kotapintar"]
        commands: list[tuple[str, list[str]]] = [
            (
                "web",
                [*cli, "runserver", "--noreload", "--skip-checks", f"{options['host']}:{options['port']}"],
            ),
        ]
        if not options["no_worker"]:
            commands.append(("worker", [*cli, "db_worker", "--interval", "1"]))
        if settings.RUN_EXTRA_PROCESSES:
            for config in apps.get_app_configs():
                for extra in getattr(config, "run_processes", []):
                    commands.append((f"{config.label}:{extra[0]}", [*cli, *extra]))
        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for name, cmd in commands:
            self.stdout.write(f"starting {name}: {' '.join(cmd[2:])}")
            children.append((name, subprocess.Popen(cmd)))
        self.stdout.write(
            self.style.SUCCESS(f"Kota Pintar at http://{options['host']}:{options['port']}/ (Ctrl-C stops)")
        )
        try:
            while not stopping:
                for name, proc in children:
                    code = proc.poll()
                    if code is not None and name == "web":
                        self.stderr.write(f"{name} exited with {code}")
                        stopping = True
                time.sleep(0.5)
        finally:
            for _name, proc in children:
                if proc.poll() is None:
                    proc.terminate()
            deadline = time.monotonic() + 10
            for _name, proc in children:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
            self.stdout.write("stopped")
