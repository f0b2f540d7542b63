"""The append-only, keyed hash chain of the audit log, anchored by the city TSA.

`record(...)` appends one entry inside the caller's transaction. Each entry's hash is HMAC-SHA256,
keyed with AUDIT_HMAC_KEY (kept outside the database), over the previous hash and the entry's
canonical JSON: editing or deleting a row breaks the chain from there on, and someone who can write
the database but lacks the key cannot recompute it. `anchor_create()` has the city's RFC 3161 TSA
timestamp the chain head (the token's imprint is the head hash), so cutting off the newest entries
and moving the head back fails against the last anchor. `verify()` (`kotapintar audit-verify`)
finds the first bad entry and checks the newest anchor.

Chains written before the key (plain SHA-256) are re-keyed by `rekey_legacy()` (the migration
`audit_hmac_chain_and_anchors` runs it), after checking them as they were written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from kotapintar.core.keys import configured_or_derived
from kotapintar.core.models import AuditAnchor, AuditEntry, AuditHead
from kotapintar.core.permissions import is_signed_in
from kotapintar.core.types import Actor

log = logging.getLogger(__name__)

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


def audit_key() -> bytes:
    """The chain's HMAC key: AUDIT_HMAC_KEY, or one derived from SECRET_KEY (development only)."""
    return configured_or_derived("AUDIT_HMAC_KEY", "audit-hmac")


def entry_payload(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> bytes:
    """The canonical JSON of an entry's content (sorted keys, no spaces, UTC with microseconds)."""
    return json.dumps(
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
    ).encode("utf-8")


def entry_hash(*, key: bytes, prev_hash: str, payload: bytes) -> str:
    """HMAC-SHA256 under the chain key over the previous hash and the entry's canonical JSON."""
    return hmac.new(key, prev_hash.encode("ascii") + payload, hashlib.sha256).hexdigest()


def legacy_entry_hash(*, prev_hash: str, payload: bytes) -> str:
    """The unkeyed SHA-256 of chains written before AUDIT_HMAC_KEY (only read by `rekey_legacy`)."""
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def _payload_of(entry: Any) -> bytes:
    return entry_payload(
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        data=entry.data,
    )


@dataclass(frozen=True)
class Event:
    """One entry to append with ``record_many``: the arguments of ``record``."""

    action: str
    actor: Actor = None
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    data: dict[str, Any] | None = None


def record(
    *,
    action: str,
    actor: Actor = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry. Call inside the service's transaction: it commits or rolls back with it.

    `actor` is a user (or None for the system); `obj` a model instance, or give object_type/object_id.
    """
    event = Event(
        action=action, actor=actor, obj=obj, object_type=object_type, object_id=object_id, data=data
    )
    return record_many([event])[0]


def _actor_fields(actor: Actor) -> tuple[int | None, str]:
    signed_in = actor if is_signed_in(actor) else None
    if signed_in is not None:
        return signed_in.pk, signed_in.get_username()
    return None, "system" if actor is None else "anonymous"


def record_many(events: list[Event]) -> list[AuditEntry]:
    """Append ``events`` in order, with one lock of the chain head and one insert (a batch service's
    entries: one per document, as ``record`` would write them one after the other)."""
    if not events:
        return []
    key = audit_key()
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "last_hash": GENESIS_HASH}
        )
        seq, prev_hash, now = head.seq, head.last_hash, timezone.now()
        entries = []
        for event in events:
            object_type, object_id = event.object_type, event.object_id
            if event.obj is not None:
                object_type = object_type or event.obj._meta.label_lower
                object_id = object_id or str(getattr(event.obj, "public_id", None) or event.obj.pk)
            actor_id, actor_label = _actor_fields(event.actor)
            seq += 1
            entry = AuditEntry(
                seq=seq,
                created_at=now,
                actor_id=actor_id,
                actor_label=actor_label,
                action=event.action,
                object_type=object_type,
                object_id=object_id,
                data=_normalise(event.data or {}),
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry_hash(key=key, prev_hash=prev_hash, payload=_payload_of(entry))
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        AuditHead.objects.filter(pk=1).update(seq=seq, last_hash=prev_hash)
    return entries


@dataclass(frozen=True)
class AnchorRef:
    """The anchor a verification checked against."""

    seq: int
    head_hash: str
    anchored_at: datetime


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""
    anchor: AnchorRef | None = None


def _walk(
    digest: Callable[[str, bytes], str],
    *,
    watch: int = 0,
    entries: Any = AuditEntry,
    heads: Any = AuditHead,
) -> tuple[VerifyResult, str]:
    """Walk the chain with `digest(prev_hash, payload)`; the first bad entry (or ok), and the hash
    of entry #`watch` ("" when not reached). `entries`/`heads`: the models (a migration passes its
    historical ones)."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    watched = ""
    for entry in entries.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "missing entry (deleted)"), watched
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, "link to the previous entry is broken"), watched
        if not hmac.compare_digest(digest(entry.prev_hash, _payload_of(entry)), entry.hash):
            return VerifyResult(
                False, checked, entry.seq, "content does not match its hash (edited)"
            ), watched
        if entry.seq == watch:
            watched = entry.hash
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = heads.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.last_hash != prev_hash):
        return VerifyResult(False, checked, checked + 1, "entries after this point were deleted"), watched
    return VerifyResult(True, checked), watched


