"""The key material of core.keys.KEY_MATERIAL: collected for a backup, put back on restore.

A value read from a file (NAME_FILE, or the file the platform made itself such as var/secret_key) is
written back to the file this server reads it from. A value this server takes from its environment
cannot be set by a process: when it differs from the backup's, the restore is refused unless the
operator asks for an environment file (`--secrets-out`), written with mode 0600, to use as the
service's EnvironmentFile.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from kotapintar.core.errors import BackupInvalid, RestoreSecretsDiffer
from kotapintar.core.keys import KEY_MATERIAL, KeyMaterial


def collect() -> bytes:
    """Every registered key as JSON (the plaintext that gets sealed)."""
    bundle: dict[str, dict[str, str | None]] = {}
    for item in KEY_MATERIAL:
        value = str(getattr(settings, item.setting, "") or "")
        if item.is_path:
            content = Path(value).read_bytes() if value else None
            bundle[item.setting] = {
                "name": Path(value).name if value else None,
                "content": base64.b64encode(content).decode("ascii") if content is not None else None,
            }
        else:
            bundle[item.setting] = {"value": value}
    return json.dumps(bundle, sort_keys=True).encode("utf-8")


@dataclass
class Plan:
    """What a restore does with the keys: files to write, environment lines to hand to the operator."""

    files: dict[Path, bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def _file_source(item: KeyMaterial) -> Path | None:
    """The file this server reads the setting from, or None when it comes from the environment."""
    named = os.environ.get(f"{item.setting}_FILE")
    if named:
        return Path(named)
    if item.default_file is not None and not os.environ.get(item.setting):
        return item.default_file()
    return None


def plan(plaintext: bytes) -> Plan:
    """Compare the backup's keys with this server's; nothing is written here."""
    try:
        bundle: dict[str, dict[str, Any]] = json.loads(plaintext)
    except ValueError as exc:
        raise BackupInvalid(detail="keys") from exc
    result = Plan()
    for item in KEY_MATERIAL:
        entry = bundle.get(item.setting)
        if entry is None:  # a key added after this backup was made: nothing to restore
            continue
        current = str(getattr(settings, item.setting, "") or "")
        if item.is_path:
            _plan_path(item, entry, current, result)
            continue
        wanted = str(entry.get("value") or "")
        if wanted == current:
            result.unchanged.append(item.setting)
            continue
        source = _file_source(item)
        if source is not None and wanted:
            result.files[source] = wanted.encode("utf-8")
        else:
            result.env[item.setting] = wanted
    return result


def _plan_path(item: KeyMaterial, entry: dict[str, Any], current: str, result: Plan) -> None:
    if not entry.get("content"):
        result.unchanged.append(item.setting)
        return
    content = base64.b64decode(entry["content"])
    if current and Path(current).is_file() and Path(current).read_bytes() == content:
        result.unchanged.append(item.setting)
        return
    if current:
        result.files[Path(current)] = content
        return
    target = Path(settings.DATA_DIR) / "keys" / (entry.get("name") or item.setting.lower())
    result.files[target] = content
    result.env[item.setting] = str(target)


def check_env(result: Plan, secrets_out: Path | None) -> None:
    """Refuse (before anything is written) when environment values differ and nowhere to put them."""
    if result.env and secrets_out is None:
        raise RestoreSecretsDiffer(detail=sorted(result.env))


def apply(result: Plan, secrets_out: Path | None) -> list[Path]:
    """Write the key files (the previous content kept beside as NAME.pre-restore) and the env file."""
    written: list[Path] = []
    for path, content in result.files.items():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists():
            path.replace(path.with_name(path.name + ".pre-restore"))
        write_private(path, content)
        written.append(path)
    if result.env and secrets_out is not None:
        lines = "".join(f"{name}={_env_quote(value)}\n" for name, value in sorted(result.env.items()))
        write_private(secrets_out, lines.encode("utf-8"))
        written.append(secrets_out)
    return written


def _env_quote(value: str) -> str:
    """A value systemd's EnvironmentFile and a shell `set -a; . FILE` both read back unchanged."""
    if value and all(c.isalnum() or c in "-_.:/+=@%," for c in value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    path.chmod(0o600)
