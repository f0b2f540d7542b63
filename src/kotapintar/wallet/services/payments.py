"""Card payments to merchants: the hottest write of the wallet (every POS sale).

`payment_create` validates the request, then posts it one of two ways with the same rules:
- `payment_post_pg` (PostgreSQL): one statement, the PL/pgSQL function `wallet_payment_post`
  (migration wallet `idempotency_key_scope`), through `core.db.hot_cursor`;
- `payment_post_python` (SQLite, and the reference the function is tested against): check
  (`check_payment`) then do (`do_payment`) with the ORM in one transaction.
`tests/wallet/test_payment_paths_pg.py` runs every refusal and success through both and compares.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core.db import hot_cursor
from kotapintar.core.errors import (
    DomainError,
    IdempotencyKeyReused,
    NotAuthenticated,
    PermissionDenied,
)
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in
from kotapintar.core.types import Actor
from kotapintar.lib import qris
from kotapintar.wallet import conf
from kotapintar.wallet.errors import (
    AmountOutOfRange,
    CardBlocked,
    CardNotFound,
    ForeignQris,
    InFlight,
    InsufficientBalance,
    InvalidQris,
    MerchantInactive,
    MerchantNotFound,
    MerchantNotRegistered,
)
from kotapintar.wallet.models import (
    Card,
    CardStatus,
    Merchant,
    MerchantEvent,
    Payment,
    PaymentMethod,
    PaymentStatus,
    TransferKind,
)
from kotapintar.wallet.results import payment_result
from kotapintar.wallet.services.card_auth import ChargeGrant, charge_authorise
from kotapintar.wallet.services.cards import resolve_card_number
from kotapintar.wallet.services.idempotency import fingerprint, idempotent_begin, key_check, key_scope
from kotapintar.wallet.services.ledger import amount_check, book
from kotapintar.wallet.types import PaymentResult

REFUSED_SQLSTATE = "KP001"  # raised by wallet_payment_post for every refusal


@dataclass(frozen=True)
class PaymentRequest:
    """A checked payment request (amount, key, card number), as both paths take it."""

    actor: Actor
    key: str
    payment_id: UUID
    merchant_code: str
    number: str
    amount_idr: int
    event_code: str
    reference: str
    method: str
    token_presented: bool

    @property
    def scope(self) -> str:
        """Whose key this is: the signed-in caller, or the card an anonymous caller scanned."""
        return key_scope(self.actor, card_number=self.number if self.token_presented else "")

    @property
    def params(self) -> dict[str, Any]:
        """What the Idempotency-Key is bound to: a retry must repeat exactly these."""
        return {
            "merchant": self.merchant_code,
            "card": self.number,
            "amount": self.amount_idr,
            "event": self.event_code,
            "ref": self.reference,
        }


def payment_create(
    *,
    actor: Actor,
    merchant_code: str,
    card_number: str,
    amount_idr: int,
    idempotency_key: str,
    event_code: str = "",
    reference: str = "",
    card_token: str | None = None,
    method: str = PaymentMethod.CARD,
    pin: str = "",
    one_time_code: str = "",
    grant: ChargeGrant | None = None,
) -> PaymentResult:
    """A posted payment from a card to a merchant (optionally at an event).

    A scanned card (`card_token`) pays in one step; a typed `card_number` needs the holder's `pin` or a
    `one_time_code` from their card page unless the actor is the card's holder (`card_auth`), or a
    `grant` from `charge_authorise` made by a caller that runs this inside its own transaction.

    Raises: AmountOutOfRange (422), CardNotFound (404), InvalidCardToken (422), CardBlocked (409),
    CardAuthRequired, WrongPin, CodeWrong, CodeExpired (403), PinNotSet, PinLocked (409),
    MerchantNotFound (404), MerchantNotRegistered (403), InsufficientBalance (409),
    IdempotencyKeyReused (409), PermissionDenied (403), NotAuthenticated (401).
    """
    amount = amount_check(amount_idr, maximum=conf.limit("WALLET_MAX_PAYMENT_IDR"))
    key = key_check(idempotency_key)
    reference = (reference or "")[:64]
    event_code = event_code or ""
    number = resolve_card_number(card_number, card_token)
    req = PaymentRequest(
        actor=actor,
        key=key,
        payment_id=uuid.uuid4(),
        merchant_code=merchant_code,
        number=number,
        amount_idr=amount,
        event_code=event_code,
        reference=reference,
        method=method,
        token_presented=bool(card_token),
    )
    if not card_token and (grant is None or grant.number != number):
        if not is_signed_in(actor):
            raise NotAuthenticated()
        charge_authorise(
            actor=actor, number=number, pin=pin, one_time_code=one_time_code, used_for=f"{req.scope}|{key}"
        )
    post = payment_post_pg if connection.vendor == "postgresql" else payment_post_python
    return post(req)


# --- the rules, shared by both paths ----------------------------------------------------------------


def _payment_roles(actor: Actor, token_presented: bool) -> tuple[bool, bool]:
    """(is staff, pays by a scanned card token) for an actor who is neither owner nor holder.

    A scanned, genuine card token proves possession (the visitor pays with their card); a merchant
    account may still only take payments for its own shop."""
    is_staff = has_role(actor, *conf.OPERATOR_ROLES)
    is_merchant = has_role(actor, Role.MERCHANT.value)
    by_token = token_presented and not is_staff and not is_merchant
    return is_staff, by_token


def _payment_forbidden(actor: Actor) -> DomainError:
    if not is_signed_in(actor):
        return NotAuthenticated()
    return PermissionDenied(_("You may not charge this card for this merchant."))


def _replayed_payment(payment_id: UUID) -> PaymentResult:
    """The result of the first payment made with a retried Idempotency-Key."""
    return payment_result(Payment.objects.select_related("card", "merchant").get(public_id=payment_id))


# --- the Python path (SQLite) ------------------------------------------------------------------------


@dataclass
class PaymentCheck:
    card: Card
    merchant: Merchant


def check_payment(
    *, actor: Actor, merchant_code: str, number: str, event_code: str, token_presented: bool
) -> PaymentCheck:
    """Validate and authorise a payment; returns the (locked) card and the merchant."""
    merchant = Merchant.objects.select_related("account").filter(code=merchant_code).first()
    if merchant is None:
        raise MerchantNotFound(detail={"merchant_code": merchant_code})
    card = (
        Card.objects.select_for_update(of=("self",)).select_related("account").filter(number=number).first()
    )
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    if not merchant.active:
        raise MerchantInactive()
    # cheapest checks first: the POS of the shop itself and the card's holder need no role lookup
    user_id = actor.pk if is_signed_in(actor) else None
    is_owner = user_id is not None and merchant.owner_id == user_id
    is_holder = user_id is not None and card.holder_id == user_id
    if not (is_owner or is_holder) and not any(_payment_roles(actor, token_presented)):
        raise _payment_forbidden(actor)
    if card.status != CardStatus.ACTIVE:
        raise CardBlocked(detail={"card_number": number, "status": card.status})
    if event_code and not MerchantEvent.objects.filter(merchant=merchant, event_code=event_code).exists():
        raise MerchantNotRegistered(detail={"merchant_code": merchant_code, "event_code": event_code})
    return PaymentCheck(card=card, merchant=merchant)


def do_payment(
    *,
    actor: Actor,
    checked: PaymentCheck,
    payment_id: UUID,
    amount_idr: int,
    event_code: str,
    reference: str,
    method: str,
) -> PaymentResult:
    card, merchant = checked.card, checked.merchant
    balances = book(
        debit=card.account,
        credit=merchant.account,
        amount_idr=amount_idr,
        kind=TransferKind.PAYMENT,
        ref_type="payment",
        ref_id=payment_id,
        memo=event_code,
    )
    payment = Payment.objects.create(
        public_id=payment_id,
        card=card,
        merchant=merchant,
        event_code=event_code,
        amount_idr=amount_idr,
        refunded_idr=0,
        status=PaymentStatus.POSTED,
        method=method,
        reference=reference,
        card_balance_after_idr=balances[card.account_id],
        created_by=actor if is_signed_in(actor) else None,
        created_at=timezone.now(),
    )
    return payment_result(payment)


def payment_post_python(req: PaymentRequest) -> PaymentResult:
    """A payment in several statements (SQLite); the same rules as `wallet_payment_post`."""
    with transaction.atomic():
        first = idempotent_begin(
            scope=req.scope, key=req.key, operation="payment", params=req.params, new_id=req.payment_id
        )
        if first is not None:
            return _replayed_payment(first)
        checked = check_payment(
            actor=req.actor,
            merchant_code=req.merchant_code,
            number=req.number,
            event_code=req.event_code,
            token_presented=req.token_presented,
        )
        return do_payment(
            actor=req.actor,
            checked=checked,
            payment_id=req.payment_id,
            amount_idr=req.amount_idr,
            event_code=req.event_code,
            reference=req.reference,
            method=req.method,
        )


# --- the PostgreSQL path ------------------------------------------------------------------------------


def _payment_refusal(req: PaymentRequest, outcome: str, info: str | None) -> DomainError:
    refusals: dict[str, Callable[[], DomainError]] = {
        "key_reused": lambda: IdempotencyKeyReused(detail={"operation": info}),
        "in_flight": InFlight,
        "card_not_found": lambda: CardNotFound(detail={"card_number": req.number}),
        "merchant_not_found": lambda: MerchantNotFound(detail={"merchant_code": req.merchant_code}),
        "merchant_inactive": MerchantInactive,
        "forbidden": lambda: _payment_forbidden(req.actor),
        "card_blocked": lambda: CardBlocked(detail={"card_number": req.number, "status": info}),
        "merchant_not_registered": lambda: MerchantNotRegistered(
            detail={"merchant_code": req.merchant_code, "event_code": req.event_code}
        ),
        "insufficient_balance": InsufficientBalance,
    }
    if outcome not in refusals:
        raise RuntimeError(f"wallet_payment_post refused with an unknown reason: {outcome!r}")
    return refusals[outcome]()


def payment_post_pg(req: PaymentRequest) -> PaymentResult:
    """A payment in one statement: the function `wallet_payment_post` (wallet `idempotency_key_scope`).

    Outside a transaction the statement is its own transaction (no BEGIN/COMMIT round trips);
    inside one it runs in a savepoint. A refusal comes back as SQLSTATE KP001 and is raised as its
    domain error. The POS of the shop itself and the card's holder pay in one statement; for anyone
    else the function first asks for the actor's roles."""
    actor_id = req.actor.pk if is_signed_in(req.actor) else None
    roles: tuple[bool, bool] | None = None if actor_id is not None else (False, req.token_presented)
    digest = fingerprint("payment", req.params)
    for _attempt in range(2):
        now = timezone.now()
        try:
            with transaction.atomic() if not connection.get_autocommit() else nullcontext():
                with hot_cursor() as cursor:
                    cursor.execute(
                        "SELECT r_outcome, r_id, r_balance, r_merchant_name FROM wallet_payment_post("
                        "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [
                            req.scope,
                            req.key,
                            digest,
                            req.payment_id,
                            uuid.uuid4(),
                            req.number,
                            req.merchant_code,
                            req.amount_idr,
                            req.event_code,
                            req.reference,
                            req.method,
                            actor_id,
                            roles[0] if roles else None,
                            roles[1] if roles else None,
                            now,
                        ],
                    )
                    outcome, ref_id, balance, merchant_name = cursor.fetchone()
        except DatabaseError as exc:
            diag = getattr(exc.__cause__, "diag", None)
            if diag is None or diag.sqlstate != REFUSED_SQLSTATE:
                raise
            if diag.message_primary == "need_roles" and roles is None:
                roles = _payment_roles(req.actor, req.token_presented)
                continue
            raise _payment_refusal(req, diag.message_primary or "", diag.message_detail) from None
        if outcome == "replay":
            return _replayed_payment(ref_id)
        return PaymentResult(
            payment_id=req.payment_id,
            status=PaymentStatus.POSTED,
            amount_idr=req.amount_idr,
            card_number=req.number,
            merchant_code=req.merchant_code,
            event_code=req.event_code,
            created_at=now,
            card_balance_idr=int(balance),
            reference=req.reference,
            merchant_name=merchant_name,
        )
    raise RuntimeError("wallet_payment_post asked for the actor's roles twice")


