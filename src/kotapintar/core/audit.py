"""The append-only, hash-chained audit log.

`record(...)` appends one entry inside the caller's transaction. Each entry's hash is
SHA-256 over the previous hash and the entry's canonical JSON, so editing or deleting any row breaks
the chain from there on; `verify()` (the `kotapintar audit-verify` command) finds the first bad entry.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kotapintar.core.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable in the audit log: {type(value).__name__}")


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data, default=_default))
    return result


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry. Call inside the service's transaction: it commits or rolls back with it.

    `actor` is a user (or None for the system); `obj` a model instance, or give object_type/object_id.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    actor_label = (
        actor.get_username() if actor_id is not None else ("system" if actor is None else "anonymous")
    )
    clean = _normalise(data or {})
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "last_hash": GENESIS_HASH}
        )
        seq = head.seq + 1
        created_at = timezone.now()
        digest = entry_hash(
            prev_hash=head.last_hash,
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=clean,
        )
        entry = AuditEntry.objects.create(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=clean,
            prev_hash=head.last_hash,
            hash=digest,
        )
        AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=digest)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain; report the first entry whose content, link or sequence is wrong."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing entry (deleted)")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "link to the previous entry is broken")
        digest = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            data=entry.data,
        )
        if digest != entry.hash:
            return VerifyResult(False, checked, entry.seq, "content does not match its hash (edited)")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.last_hash != prev_hash):
        return VerifyResult(False, checked, checked + 1, "entries after this point were deleted")
    return VerifyResult(True, checked)
