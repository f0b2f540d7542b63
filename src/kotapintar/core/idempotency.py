"""Whose an Idempotency-Key is: every client-chosen key is looked up within its caller's scope, so the
same key from someone else is a fresh request (never the first caller's result, never a 409)."""

from __future__ import annotations

from kotapintar.core.permissions import is_signed_in
from kotapintar.core.types import Actor


def key_scope(actor: Actor, *, card_number: str = "") -> str:
    """`user:<id>` for a signed-in caller; for an anonymous one `card:<number>` when it proved the card
    (its scanned, verified QR token), else `anonymous`; `system` for the platform itself (no actor)."""
    if is_signed_in(actor):
        return f"user:{actor.pk}"
    if card_number:
        return f"card:{card_number}"
    return "system" if actor is None else "anonymous"
