"""Client-chosen idempotency keys: a retry with the same key and parameters returns the first result
and moves nothing; the same key with other parameters is `idempotency_key_reused` (409). The key is
claimed inside the operation's transaction, so a failed operation leaves no key behind.

A key belongs to its caller (`core.idempotency.key_scope`, re-exported here): the signed-in user,
or for an anonymous payment the card whose QR token was scanned. The same key from another caller
is a fresh request, never the first caller's result."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils import timezone

from kotapintar.core.errors import IdempotencyKeyReused
from kotapintar.core.idempotency import key_scope
from kotapintar.core.types import Actor
from kotapintar.wallet.errors import InFlight, InvalidIdempotencyKey
from kotapintar.wallet.models import IdempotencyKey

__all__ = ["fingerprint", "idempotent_begin", "idempotent_claim", "key_check", "key_scope"]


def key_check(key: Any) -> str:
    """The key itself when it is 1 to 255 visible ASCII characters; InvalidIdempotencyKey otherwise."""
    if not isinstance(key, str) or not (1 <= len(key) <= 255) or not key.isascii() or not key.isprintable():
        raise InvalidIdempotencyKey()
    return key


def fingerprint(operation: str, params: dict[str, Any]) -> str:
    text = json.dumps({"op": operation, **params}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def idempotent_begin(
    *, scope: str, key: str, operation: str, params: dict[str, Any], new_id: UUID
) -> UUID | None:
    """Claim `key` of `scope` (see `key_scope`) for this operation (inside the caller's transaction).

    Returns the id of the first result when the key was already used with the same parameters, None
    when the caller should go ahead (and create its object with `new_id`). Concurrent first uses of
    one key: the second INSERT waits for the first transaction and then sees its row.
    """
    digest = fingerprint(operation, params)
    table = IdempotencyKey._meta.db_table
    object_id = IdempotencyKey._meta.get_field("object_id").get_db_prep_save(new_id, connection)
    for _attempt in range(3):
        # One statement claims the key (the ORM has no INSERT … ON CONFLICT DO NOTHING that says
        # whether it inserted); a concurrent first use of the same key waits on the unique index until
        # that transaction ends, then finds its row (or claims the key if it rolled back).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (scope, key, operation, fingerprint, object_id, created_at) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (scope, key) DO NOTHING RETURNING id",
                [scope, key, operation, digest, object_id, timezone.now()],
            )
            claimed = cursor.fetchone() is not None
        if claimed:
            return None
        existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if existing is not None:
            if existing.operation != operation or existing.fingerprint != digest:
                raise IdempotencyKeyReused(detail={"operation": existing.operation})
            return existing.object_id
    raise InFlight()


def idempotent_claim(actor: Actor, key: str, operation: str, new_id: UUID, **params: Any) -> UUID | None:
    """`idempotent_begin` in the caller's own scope (`key_scope(actor)`), `params` as keywords."""
    return idempotent_begin(
        scope=key_scope(actor), key=key, operation=operation, params=params, new_id=new_id
    )
