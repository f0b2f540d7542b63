"""A card number alone does not move money: the holder's PIN or a one-time code from their card page.

Charging a *typed* card number (no scanned QR) needs, unless the caller is the card's signed-in holder:
- the holder's PIN (6 digits, set at issue or on "my card", stored as a slow hash with Django's password
  hashers), or
- a one-time code made on the holder's card page (6 digits, WALLET_CARD_CODE_TTL_S, used once; only its
  keyed digest is stored).

Every wrong PIN or code counts; at WALLET_PIN_MAX_ATTEMPTS charging by number is locked until a booth
unlocks it (`card_pin_unlock`). An attempt is reserved with a guarded increment *before* the hash is
checked, so parallel guesses can never exceed the limit, and it is committed even though the charge is
refused. Scanning the card's QR (its signed token) stays one step and is not affected by the lock.

`charge_authorise` runs in its own transaction before the payment (on PostgreSQL before the function
`wallet_payment_post`): a caller that wraps the payment in a transaction of its own authorises first and
passes the `ChargeGrant` on, so a rolled-back payment never rolls back the count of wrong attempts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.permissions import has_role, is_signed_in, require_role
from kotapintar.core.types import Actor
from kotapintar.wallet import conf
from kotapintar.wallet.errors import (
    CardAuthRequired,
    CardBlocked,
    CardNotFound,
    CodeExpired,
    CodeWrong,
    PinLocked,
    PinNotSet,
    WrongPin,
)
from kotapintar.wallet.models import Card, CardCode, CardStatus
from kotapintar.wallet.services.cards import (
    card_active_locked,
    card_locked,
    card_secret_verify,
    pin_check_format,
)

CODE_DIGITS = 6


@dataclass(frozen=True)
class ChargeGrant:
    """Proof, for one request, that the caller may charge card `number` by its typed number."""

    number: str


@dataclass(frozen=True)
class OneTimeCode:
    code: str
    expires_at: datetime


def _code_digest(card_id: int, code: str) -> str:
    return salted_hmac("kotapintar.wallet.card_code", f"{card_id}:{code}", algorithm="sha256").hexdigest()


def _max_attempts() -> int:
    return conf.limit("WALLET_PIN_MAX_ATTEMPTS")


def _reserve_attempt(card_id: int) -> None:
    """Count one attempt before checking it; PinLocked if the limit is already reached."""
    with transaction.atomic():
        taken = Card.objects.filter(pk=card_id, pin_failures__lt=_max_attempts()).update(
            pin_failures=F("pin_failures") + 1
        )
    if taken != 1:
        raise PinLocked()


def _attempt_succeeded(card_id: int) -> None:
    Card.objects.filter(pk=card_id).update(pin_failures=0)


def _attempt_failed(card: Card, *, actor: Actor, what: str) -> int:
    """The attempt stays counted; at the limit the lock is stamped and audited. Attempts left."""
    failures = Card.objects.filter(pk=card.pk).values_list("pin_failures", flat=True).get()
    if failures >= _max_attempts():
        with transaction.atomic():
            locked = Card.objects.filter(pk=card.pk, pin_locked_at__isnull=True).update(
                pin_locked_at=timezone.now()
            )
            if locked:
                audit.record(
                    action="wallet.card_pin_locked",
                    actor=actor if is_signed_in(actor) else None,
                    obj=card,
                    data={"number": card.number, "after": what},
                )
    return max(0, _max_attempts() - failures)


def _pin_matches(card: Card, pin: str, *, actor: Actor) -> None:
    """WrongPin (and one more counted attempt) unless `pin` is the card's PIN."""
    if not card.pin_hash:
        raise PinNotSet()
    _reserve_attempt(card.pk)
    if check_password(pin, card.pin_hash):
        _attempt_succeeded(card.pk)
        return
    left = _attempt_failed(card, actor=actor, what="pin")
    if left == 0:
        raise PinLocked()
    raise WrongPin(detail={"attempts_left": left})


def _code_matches(card: Card, code: str, *, actor: Actor, used_for: str, now: datetime) -> None:
    code = (code or "").strip()
    if card.pin_failures >= _max_attempts():
        raise PinLocked()
    if len(code) == CODE_DIGITS and code.isascii() and code.isdigit():
        row = CardCode.objects.filter(card_id=card.pk, digest=_code_digest(card.pk, code)).first()
    else:
        row = None
    if row is not None and row.used_at is not None and used_for and row.used_for == used_for:
        return  # the same charge retried with its Idempotency-Key: the payment replays it
    if row is not None and row.used_at is None and row.expires_at <= now:
        raise CodeExpired()
    if row is not None and row.used_at is None:
        used = CardCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now, used_for=used_for)
        if used == 1:
            return
    _reserve_attempt(card.pk)
    left = _attempt_failed(card, actor=actor, what="code")
    if left == 0:
        raise PinLocked()
    raise CodeWrong(detail={"attempts_left": left})


