"""The files the tide commands read: ISO 8601 times and constituent (model) JSON files.

Shared by `tide-fit` (which may read a reference model) and `tide-predict` (which reads times).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError

from kotapintar.lib import tide

MAX_MODEL_BYTES = 1_000_000


def parse_time(text: str) -> datetime:
    """ISO 8601 → aware UTC datetime; a time without offset is taken as UTC. ValueError if bad."""
    value = text.strip()
    if not value:
        raise ValueError("empty")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def load_model(path: Path) -> tide.TideModel:
    """Read a constituent file (tide-fit shape or TICON shape). Raises CommandError if invalid."""
    try:
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise CommandError(f"{path}: larger than {MAX_MODEL_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from None
    try:
        if isinstance(data, dict) and "constituents" not in data and "harmonic_constituents" in data:
            return tide.TideModel.from_ticon(data)
        return tide.TideModel.from_json(data)
    except tide.TideError as exc:
        raise CommandError(f"{path}: {exc}") from None
