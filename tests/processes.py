"""The database a test's subprocesses (workers, `kotapintar run`) see, and a way to wait for them.

On PostgreSQL it is the test database itself; on SQLite a file copy of the in-memory test database,
read back through sqlite3 (the test's own connection does not see the file).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection


class ProcessDatabase:
    def __init__(self, tmp: Path) -> None:
        self.is_pg = connection.vendor == "postgresql"
        self.path = tmp / "processes.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a subprocess on this database (after the test's data is written)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(KOTAPINTAR_TESTING="1", PYTHONPATH=os.pathsep.join(sys.path), **extra)
        if self.is_pg:
            s = connection.settings_dict
            auth = f"{s['USER']}:{s['PASSWORD']}" if s.get("PASSWORD") else s["USER"]
            host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            env["DATABASE_URL"] = f"postgres://{auth}@{host}/{s['NAME']}"
        else:
            connection.ensure_connection()
            dest = sqlite3.connect(self.path)
            connection.connection.backup(dest)
            dest.close()
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(self.path)
        return env

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.is_pg:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())
        with sqlite3.connect(self.path, timeout=30) as db:
            return list(db.execute(sql).fetchall())


def wait_for(check: Callable[..., object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
