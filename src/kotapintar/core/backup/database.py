"""The database part of a backup: PostgreSQL through pg_dump/pg_restore, SQLite through its backup API."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from kotapintar.core.errors import (
    BackupCorrupt,
    BackupFromNewerVersion,
    BackupToolFailed,
    BackupToolMissing,
    BackupToolTooOld,
    RestoreTargetNotEmpty,
)

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
FILES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}


def engine() -> str:
    vendor = str(connection.vendor)
    if vendor not in FILES:
        raise BackupToolMissing(detail=f"unsupported database engine {vendor}")
    return vendor


def migration_heads() -> list[str]:
    """The latest applied migration of each app ("app.0042_name"), sorted: an applied migration with
    no applied successor in its own app (other apps' migrations depend on it too)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    heads = []
    for node in applied:
        children = loader.graph.node_map[node].children if node in loader.graph.node_map else set()
        if not any(child.key in applied and child.key[0] == node[0] for child in children):
            heads.append(f"{node[0]}.{node[1]}")
    return sorted(heads)


def check_heads_known(heads: list[str]) -> None:
    """Refuse a backup whose schema is newer than this code (it would not run on it)."""
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    unknown = [h for h in heads if tuple(h.split(".", 1)) not in known]
    if unknown:
        raise BackupFromNewerVersion(detail=unknown)


def is_empty() -> bool:
    """No table at all: a database made with createdb (or a new SQLite file), never migrated."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def check_empty(force: bool) -> None:
    if not force and not is_empty():
        raise RestoreTargetNotEmpty(detail="database")


# --- PostgreSQL ---------------------------------------------------------------------------------


def _major(version_text: str) -> int:
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_text) or re.search(r"(\d+)", version_text)
    return int(match.group(1)) if match else 0


def _server_major() -> int:
    connection.ensure_connection()
    return int(getattr(connection, "pg_version", 0)) // 10000


def pg_tool(name: str, *, at_least: int) -> tuple[str, int]:
    """The path of pg_dump / pg_restore (PATH, then Debian's versioned folder) and its major version."""
    candidates = [shutil.which(name), f"/usr/lib/postgresql/{at_least}/bin/{name}"]
    found = [c for c in candidates if c and os.access(c, os.X_OK)]
    if not found:
        raise BackupToolMissing(detail=name)
    best: tuple[str, int] | None = None
    for path in found:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
        major = _major(out)
        if major >= at_least:
            return path, major
        best = best or (path, major)
    assert best is not None
    raise BackupToolTooOld(detail=f"{name} {best[1]} < {at_least}")


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = connection.settings_dict
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return [*args, "--no-password"], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupToolFailed(detail=f"{Path(command[0]).name}: {done.stderr.strip()[-2000:]}")


def pg_dump(target: Path) -> dict[str, str]:
    """A custom-format dump of the whole database (one consistent snapshot)."""
    server = _server_major()
    tool, major = pg_tool("pg_dump", at_least=server)
    args, env = _pg_args_env()
    _run([tool, *args, "--format=custom", "--file", str(target), str(connection.settings_dict["NAME"])], env)
    return {"server_version": str(server), "tool_version": str(major)}


def pg_restore(source: Path, *, tool_version: int, force: bool) -> None:
    """Restore into the configured database, in one transaction, owned by the connecting role."""
    tool, _major_found = pg_tool("pg_restore", at_least=max(tool_version, _server_major()))
    args, env = _pg_args_env()
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    name = str(connection.settings_dict["NAME"])
    _run(
        [tool, *args, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         "--dbname", name, str(source)],
        env,
    )  # fmt: skip


def pg_check_archive(source: Path, *, tool_version: int) -> None:
    tool, _major_found = pg_tool("pg_restore", at_least=tool_version)
    args, env = _pg_args_env()
    try:
        _run([tool, "--list", str(source)], env)
    except BackupToolFailed as exc:
        raise BackupCorrupt(detail=exc.detail) from exc


# --- SQLite -------------------------------------------------------------------------------------


def sqlite_dump(target: Path) -> dict[str, str]:
    """A page-by-page copy through the online backup API: consistent while the platform writes."""
    connection.ensure_connection()
    sqlite_copy(connection.connection, target)
    return {"server_version": sqlite3.sqlite_version, "tool_version": sqlite3.sqlite_version}


def sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        # One self-contained file: a WAL-mode copy would make every reader create -wal/-shm files
        # beside it (in the backup folder, which may be read-only media).
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()


def _read_only_uri(path: Path) -> str:
    """Open without writing anything, not even a -shm file: the backup folder stays as it was."""
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def sqlite_check_archive(source: Path) -> None:
    try:
        db = sqlite3.connect(_read_only_uri(source), uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupCorrupt(detail=f"database: {exc}") from exc
    if not result or result[0] != "ok":
        raise BackupCorrupt(detail=f"database: {result}")


def sqlite_restore(source: Path) -> None:
    """Copy the backup over the configured database through the backup API (the file stays in place)."""
    connection.ensure_connection()
    dest: sqlite3.Connection = connection.connection
    src = sqlite3.connect(_read_only_uri(source), uri=True)
    try:
        src.backup(dest)
    finally:
        src.close()
    connection.close()
