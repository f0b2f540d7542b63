"""Who holds a ticket or a stamp (a card or an account), ticket codes, and who may act for a visitor."""

from __future__ import annotations

import secrets

from kotapintar.batik import errors, wallet_port
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in
from kotapintar.core.types import Actor

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed at a gate
TICKET_CODE_LENGTH = 12  # 31^12 ≈ 2^59: unguessable
STAFF_ROLES = (Role.DINAS_PARIWISATA.value,)


def new_code(length: int = TICKET_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """What a person types or a scanner reads: 'abcd-efgh-jkmn ' -> 'ABCDEFGHJKMN'.
    A scanned ticket URL (…/batik/tiket/CODE/) yields its code."""
    text = (raw or "").strip()
    if "/tiket/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())


def holder_key(*, card_number: str = "", user: Actor = None) -> str:
    if card_number:
        return f"card:{card_number}"
    if is_signed_in(user):
        return f"user:{user.pk}"
    raise errors.NoHolder()


def is_staff(actor: Actor) -> bool:
    return has_role(actor, *STAFF_ROLES)


def check_holder_access(
    *, actor: Actor, card_number: str, card_token: str | None, user: Actor = None
) -> None:
    """The visitor proves the card is theirs (its signed QR token, or their account owns it);
    tourism-office staff may act for any visitor at the box office."""
    if card_number:
        if card_token:
            if wallet_port.card_from_token(token=card_token) != card_number:
                raise errors.CardTokenMismatch()
            return
        if is_staff(actor):
            if not wallet_port.card_exists(number=card_number):
                raise errors.UnknownCard()
            return
        if is_signed_in(actor) and card_number in wallet_port.cards_for_user(user=actor):
            return
        raise errors.CardNotYours()
    if user is not None and is_signed_in(actor):
        if user.pk == actor.pk or is_staff(actor):
            return
        raise PermissionDenied()
    raise errors.NoHolder()
