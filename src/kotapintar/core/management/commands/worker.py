"""`kotapintar worker`: django-tasks-db's `db_worker`, with a heartbeat and the lease sweep.

The library's worker runs the tasks; this command adds what a crash needs (`core.worker`): a heartbeat
row `worker:<worker id>` renewed from a background thread (the lease of the task it runs), and at each
beat the sweep that makes the tasks of dead workers READY again. The worker id defaults to
`host:pid:random`, so each start is a new worker. Every option of `db_worker` applies.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kotapintar.core.heartbeats import Beater
from kotapintar.core.worker import worker_heartbeat_name, worker_id_default, worker_sweep


class Command(DbWorkerCommand):
    help = "Run the task worker (db_worker) with a heartbeat; takes back the tasks of dead workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        options["worker_id"] = options.get("worker_id") or worker_id_default()
        beater = Beater(
            name=worker_heartbeat_name(options["worker_id"]),
            role="worker",
            info=lambda: {"worker_id": options["worker_id"]},
            sweep=worker_sweep,
        )
        beater.start()
        try:
            super().handle(*args, **options)
        finally:
            beater.stop()