def verify() -> VerifyResult:
    """Walk the keyed chain; report the first entry whose content, link or sequence is wrong, then
    check the chain against the newest anchor (it must still hold the anchored entry, unchanged)."""
    key = audit_key()
    anchor = AuditAnchor.objects.order_by("-seq", "-pk").first()
    result, anchored_hash = _walk(
        lambda prev, payload: entry_hash(key=key, prev_hash=prev, payload=payload),
        watch=anchor.seq if anchor is not None else 0,
    )
    if anchor is None:
        return result
    ref = AnchorRef(seq=anchor.seq, head_hash=anchor.head_hash, anchored_at=anchor.anchored_at)
    problem = anchor_problem(anchor, anchored_hash=anchored_hash, chain_length=result.checked)
    if not result.ok:
        return VerifyResult(False, result.checked, result.bad_seq, result.reason, ref)
    if problem:
        return VerifyResult(False, result.checked, anchor.seq, problem, ref)
    return VerifyResult(True, result.checked, anchor=ref)


def anchor_problem(anchor: AuditAnchor, *, anchored_hash: str, chain_length: int) -> str:
    """Why the chain does not match `anchor` ("" when it does): the token must be the city TSA's,
    over the anchored head hash, at the anchor's time; the chain must still reach the anchored entry,
    with that hash."""
    from kotapintar.esign.verification import timestamp_token_check  # core must load without esign

    try:
        digest = bytes.fromhex(anchor.head_hash)
    except ValueError:
        return f"anchor #{anchor.seq}: its head hash is not hexadecimal"
    check = timestamp_token_check(bytes(anchor.token_der), digest=digest)
    if not check.ok:
        return f"anchor #{anchor.seq}: the timestamp token does not hold ({check.reason})"
    if check.time != anchor.anchored_at:
        return f"anchor #{anchor.seq}: its time is not the time in its token"
    if chain_length < anchor.seq:
        return f"the chain ends at #{chain_length}, before anchor #{anchor.seq} (entries were removed)"
    if not hmac.compare_digest(anchored_hash, anchor.head_hash):
        return f"entry #{anchor.seq} no longer has the hash anchor #{anchor.seq} timestamped"
    return ""


# --- anchors: the chain head, timestamped by the city TSA ---------------------------------------------


