"""City cards: numbers, signed QR tokens, issue, link to an account, block, unblock, replace."""

from __future__ import annotations

import secrets
import uuid

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.permissions import has_role, require_login, require_role
from kotapintar.core.types import Actor, User
from kotapintar.lib.money import luhn_check_digit, luhn_valid
from kotapintar.wallet import cardtoken, conf
from kotapintar.wallet.errors import (
    CardBlocked,
    CardLinkedElsewhere,
    CardNotFound,
    InvalidCardToken,
    InvalidNfcUid,
    InvalidPin,
    NfcUidTaken,
    ReplacementBlocked,
    ReplacementHasMoney,
    ReplacementSameCard,
    TooManyCards,
)
from kotapintar.wallet.models import Account, AccountKind, Card, CardStatus, TransferKind
from kotapintar.wallet.results import card_info
from kotapintar.wallet.services.idempotency import idempotent_claim, key_check
from kotapintar.wallet.services.ledger import book
from kotapintar.wallet.types import CardInfo

PIN_DIGITS = 6


def pin_check_format(pin: str) -> str:
    """A PIN is exactly 6 ASCII digits; InvalidPin otherwise."""
    pin = (pin or "").strip()
    if len(pin) != PIN_DIGITS or not pin.isascii() or not pin.isdigit():
        raise InvalidPin()
    return pin


def card_number_new() -> str:
    while True:
        body = conf.card_prefix() + "".join(secrets.choice("0123456789") for _ in range(11))
        number = body + luhn_check_digit(body)
        if not Card.objects.filter(number=number).exists():
            return number


def card_number_normalise(text: str) -> str:
    """Digits only; raises CardNotFound for anything that cannot be a card number (bad check digit)."""
    digits = "".join(ch for ch in str(text) if ch not in " -")
    if len(digits) != 16 or not luhn_valid(digits):
        raise CardNotFound(
            _("This is not a valid city card number (check digit)."), detail={"card_number": text}
        )
    return digits


def card_token_verify(*, token: str) -> str:
    """The card number in a genuine signed QR token; raises InvalidCardToken (422) otherwise."""
    return cardtoken.verify(token)


def card_secret_verify(*, number: str, secret: str) -> bool:
    """Whether `secret` opens the page of card `number`: the card's genuine signed QR token (printed
    on the card) naming this very card, and the card still active — a blocked (lost, stolen) or
    replaced card no longer opens with the QR printed on it."""
    try:
        if card_token_verify(token=secret) != number:
            return False
    except InvalidCardToken:
        return False
    return Card.objects.filter(number=number, status=CardStatus.ACTIVE).exists()


def resolve_card_number(card_number: str, card_token: str | None) -> str:
    """The card a request names: by its scanned token (which must agree with a typed number) or number."""
    if card_token:
        from_token = card_token_verify(token=card_token)
        if card_number and card_number_normalise(card_number) != from_token:
            raise InvalidCardToken(_("The card QR code belongs to another card number."))
        return from_token
    if not card_number:
        raise CardNotFound(_("Give a card number or scan the card QR code."))
    return card_number_normalise(card_number)


def card_locked(number: str) -> Card:
    """The card with this number, its row locked."""
    card = Card.objects.select_for_update().select_related("account").filter(number=number).first()
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    return card


def card_active_locked(number: str) -> Card:
    """The card with this number, locked; CardBlocked unless it is active."""
    card = card_locked(number)
    if card.status != CardStatus.ACTIVE:
        raise CardBlocked()
    return card


def card_current_locked(card_id: int) -> Card:
    """The card to credit, locked: the card itself, or its replacement if it was replaced (so money
    arriving later — a refund, a confirmed QRIS top-up — never lands on a retired card)."""
    card = Card.objects.select_for_update().select_related("account").get(pk=card_id)
    for _hop in range(10):
        if card.status != CardStatus.REPLACED or card.replaced_by_id is None:
            break
        card = Card.objects.select_for_update().select_related("account").get(pk=card.replaced_by_id)
    return card


