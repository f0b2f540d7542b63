"""backup_create and backup_restore: the two operations behind `kotapintar backup` / `kotapintar restore`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils import timezone

import kotapintar
from kotapintar.core.backup import database, keyfiles, sealing
from kotapintar.core.errors import (
    BackupCorrupt,
    BackupEngineMismatch,
    BackupFolderNotEmpty,
    BackupInvalid,
    BackupNotFound,
    RestoreTargetNotEmpty,
)
from kotapintar.core.keys import KEY_MATERIAL

FORMAT = "kotapintar-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEYS = "keys.sealed"
MEDIA = "media"


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    engine: str
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    media_files: int
    keys_written: list[Path] = field(default_factory=list)
    keys_unchanged: list[str] = field(default_factory=list)
    env_names: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _associated(manifest: dict[str, Any]) -> bytes:
    """What the sealed keys are bound to: the manifest without the keys file's own entry."""
    bound = {k: v for k, v in manifest.items() if k != "files"}
    bound["files"] = {k: v for k, v in manifest["files"].items() if k != KEYS}
    return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup_create(*, out: Path, passphrase: str) -> BackupResult:
    """Write a complete backup into `out` (new or empty). manifest.json is written last: a folder
    without it is an interrupted backup, which restore refuses."""
    sealing.seal(b"", passphrase=passphrase, associated=b"")  # a weak passphrase fails before any work
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupFolderNotEmpty(detail=str(out))
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return _write_backup(out, passphrase)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise


def _write_backup(out: Path, passphrase: str) -> BackupResult:
    engine = database.engine()
    db_file = out / database.FILES[engine]
    started = timezone.now()
    versions = database.pg_dump(db_file) if engine == database.POSTGRESQL else database.sqlite_dump(db_file)
    heads = database.migration_heads()
    media_root = _media_root()
    for source in _media_files(media_root):
        target = out / MEDIA / source.relative_to(media_root)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(source, target)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kotapintar_version": kotapintar.__version__,
        "created_at": started.isoformat(),
        "database": {"engine": engine, "file": db_file.name, **versions},
        "migration_heads": heads,
        "keys": [item.setting for item in KEY_MATERIAL],
        "files": {},
    }
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        path.chmod(0o600)  # the whole city's data: readable by the operator only
        manifest["files"][path.relative_to(out).as_posix()] = {
            "sha256": _sha256(path),
            "size": path.stat().st_size,
        }
    sealed = sealing.seal(keyfiles.collect(), passphrase=passphrase, associated=_associated(manifest))
    keyfiles.write_private(out / KEYS, sealed)
    manifest["files"][KEYS] = {"sha256": hashlib.sha256(sealed).hexdigest(), "size": len(sealed)}
    keyfiles.write_private(out / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    total = sum(int(f["size"]) for f in manifest["files"].values())
    return BackupResult(folder=out, engine=engine, files=len(manifest["files"]), bytes=total)


def manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupNotFound(detail=str(folder))
    try:
        manifest: dict[str, Any] = json.loads(path.read_bytes())
        ok = (
            manifest.get("format") == FORMAT
            and manifest.get("format_version") == FORMAT_VERSION
            and isinstance(manifest.get("files"), dict)
            and isinstance(manifest.get("migration_heads"), list)
            and manifest.get("database", {}).get("engine") in database.FILES
            and KEYS in manifest["files"]
            and manifest["database"].get("file") in manifest["files"]
        )
    except (ValueError, AttributeError) as exc:
        raise BackupInvalid(detail=str(exc)) from exc
    if not ok:
        raise BackupInvalid()
    return manifest


def manifest_check(folder: Path, manifest: dict[str, Any]) -> None:
    """Every listed file present with its hash; no path leaving the folder; nothing unlisted."""
    root = folder.resolve()
    for name, entry in manifest["files"].items():
        path = (folder / name).resolve()
        parts = PurePosixPath(name).parts
        if root not in path.parents or ".." in parts or PurePosixPath(name).is_absolute():
            raise BackupInvalid(detail=name)
        if not path.is_file():
            raise BackupCorrupt(detail=f"{name}: missing")
        if path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
            raise BackupCorrupt(detail=f"{name}: sha256 differs")
    listed = set(manifest["files"]) | {MANIFEST}
    extra = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    unlisted = sorted(set(extra) - listed)
    if unlisted:
        raise BackupCorrupt(detail=f"not in the manifest: {', '.join(unlisted[:5])}")


def backup_restore(
    *,
    folder: Path,
    passphrase: Callable[[], str],
    force: bool = False,
    secrets_out: Path | None = None,
) -> RestoreResult:
    """Check everything, then write the database, the media and the keys.

    Refused before anything is written: no or unreadable manifest, a file that does not match it,
    another engine, migrations this code does not know, a non-empty database or media folder
    (unless `force`), a wrong passphrase, environment secrets that differ without `secrets_out`.
    `passphrase` is asked only once the files have been checked."""
    manifest = manifest_read(folder)
    manifest_check(folder, manifest)
    engine = manifest["database"]["engine"]
    if engine != database.engine():
        raise BackupEngineMismatch(detail=f"{engine} → {database.engine()}")
    database.check_heads_known([str(h) for h in manifest["migration_heads"]])
    db_file = folder / manifest["database"]["file"]
    if engine == database.POSTGRESQL:
        database.pg_check_archive(db_file, tool_version=int(manifest["database"]["tool_version"]))
    else:
        database.sqlite_check_archive(db_file)
    database.check_empty(force)
    media_root = _media_root()
    if not force and _media_files(media_root):
        raise RestoreTargetNotEmpty(detail=f"media: {media_root}")
    plaintext = sealing.unseal(
        (folder / KEYS).read_bytes(), passphrase=passphrase(), associated=_associated(manifest)
    )
    plan = keyfiles.plan(plaintext)
    keyfiles.check_env(plan, secrets_out)

    # Everything checked: write.
    if engine == database.POSTGRESQL:
        database.pg_restore(db_file, tool_version=int(manifest["database"]["tool_version"]), force=force)
    else:
        database.sqlite_restore(db_file)
    media_count = 0
    prefix = MEDIA + "/"
    for name in manifest["files"]:
        if name.startswith(prefix):
            target = media_root / name[len(prefix) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, target)
            media_count += 1
    written = keyfiles.apply(plan, secrets_out)
    os.sync()
    return RestoreResult(
        engine=engine,
        media_files=media_count,
        keys_written=written,
        keys_unchanged=plan.unchanged,
        env_names=sorted(plan.env),
    )
