"""`kotapintar heartbeats`: the processes that beat, their heartbeat's age; `--forget NAME` removes the
row of a process that is gone for good (its machine was lost), which /healthz reports stale until then."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core import selectors
from kotapintar.core.heartbeats import heartbeat_stop


class Command(BaseCommand):
    help = "List the processes' heartbeats (name, host, pid, age); --forget NAME removes a dead one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forget", metavar="NAME", help="remove this process's heartbeat row")

    def handle(self, *args: Any, **options: Any) -> None:
        processes = selectors.processes_health()
        if options["forget"]:
            if options["forget"] not in {p["name"] for p in processes}:
                raise CommandError(f"no heartbeat named {options['forget']!r}")
            heartbeat_stop(name=options["forget"])
            self.stdout.write(f"forgot {options['forget']}")
            return
        for p in processes:
            state = "STALE" if p["stale"] else "ok"
            self.stdout.write(f"{state:5} {p['age_s']:>8.1f} s  {p['name']}  ({p['host']} pid {p['pid']})")
        if any(p["stale"] for p in processes):
            raise SystemExit(1)