def _clean_nfc(nfc_uid: str) -> str:
    uid = (nfc_uid or "").replace(":", "").replace(" ", "").upper()
    if uid and (len(uid) not in (8, 14, 20) or any(c not in "0123456789ABCDEF" for c in uid)):
        raise InvalidNfcUid()
    if uid and Card.objects.filter(nfc_uid=uid, status=CardStatus.ACTIVE).exists():
        raise NfcUidTaken()
    return uid


def _card_limit_check(holder: User) -> None:
    """A visitor holds at most WALLET_MAX_CARDS_PER_USER active cards."""
    active = Card.objects.filter(holder=holder, status=CardStatus.ACTIVE).count()
    if active >= conf.limit("WALLET_MAX_CARDS_PER_USER"):
        raise TooManyCards()


def _card_create(*, holder: User | None, nfc_uid: str) -> Card:
    number = card_number_new()
    account = Account.objects.create(
        code=f"card:{number}", kind=AccountKind.CARD, name=f"Card {number}", no_negative=True
    )
    return Card.objects.create(number=number, account=account, holder=holder, nfc_uid=nfc_uid)


def card_issue(
    *,
    actor: Actor,
    holder_user: User | None = None,
    anonymous: bool = True,
    nfc_uid: str = "",
    pin: str = "",
) -> CardInfo:
    """A new card: anonymous (sold at a booth) or linked to `holder_user`; with `pin` (6 digits, stored
    as a slow hash) the holder's PIN for charging the card by its typed number.

    Booth operators issue any card; a signed-in visitor may issue a card for themselves (up to
    WALLET_MAX_CARDS_PER_USER active cards)."""
    user = require_login(actor)
    holder = None if anonymous and holder_user is None else (holder_user or user)
    if not has_role(user, *conf.OPERATOR_ROLES):
        if holder is None or holder.pk != user.pk:
            raise PermissionDenied()
        _card_limit_check(holder)
    pin_hash = make_password(pin_check_format(pin)) if pin else ""
    with transaction.atomic():
        card = _card_create(holder=holder, nfc_uid=_clean_nfc(nfc_uid))
        if pin_hash:
            card.pin_hash = pin_hash
            card.save(update_fields=["pin_hash"])
        audit.record(
            action="wallet.card_issue",
            actor=user,
            obj=card,
            data={
                "number": card.number,
                "anonymous": holder is None,
                "nfc_uid": card.nfc_uid,
                "pin": bool(pin_hash),
            },
        )
    card.refresh_from_db()
    return card_info(card)


def card_link(*, actor: Actor, card_token: str) -> CardInfo:
    """A signed-in visitor claims an anonymous card they hold (proven by its signed QR token): the
    card becomes linked to their account. Idempotent for the same holder; 409 if someone else holds it."""
    user = require_login(actor)
    number = card_token_verify(token=card_token)
    with transaction.atomic():
        card = card_active_locked(number)
        if card.holder_id is not None and card.holder_id != user.pk:
            raise CardLinkedElsewhere()
        if card.holder_id is None:
            _card_limit_check(user)
            card.holder = user
            card.save(update_fields=["holder"])
            audit.record(action="wallet.card_link", actor=user, obj=card, data={"number": number})
    card.refresh_from_db()
    return card_info(card)


def _not_replaced(card: Card) -> Card:
    if card.status == CardStatus.REPLACED:
        raise CardBlocked(_("This card was already replaced."))
    return card


def _card_set_blocked(card: Card, *, blocked: bool, reason: str = "") -> None:
    card.status = CardStatus.BLOCKED if blocked else CardStatus.ACTIVE
    card.blocked_at = timezone.now() if blocked else None
    card.block_reason = reason[:200]
    card.save(update_fields=["status", "blocked_at", "block_reason"])


def card_block(*, actor: Actor, number: str, reason: str = "") -> CardInfo:
    """Block a card (lost, stolen): it can no longer pay. Operators or the card's holder."""
    user = require_login(actor)
    with transaction.atomic():
        card = card_locked(number)
        if not (has_role(user, *conf.OPERATOR_ROLES) or card.holder_id == user.pk):
            raise PermissionDenied()
        _not_replaced(card)
        if card.status == CardStatus.ACTIVE:
            _card_set_blocked(card, blocked=True, reason=reason)
            audit.record(action="wallet.card_block", actor=user, obj=card, data={"reason": reason[:200]})
    return card_info(card)