def anchor_create(*, force: bool = False) -> AuditAnchor | None:
    """Have the city TSA timestamp the current chain head and store the token. None when the chain
    is empty, or (unless `force`) when the newest anchor already covers the head.

    Raises esign's PkiNotReady when the city PKI (and so its TSA) has not been created."""
    from asn1crypto import cms, tsp

    from kotapintar.esign import pki  # the city TSA, in-process (core must load without esign)

    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    latest = AuditAnchor.objects.order_by("-seq", "-pk").first()
    if not force and latest is not None and latest.seq == head.seq and latest.head_hash == head.last_hash:
        return None
    digest = bytes.fromhex(head.last_hash)
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
            "nonce": secrets.randbits(63),
            "cert_req": True,
        }
    )
    response = tsp.TimeStampResp.load(pki.tsa_answer(request.dump()))
    if response["status"]["status"].native not in ("granted", "granted_with_mods"):
        raise RuntimeError(f"the city TSA refused the audit anchor: {response['status'].native}")
    token: cms.ContentInfo = response["time_stamp_token"]
    info = token["content"]["encap_content_info"]["content"].parsed
    if info["message_imprint"]["hashed_message"].native != digest or (
        info["nonce"].native != request["nonce"].native
    ):
        raise RuntimeError("the city TSA answered for another request")
    return AuditAnchor.objects.create(
        seq=head.seq,
        head_hash=head.last_hash,
        anchored_at=info["gen_time"].native,
        token_der=token.dump(),
    )


def anchors_export(*, directory: Path) -> list[Path]:
    """Write every anchor's token as `<seq>-<time>.tst` (DER, RFC 3161) into `directory`: keep them
    outside the database, so a database writer cannot remove the anchors a check runs against."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for anchor in AuditAnchor.objects.order_by("seq", "pk"):
        path = directory / anchor_filename(anchor)
        path.write_bytes(bytes(anchor.token_der))
        written.append(path)
    return written


def anchor_filename(anchor: AuditAnchor) -> str:
    return f"audit-anchor-{anchor.seq:08d}-{anchor.anchored_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.tst"


# --- the chain written before the key -------------------------------------------------------------------


def rekey_legacy(*, entries: Any = AuditEntry, heads: Any = AuditHead) -> int:
    """Re-key a chain written with plain SHA-256 (before AUDIT_HMAC_KEY) under the key: only when it
    verifies as it was written; a broken one is left as it is (and `verify()` reports it). The
    number of entries re-keyed (0 when the chain is empty, already keyed or broken).
    `entries`/`heads`: the models (the migration passes its historical ones)."""
    return _rekey(
        lambda prev, payload: legacy_entry_hash(prev_hash=prev, payload=payload), entries=entries, heads=heads
    )


def rekey(*, previous_key: bytes) -> int:
    """Re-key the chain from `previous_key` to the current AUDIT_HMAC_KEY (key rotation): only when
    it verifies under the previous key. The number of entries re-keyed (0: empty or not intact)."""
    return _rekey(lambda prev, payload: entry_hash(key=previous_key, prev_hash=prev, payload=payload))


def _rekey(old: Callable[[str, bytes], str], *, entries: Any = AuditEntry, heads: Any = AuditHead) -> int:
    with transaction.atomic():
        heads.objects.select_for_update().filter(pk=1).first()
        before, _watched = _walk(old, entries=entries, heads=heads)
        if not before.ok:
            log.warning(
                "audit log: not intact as written (%s at #%s), not re-keyed", before.reason, before.bad_seq
            )
        if not before.ok or before.checked == 0:
            return 0
        key = audit_key()
        prev_hash = GENESIS_HASH
        rows: list[tuple[str, str, int]] = []
        table = connection.ops.quote_name(entries._meta.db_table)
        update = f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:  # one prepared UPDATE per 5,000 rows (ORM: one per row)
            for entry in entries.objects.order_by("seq").iterator(chunk_size=2000):
                digest = entry_hash(key=key, prev_hash=prev_hash, payload=_payload_of(entry))
                rows.append((prev_hash, digest, entry.pk))
                prev_hash = digest
                if len(rows) >= 5000:
                    cursor.executemany(update, rows)
                    rows = []
            cursor.executemany(update, rows)
        heads.objects.filter(pk=1).update(seq=before.checked, last_hash=prev_hash)
        return before.checked