def charge_authorise(
    *,
    actor: Actor,
    number: str,
    pin: str = "",
    one_time_code: str = "",
    used_for: str = "",
    now: datetime | None = None,
) -> ChargeGrant:
    """May `actor` charge card `number` by its typed number? The card's signed-in holder may; anyone
    else (the POS, a booth) needs the holder's `pin` or a `one_time_code` from the card page.

    `used_for` names the charge (Idempotency-Key with its scope): a retry of it with the same code
    passes again. Raises CardNotFound, CardAuthRequired, InvalidPin, PinNotSet, WrongPin, CodeWrong,
    CodeExpired, PinLocked; nothing else changes but the count of wrong attempts."""
    now = now or timezone.now()
    card = Card.objects.filter(number=number).first()
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    if is_signed_in(actor) and card.holder_id == actor.pk:
        return ChargeGrant(number=number)
    if one_time_code:
        _code_matches(card, one_time_code, actor=actor, used_for=used_for, now=now)
        return ChargeGrant(number=number)
    if not pin:
        raise CardAuthRequired()
    pin = pin_check_format(pin)
    if card.pin_failures >= _max_attempts():
        raise PinLocked()
    _pin_matches(card, pin, actor=actor)
    return ChargeGrant(number=number)


def _may_manage(actor: Actor, card: Card, card_secret: str) -> bool:
    """Booth staff, the card's signed-in holder, or whoever holds the card (its QR secret)."""
    if has_role(actor, *conf.OPERATOR_ROLES):
        return True
    if is_signed_in(actor) and card.holder_id == actor.pk:
        return True
    return bool(card_secret) and card_secret_verify(number=card.number, secret=card_secret)


def card_pin_set(
    *, actor: Actor, number: str, pin: str, current_pin: str = "", card_secret: str = ""
) -> None:
    """Set the card's PIN: at the booth (staff: also a forgotten PIN, and it unlocks), or by the holder on
    "my card" (signed in, or with the card's QR secret) — a PIN already set is changed only with it."""
    pin = pin_check_format(pin)
    card = Card.objects.filter(number=number).first()
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    if not _may_manage(actor, card, card_secret):
        raise PermissionDenied()
    staff = has_role(actor, *conf.OPERATOR_ROLES)
    if card.pin_hash and not staff:
        if not current_pin:
            raise WrongPin(_("Give the current PIN to change it (a forgotten PIN is reset at a booth)."))
        if card.pin_failures >= _max_attempts():
            raise PinLocked()
        _pin_matches(card, pin_check_format(current_pin), actor=actor)
    with transaction.atomic():
        card = card_active_locked(number)
        card.pin_hash = make_password(pin)
        update = ["pin_hash"]
        if staff:
            card.pin_failures, card.pin_locked_at = 0, None
            update += ["pin_failures", "pin_locked_at"]
        card.save(update_fields=update)
        audit.record(
            action="wallet.card_pin_set",
            actor=actor if is_signed_in(actor) else None,
            obj=card,
            data={"number": number, "by_staff": staff},
        )


def card_pin_unlock(*, actor: Actor, number: str) -> None:
    """A booth unlocks charging by number after too many wrong PINs or codes (the holder is present)."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    with transaction.atomic():
        card = card_locked(number)
        had = card.pin_failures
        card.pin_failures, card.pin_locked_at = 0, None
        card.save(update_fields=["pin_failures", "pin_locked_at"])
        audit.record(action="wallet.card_pin_unlock", actor=user, obj=card, data={"failures": had})


def card_code_create(
    *, actor: Actor, number: str, card_secret: str = "", now: datetime | None = None
) -> OneTimeCode:
    """A new one-time code for charging the card by number, shown on the holder's card page; any older
    unused code of the card stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        card = card_locked(number)
        if not _may_manage(actor, card, card_secret):
            raise PermissionDenied()
        if card.status != CardStatus.ACTIVE:
            raise CardBlocked()
        CardCode.objects.filter(card=card, used_at__isnull=True).update(used_at=now, used_for="superseded")
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        expires = now + timedelta(seconds=settings.WALLET_CARD_CODE_TTL_S)
        CardCode.objects.create(card=card, digest=_code_digest(card.pk, code), expires_at=expires)
    return OneTimeCode(code=code, expires_at=expires)