def card_unblock(*, actor: Actor, number: str) -> CardInfo:
    user = require_role(actor, *conf.OPERATOR_ROLES)
    with transaction.atomic():
        card = _not_replaced(card_locked(number))
        if card.status == CardStatus.BLOCKED:
            _card_set_blocked(card, blocked=False)
            audit.record(action="wallet.card_unblock", actor=user, obj=card, data={})
    return card_info(card)


def _replacement_target(old: Card, onto: str, nfc_uid: str, new_id: uuid.UUID) -> Card:
    """The card that receives the balance: a fresh one (public id `new_id`), or `onto` (an empty active
    card from the booth's stock)."""
    if not onto:
        card = _card_create(holder=old.holder, nfc_uid=_clean_nfc(nfc_uid))
        Card.objects.filter(pk=card.pk).update(public_id=new_id)
        card.public_id = new_id
        return card
    if onto == old.number:
        raise ReplacementSameCard()
    target = card_locked(onto)
    if target.status != CardStatus.ACTIVE:
        raise ReplacementBlocked(detail={"card_number": onto, "status": target.status})
    if Account.objects.select_for_update().get(pk=target.account_id).balance_idr != 0:
        raise ReplacementHasMoney(detail={"card_number": onto})
    if target.holder_id is not None and target.holder_id != old.holder_id:
        raise CardLinkedElsewhere()
    if target.holder_id is None and old.holder_id is not None:
        target.holder = old.holder
        target.save(update_fields=["holder"])
    return target


def card_replace(
    *, actor: Actor, number: str, idempotency_key: str, nfc_uid: str = "", onto: str = ""
) -> CardInfo:
    """Move a lost card's whole balance to a replacement, exactly once: a new card, or `onto` an empty
    active card the booth hands out. The old card becomes `replaced` and is refused from then on (by
    every payment path, the PostgreSQL function included); money arriving for it later (a refund, a
    QRIS top-up) goes to the replacement (`card_current_locked`).

    Raises CardNotFound, CardBlocked (already replaced), ReplacementSameCard, ReplacementBlocked,
    ReplacementHasMoney, CardLinkedElsewhere, IdempotencyKeyReused; nothing moves on a refusal."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    key = key_check(idempotency_key)
    onto = card_number_normalise(onto) if onto else ""
    new_id = uuid.uuid4()
    if onto:  # the result of this key is the existing card
        new_id = Card.objects.filter(number=onto).values_list("public_id", flat=True).first() or new_id
    with transaction.atomic():
        first = idempotent_claim(actor, key, "card_replace", new_id, number=number, nfc=nfc_uid, onto=onto)
        if first is not None:
            return card_info(Card.objects.select_related("account", "holder").get(public_id=first))
        # both cards locked in id order (a payment locks one card, then the accounts)
        for _row in Card.objects.select_for_update().filter(number__in=[number, onto]).order_by("pk"):
            pass
        old = _not_replaced(card_locked(number))
        new = _replacement_target(old, onto, nfc_uid, new_id)
        balance = Account.objects.select_for_update().get(pk=old.account_id).balance_idr
        if balance > 0:
            book(
                debit=old.account,
                credit=new.account,
                amount_idr=balance,
                kind=TransferKind.CARD_MOVE,
                ref_type="card",
                ref_id=new.public_id,
                memo=f"{old.number} -> {new.number}",
            )
        old.status = CardStatus.REPLACED
        old.replaced_by = new
        old.blocked_at = old.blocked_at or timezone.now()
        old.save(update_fields=["status", "replaced_by", "blocked_at"])
        audit.record(
            action="wallet.card_replace",
            actor=user,
            obj=old,
            data={"old": old.number, "new": new.number, "moved_idr": balance, "onto_existing": bool(onto)},
        )
    return card_info(Card.objects.select_related("account", "holder").get(pk=new.pk))