# --- paying a merchant's QRIS ---------------------------------------------------------------------------


def _qris_event_code(decoded: qris.Payload) -> str:
    """The event code a city merchant's dynamic QRIS carries in 62.50.01 (or none)."""
    extra = decoded.get("62")
    template = extra.child("50") if extra is not None else None
    if template is None:
        return ""
    try:
        return dict(qris.parse_tlv(template.value)).get("01", "")
    except qris.QrisError:
        return ""


def payment_qris_pay(
    *, actor: Actor, payload: str, card_token: str, idempotency_key: str, amount_idr: int | None = None
) -> PaymentResult:
    """The visitor pays a merchant's dynamic QRIS (shown by the POS) with their city card.

    The payload must be one of ours (acquirer GUI ID.CO.KOTAPINTAR.WWW) and valid; its amount is
    charged (a static code needs `amount_idr`). The card is proven by its signed QR token."""
    try:
        decoded = qris.decode(payload, strict_qris=True)
    except qris.QrisError as exc:
        raise InvalidQris(detail={"reason": exc.code, "tag": exc.tag, "message": exc.message}) from None
    ours = next(
        (
            a
            for a in decoded.merchant_accounts()
            if (gui := a.child("00")) is not None and gui.value == conf.QRIS_ACQUIRER_GUI
        ),
        None,
    )
    mid = ours.child("02") if ours is not None else None
    if mid is None:
        raise ForeignQris()
    merchant = Merchant.objects.filter(qris_mid=mid.value).first()
    if merchant is None:
        raise MerchantNotFound(detail={"qris_mid": mid.value})
    amount = decoded.amount_idr if decoded.amount_idr is not None else amount_idr
    if decoded.amount_idr is not None and amount_idr is not None and amount_idr != decoded.amount_idr:
        raise AmountOutOfRange(_("The amount differs from the amount in the QRIS."))
    if amount is None:
        raise AmountOutOfRange(_("This static QRIS has no amount: enter the amount."))
    return payment_create(
        actor=actor,
        merchant_code=merchant.code,
        card_number="",
        amount_idr=amount,
        idempotency_key=idempotency_key,
        event_code=_qris_event_code(decoded),
        reference=decoded.additional("05"),
        card_token=card_token,
        method=PaymentMethod.QRIS,
    )
