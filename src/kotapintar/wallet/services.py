"""Wallet writes: cards, top-ups, payments, refunds, cash-outs, merchants, settlement.

All money moves through `_book()`: one immutable `Transfer` row and two balance updates in one
transaction, in ascending account order (no deadlocks), the debit guarded by
`WHERE balance_idr >= amount` and its row count checked (no negative card, no double spend).
Money operations take a client-chosen idempotency key: a retry with the same key and the same
parameters returns the first result and moves nothing; the same key with other parameters raises
`IdempotencyKeyReused` (409). Failed operations leave no key behind, so they can be retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.db import hot_cursor
from kotapintar.core.errors import (
    Conflict,
    DomainError,
    IdempotencyKeyReused,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in, require_login, require_role
from kotapintar.lib import qris
from kotapintar.lib.money import fee_idr, luhn_check_digit, luhn_valid
from kotapintar.wallet import cardtoken, conf
from kotapintar.wallet.errors import (
    AmountOutOfRange,
    BalanceLimit,
    CardBlocked,
    CardNotFound,
    InsufficientBalance,
    InvalidCardToken,
    InvalidIdempotencyKey,
    InvalidQris,
    InvalidSignature,
    MerchantBalanceTooLow,
    MerchantInactive,
    MerchantNotFound,
    MerchantNotRegistered,
    PaymentNotFound,
    RefundNotAllowed,
    TopUpNotFound,
)
from kotapintar.wallet.models import (
    Account,
    AccountKind,
    AuditMark,
    Card,
    CardStatus,
    CashOut,
    IdempotencyKey,
    Merchant,
    MerchantCategory,
    MerchantEvent,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    Settlement,
    TopUp,
    TopUpMethod,
    TopUpStatus,
    Transfer,
    TransferKind,
)
from kotapintar.wallet.types import CardInfo, CashOutResult, PaymentResult, SettlementRow, TopUpResult

__all__ = [
    "PaymentResult",
    "card_block",
    "card_issue",
    "card_link",
    "card_replace",
    "card_token_verify",
    "card_unblock",
    "cashout_create",
    "merchant_create",
    "merchant_register_for_event",
    "payment_create",
    "payment_qris_pay",
    "payment_refund",
    "settlement_run",
    "topup_cash",
    "topup_qris_create",
    "topup_qris_expire",
    "topup_qris_notify",
]

WIB = ZoneInfo("Asia/Jakarta")
CARD_PREFIX = "3375"  # Kemendagri code of Kota Pekalongan
OPERATOR_ROLES = (Role.DINAS_PARIWISATA.value,)

# --- helpers -----------------------------------------------------------------------------------------


def _check_amount(amount_idr: Any, *, maximum: int, field: str = "amount_idr") -> int:
    minimum = conf.limit("WALLET_MIN_AMOUNT_IDR")
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool):
        raise AmountOutOfRange(_("The amount must be a whole number of rupiah."), detail={"field": field})
    if amount_idr < minimum or amount_idr > maximum:
        raise AmountOutOfRange(
            detail={"field": field, "min_idr": minimum, "max_idr": maximum, "amount_idr": amount_idr}
        )
    return amount_idr


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not (1 <= len(key) <= 255) or not key.isascii() or not key.isprintable():
        raise InvalidIdempotencyKey()
    return key


def _fingerprint(operation: str, params: dict[str, Any]) -> str:
    text = json.dumps({"op": operation, **params}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _idempotent_begin(*, key: str, operation: str, params: dict[str, Any], new_id: UUID) -> UUID | None:
    """Claim `key` for this operation (inside the caller's transaction).

    Returns the id of the first result when the key was already used with the same parameters, None
    when the caller should go ahead (and create its object with `new_id`). Concurrent first uses of
    one key: the second INSERT waits for the first transaction and then sees its row.
    """
    fingerprint = _fingerprint(operation, params)
    table = IdempotencyKey._meta.db_table
    for _attempt in range(3):
        # One statement claims the key; a concurrent first use of the same key waits on the unique
        # index until that transaction ends, then finds its row (or claims the key if it rolled back).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, operation, fingerprint, object_id, created_at) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING RETURNING id",
                [
                    key,
                    operation,
                    fingerprint,
                    new_id.hex if connection.vendor == "sqlite" else new_id,
                    timezone.now(),
                ],
            )
            claimed = cursor.fetchone() is not None
        if claimed:
            return None
        existing = IdempotencyKey.objects.filter(key=key).first()
        if existing is not None:
            if existing.operation != operation or existing.fingerprint != fingerprint:
                raise IdempotencyKeyReused(detail={"operation": existing.operation})
            return existing.object_id
    raise Conflict(_("This request is already being processed. Retry in a moment."), code="in_flight")


def _card_locked(number: str) -> Card:
    card = Card.objects.select_for_update().select_related("account").filter(number=number).first()
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    return card


def _current_card_locked(card_id: int) -> Card:
    """The card to credit, locked: the card itself, or its replacement if it was replaced (so money
    arriving later — a refund, a confirmed QRIS top-up — never lands on a retired card)."""
    card = Card.objects.select_for_update().select_related("account").get(pk=card_id)
    for _hop in range(10):
        if card.status != CardStatus.REPLACED or card.replaced_by_id is None:
            break
        card = Card.objects.select_for_update().select_related("account").get(pk=card.replaced_by_id)
    return card


def _merchant(code: str) -> Merchant:
    merchant = Merchant.objects.select_related("account").filter(code=code).first()
    if merchant is None:
        raise MerchantNotFound(detail={"merchant_code": code})
    return merchant


_SYSTEM_NAMES: dict[str, str] = {
    AccountKind.QRIS_CLEARING: "QRIS top-up clearing",
    AccountKind.FEES: "Fees",
    AccountKind.FLOAT: "City float",
    AccountKind.SETTLEMENT: "Merchant settlement payable",
}


def system_account(kind: str, code: str = "", name: str = "") -> Account:
    code = code or f"system:{kind}"
    account, _created = Account.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name or _SYSTEM_NAMES.get(kind, kind)}
    )
    return account


def _cash_account(actor: Any) -> Account:
    label = actor.get_username() if actor is not None and actor.is_authenticated else "system"
    return system_account(AccountKind.CASH, code=f"cash:{label}"[:64], name=f"Booth cash ({label})")


@dataclass
class _Leg:
    account_id: int
    delta: int
    floor: int | None  # the balance after must be >= floor (debit guard)
    cap: int | None  # the balance after must be <= cap (credit guard)
    error: type[DomainError]


def _book(
    *,
    debit: Account,
    credit: Account,
    amount_idr: int,
    kind: str,
    ref_type: str,
    ref_id: UUID,
    memo: str = "",
    guard_debit: bool = True,
    debit_error: type[DomainError] = InsufficientBalance,
    credit_cap: int | None = None,
    with_row: Callable[[dict[int, int]], tuple[type[models.Model], dict[str, Any]]] | None = None,
) -> dict[int, int]:
    """Post one transfer; returns {account id: balance after}. Caller holds a transaction.

    `with_row(balances)` may give one more row (the payment) to insert together with the transfer."""
    if amount_idr <= 0 or debit.pk == credit.pk:
        raise ValidationFailed(_("A transfer needs a positive amount between two accounts."))
    legs = [
        _Leg(debit.pk, -amount_idr, 0 if (guard_debit or debit.no_negative) else None, None, debit_error),
        _Leg(credit.pk, amount_idr, None, credit_cap, BalanceLimit),
    ]
    balances: dict[int, int] = {}
    table = Account._meta.db_table
    with connection.cursor() as cursor:
        for leg in sorted(legs, key=lambda item: item.account_id):  # fixed lock order
            sql = f"UPDATE {table} SET balance_idr = balance_idr + %s WHERE id = %s"  # noqa: S608
            params: list[int] = [leg.delta, leg.account_id]
            if leg.floor is not None:
                sql += " AND balance_idr + %s >= %s"
                params += [leg.delta, leg.floor]
            if leg.cap is not None:
                sql += " AND balance_idr + %s <= %s"
                params += [leg.delta, leg.cap]
            cursor.execute(sql + " RETURNING balance_idr", params)
            row = cursor.fetchone()
            if row is None:
                raise leg.error()
            balances[leg.account_id] = int(row[0])
    rows: list[tuple[type[models.Model], dict[str, Any]]] = [
        (
            Transfer,
            {
                "public_id": uuid.uuid4(),
                "debit_account": debit.pk,
                "credit_account": credit.pk,
                "amount_idr": amount_idr,
                "kind": kind,
                "ref_type": ref_type,
                "ref_id": ref_id,
                "memo": memo[:200],
                "created_at": timezone.now(),
            },
        )
    ]
    if with_row is not None:
        rows.append(with_row(balances))
    _insert_rows(rows)
    return balances


def _insert_sql(model: type[models.Model], values: dict[str, Any]) -> tuple[str, list[Any]]:
    """A plain INSERT (the payment path skips the ORM's query compilation); values by field name,
    converted by each field exactly as the ORM would."""
    fields: list[Any] = [model._meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", params  # noqa: S608


def _insert_rows(rows: list[tuple[type[models.Model], dict[str, Any]]]) -> None:
    """Insert the rows; on PostgreSQL in one statement (data-modifying CTEs: one round trip)."""
    parts = [_insert_sql(model, values) for model, values in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(parts) > 1:
            ctes = ", ".join(f"i{n} AS ({sql})" for n, (sql, _p) in enumerate(parts[:-1]))
            cursor.execute(f"WITH {ctes} {parts[-1][0]}", [p for _sql, params in parts for p in params])
        else:
            for sql, params in parts:
                cursor.execute(sql, params)


# --- cards ---------------------------------------------------------------------------------------------


def card_number_new() -> str:
    while True:
        body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(11))
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


def _card_info(card: Card) -> CardInfo:
    return CardInfo(
        number=card.number,
        public_id=card.public_id,
        status=card.status,
        balance_idr=card.account.balance_idr,
        anonymous=card.holder_id is None,
        holder_username=card.holder.get_username() if card.holder is not None else "",
        nfc_uid=card.nfc_uid,
        qr_token=cardtoken.sign(card.number),
        created_at=card.created_at,
        replaced_by=card.replaced_by.number if card.replaced_by is not None else "",
    )


def _clean_nfc(nfc_uid: str) -> str:
    uid = (nfc_uid or "").replace(":", "").replace(" ", "").upper()
    if uid and (len(uid) not in (8, 14, 20) or any(c not in "0123456789ABCDEF" for c in uid)):
        raise ValidationFailed(
            _("The NFC UID must be 4, 7 or 10 bytes in hexadecimal."), code="invalid_nfc_uid"
        )
    if uid and Card.objects.filter(nfc_uid=uid, status=CardStatus.ACTIVE).exists():
        raise Conflict(_("Another active card already has this NFC UID."), code="nfc_uid_taken")
    return uid


def _card_create(*, holder: Any, nfc_uid: str) -> Card:
    number = card_number_new()
    account = Account.objects.create(
        code=f"card:{number}", kind=AccountKind.CARD, name=f"Card {number}", no_negative=True
    )
    return Card.objects.create(number=number, account=account, holder=holder, nfc_uid=nfc_uid)


def card_issue(*, actor: Any, holder_user: Any = None, anonymous: bool = True, nfc_uid: str = "") -> CardInfo:
    """A new card: anonymous (sold at a booth) or linked to `holder_user`.

    Booth operators issue any card; a signed-in visitor may issue a card for themselves (up to
    WALLET_MAX_CARDS_PER_USER active cards)."""
    require_login(actor)
    holder = None if anonymous and holder_user is None else (holder_user or actor)
    if not has_role(actor, *OPERATOR_ROLES):
        if holder is None or holder.pk != actor.pk:
            raise PermissionDenied()
        active = Card.objects.filter(holder=holder, status=CardStatus.ACTIVE).count()
        if active >= conf.limit("WALLET_MAX_CARDS_PER_USER"):
            raise Conflict(_("You already have the maximum number of cards."), code="too_many_cards")
    with transaction.atomic():
        card = _card_create(holder=holder, nfc_uid=_clean_nfc(nfc_uid))
        audit.record(
            action="wallet.card_issue",
            actor=actor,
            obj=card,
            data={"number": card.number, "anonymous": holder is None, "nfc_uid": card.nfc_uid},
        )
    card.refresh_from_db()
    return _card_info(card)


def card_link(*, actor: Any, card_token: str) -> CardInfo:
    """A signed-in visitor claims an anonymous card they hold (proven by its signed QR token): the
    card becomes linked to their account. Idempotent for the same holder; 409 if someone else holds it."""
    require_login(actor)
    number = card_token_verify(token=card_token)
    with transaction.atomic():
        card = _card_locked(number)
        if card.status != CardStatus.ACTIVE:
            raise CardBlocked()
        if card.holder_id is not None and card.holder_id != actor.pk:
            raise Conflict(_("This card is already linked to another account."), code="card_linked_elsewhere")
        if card.holder_id is None:
            active = Card.objects.filter(holder=actor, status=CardStatus.ACTIVE).count()
            if active >= conf.limit("WALLET_MAX_CARDS_PER_USER"):
                raise Conflict(_("You already have the maximum number of cards."), code="too_many_cards")
            card.holder = actor
            card.save(update_fields=["holder"])
            audit.record(action="wallet.card_link", actor=actor, obj=card, data={"number": number})
    card.refresh_from_db()
    return _card_info(card)


def card_block(*, actor: Any, number: str, reason: str = "") -> CardInfo:
    """Block a card (lost, stolen): it can no longer pay. Operators or the card's holder."""
    require_login(actor)
    with transaction.atomic():
        card = _card_locked(number)
        if not (has_role(actor, *OPERATOR_ROLES) or card.holder_id == actor.pk):
            raise PermissionDenied()
        if card.status == CardStatus.REPLACED:
            raise CardBlocked(_("This card was already replaced."))
        if card.status == CardStatus.ACTIVE:
            card.status = CardStatus.BLOCKED
            card.blocked_at = timezone.now()
            card.block_reason = reason[:200]
            card.save(update_fields=["status", "blocked_at", "block_reason"])
            audit.record(action="wallet.card_block", actor=actor, obj=card, data={"reason": reason[:200]})
    return _card_info(card)


def card_unblock(*, actor: Any, number: str) -> CardInfo:
    require_role(actor, *OPERATOR_ROLES)
    with transaction.atomic():
        card = _card_locked(number)
        if card.status == CardStatus.REPLACED:
            raise CardBlocked(_("This card was already replaced."))
        if card.status == CardStatus.BLOCKED:
            card.status = CardStatus.ACTIVE
            card.blocked_at = None
            card.block_reason = ""
            card.save(update_fields=["status", "blocked_at", "block_reason"])
            audit.record(action="wallet.card_unblock", actor=actor, obj=card, data={})
    return _card_info(card)


def card_replace(*, actor: Any, number: str, idempotency_key: str, nfc_uid: str = "") -> CardInfo:
    """Issue a replacement card and move the whole balance to it; the old card becomes `replaced`."""
    require_role(actor, *OPERATOR_ROLES)
    key = _check_key(idempotency_key)
    new_card_id = uuid.uuid4()
    with transaction.atomic():
        first = _idempotent_begin(
            key=key, operation="card_replace", params={"number": number, "nfc": nfc_uid}, new_id=new_card_id
        )
        if first is not None:
            return _card_info(Card.objects.select_related("account", "holder").get(public_id=first))
        old = _card_locked(number)
        if old.status == CardStatus.REPLACED:
            raise CardBlocked(_("This card was already replaced."))
        new = _card_create(holder=old.holder, nfc_uid=_clean_nfc(nfc_uid))
        Card.objects.filter(pk=new.pk).update(public_id=new_card_id)
        balance = Account.objects.select_for_update().get(pk=old.account_id).balance_idr
        if balance > 0:
            _book(
                debit=old.account,
                credit=new.account,
                amount_idr=balance,
                kind=TransferKind.CARD_MOVE,
                ref_type="card",
                ref_id=new_card_id,
                memo=f"{old.number} -> {new.number}",
            )
        old.status = CardStatus.REPLACED
        old.replaced_by = new
        old.blocked_at = old.blocked_at or timezone.now()
        old.save(update_fields=["status", "replaced_by", "blocked_at"])
        audit.record(
            action="wallet.card_replace",
            actor=actor,
            obj=old,
            data={"old": old.number, "new": new.number, "moved_idr": balance},
        )
    return _card_info(Card.objects.select_related("account", "holder").get(public_id=new_card_id))


def _resolve_card_number(card_number: str, card_token: str | None) -> str:
    if card_token:
        from_token = card_token_verify(token=card_token)
        if card_number and card_number_normalise(card_number) != from_token:
            raise InvalidCardToken(_("The card QR code belongs to another card number."))
        return from_token
    if not card_number:
        raise CardNotFound(_("Give a card number or scan the card QR code."))
    return card_number_normalise(card_number)


# --- merchants -----------------------------------------------------------------------------------------


def merchant_qris_mid(code: str) -> str:
    """A stable 12-character merchant id for QRIS sub-tag 02 (QRIS allows at most 15)."""
    return "KP" + hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest()[:10].upper()


def merchant_create(
    *,
    actor: Any,
    code: str,
    name: str,
    category: str = MerchantCategory.OTHER,
    owner: Any = None,
    location: str = "",
    mcc: str = "5999",
    nmid: str = "",
    criteria: str = "UMI",
    postal_code: str = "",
) -> Merchant:
    require_role(actor, *OPERATOR_ROLES)
    if category not in MerchantCategory.values:
        raise ValidationFailed(_("Unknown merchant category."), code="invalid_category")
    if criteria not in qris.MERCHANT_CRITERIA:
        raise ValidationFailed(_("Unknown QRIS merchant criteria."), code="invalid_criteria")
    if not (len(mcc) == 4 and mcc.isdigit()):
        raise ValidationFailed(_("The merchant category code must be 4 digits."), code="invalid_mcc")
    if len(postal_code) > 10 or not (postal_code.isdigit() or postal_code == ""):
        raise ValidationFailed(_("The postal code must be up to 10 digits."), code="invalid_postal_code")
    if not (1 <= len(name) <= 120):
        raise ValidationFailed(_("The merchant name must be 1 to 120 characters."), code="invalid_name")
    with transaction.atomic():
        if Merchant.objects.filter(code=code).exists():
            raise Conflict(_("A merchant with this code already exists."), code="merchant_exists")
        account = Account.objects.create(
            code=f"merchant:{code}"[:64], kind=AccountKind.MERCHANT, name=name[:120], no_negative=True
        )
        merchant = Merchant.objects.create(
            code=code,
            name=name,
            category=category,
            account=account,
            owner=owner,
            location=location,
            mcc=mcc,
            nmid=nmid or f"ID20{merchant_qris_mid(code)[2:]}"[:15],
            criteria=criteria,
            postal_code=postal_code,
            qris_mid=merchant_qris_mid(code),
        )
        audit.record(
            action="wallet.merchant_create",
            actor=actor,
            obj=merchant,
            data={"code": code, "category": category},
        )
    return merchant


def merchant_register_for_event(*, actor: Any, merchant_code: str, event_code: str) -> bool:
    """Allow a merchant to take payments at an event. Idempotent; True when newly registered."""
    require_role(actor, *OPERATOR_ROLES)
    if not event_code or len(event_code) > 64:
        raise ValidationFailed(_("An event code is required."), code="invalid_event_code")
    with transaction.atomic():
        merchant = _merchant(merchant_code)
        _link, created = MerchantEvent.objects.get_or_create(merchant=merchant, event_code=event_code)
        if created:
            audit.record(
                action="wallet.merchant_register_event",
                actor=actor,
                obj=merchant,
                data={"event_code": event_code},
            )
    return created


# --- payments --------------------------------------------------------------------------------------------


def payment_result(payment: Payment, *, refund: Refund | None = None) -> PaymentResult:
    return PaymentResult(
        payment_id=payment.public_id,
        status=payment.status,
        amount_idr=refund.amount_idr if refund is not None else payment.amount_idr,
        card_number=payment.card.number,
        merchant_code=payment.merchant.code,
        event_code=payment.event_code,
        created_at=refund.created_at if refund is not None else payment.created_at,
        card_balance_idr=refund.card_balance_after_idr
        if refund is not None
        else payment.card_balance_after_idr,
        refund_id=refund.public_id if refund is not None else None,
        reference=payment.reference,
        merchant_name=payment.merchant.name,
    )


@dataclass
class _PaymentCheck:
    card: Card
    merchant: Merchant


def _payment_parties(merchant_code: str, number: str) -> tuple[Merchant, Card]:
    """Merchant and card of a payment in one statement (hot path), the card row locked."""
    sql = (
        "SELECT c.id, c.status, c.holder_id, c.account_id, m.id, m.name, m.active, m.owner_id, m.account_id "
        "FROM wallet_card c CROSS JOIN wallet_merchant m WHERE c.number = %s AND m.code = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF c"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [number, merchant_code])
        row = cursor.fetchone()
    if row is None:
        _payment_merchant(merchant_code)  # raises MerchantNotFound when that is what is missing
        raise CardNotFound(detail={"card_number": number})
    card = Card(id=row[0], number=number, status=row[1], holder_id=row[2], account_id=row[3])
    card.account = Account(id=row[3], no_negative=True, kind=AccountKind.CARD)
    merchant = Merchant(
        id=row[4], code=merchant_code, name=row[5], active=bool(row[6]), owner_id=row[7], account_id=row[8]
    )
    merchant.account = Account(id=row[8], no_negative=True, kind=AccountKind.MERCHANT)
    return merchant, card


def _payment_merchant(code: str) -> Merchant:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, active, owner_id, account_id FROM wallet_merchant WHERE code = %s", [code]
        )
        row = cursor.fetchone()
    if row is None:
        raise MerchantNotFound(detail={"merchant_code": code})
    merchant = Merchant(
        id=row[0], code=code, name=row[1], active=bool(row[2]), owner_id=row[3], account_id=row[4]
    )
    merchant.account = Account(id=row[4], no_negative=True, kind=AccountKind.MERCHANT)
    return merchant


def check_payment(
    *, actor: Any, merchant_code: str, number: str, event_code: str, token_presented: bool
) -> _PaymentCheck:
    """Validate and authorise a payment; returns the (locked) card and the merchant."""
    merchant, card = _payment_parties(merchant_code, number)
    if not merchant.active:
        raise MerchantInactive()
    authenticated = is_signed_in(actor)
    # cheapest checks first: the POS of the shop itself and the card's holder need no role lookup
    is_owner = authenticated and merchant.owner_id == actor.pk
    is_holder = authenticated and card.holder_id is not None and card.holder_id == actor.pk
    if not (is_owner or is_holder) and not any(_payment_roles(actor, token_presented)):
        raise _payment_forbidden(actor)
    if card.status != CardStatus.ACTIVE:
        raise CardBlocked(detail={"card_number": number, "status": card.status})
    if event_code and not _registered(merchant.pk, event_code):
        raise MerchantNotRegistered(detail={"merchant_code": merchant_code, "event_code": event_code})
    return _PaymentCheck(card=card, merchant=merchant)


def _payment_roles(actor: Any, token_presented: bool) -> tuple[bool, bool]:
    """(is staff, pays by a scanned card token) for an actor who is neither owner nor holder.

    A scanned, genuine card token proves possession (the visitor pays with their card); a merchant
    account may still only take payments for its own shop."""
    authenticated = is_signed_in(actor)
    is_staff = authenticated and has_role(actor, *OPERATOR_ROLES)
    is_merchant = authenticated and has_role(actor, Role.MERCHANT.value)
    by_token = token_presented and not is_staff and not is_merchant
    return is_staff, by_token


def _payment_forbidden(actor: Any) -> DomainError:
    if not is_signed_in(actor):
        return NotAuthenticated()
    return PermissionDenied(_("You may not charge this card for this merchant."))


def _registered(merchant_id: int, event_code: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM wallet_merchantevent WHERE merchant_id = %s AND event_code = %s",
            [merchant_id, event_code],
        )
        return cursor.fetchone() is not None


def do_payment(
    *,
    actor: Any,
    checked: _PaymentCheck,
    payment_id: UUID,
    amount_idr: int,
    event_code: str,
    reference: str,
    method: str,
) -> PaymentResult:
    card, merchant = checked.card, checked.merchant
    now = timezone.now()

    def payment_row(balances: dict[int, int]) -> tuple[type[models.Model], dict[str, Any]]:
        return (
            Payment,
            {
                "public_id": payment_id,
                "card": card.pk,
                "merchant": merchant.pk,
                "event_code": event_code,
                "amount_idr": amount_idr,
                "refunded_idr": 0,
                "status": PaymentStatus.POSTED,
                "method": method,
                "reference": reference,
                "card_balance_after_idr": balances[card.account_id],
                "created_by": actor.pk if actor is not None and actor.is_authenticated else None,
                "created_at": now,
            },
        )

    balances = _book(
        debit=card.account,
        credit=merchant.account,
        amount_idr=amount_idr,
        kind=TransferKind.PAYMENT,
        ref_type="payment",
        ref_id=payment_id,
        memo=event_code,
        with_row=payment_row,
    )
    return PaymentResult(
        payment_id=payment_id,
        status=PaymentStatus.POSTED,
        amount_idr=amount_idr,
        card_number=card.number,
        merchant_code=merchant.code,
        event_code=event_code,
        created_at=now,
        card_balance_idr=balances[card.account_id],
        reference=reference,
        merchant_name=merchant.name,
    )


PAYMENT_AUDIT_DELAY_S = 60


def payment_audit_batch(*, limit: int = 5000, now: datetime | None = None) -> int:
    """Append one audit entry for the next batch of payments; returns how many it covered.

    Payments are not audited one by one: the audit chain's head row is a single lock, and holding
    it in every payment would serialise all payments of the city behind one commit at a time.
    The ledger rows are immutable; this batch entry (run by `kotapintar wallet-audit-payments`)
    adds them to the hash chain: ids, count, total and a SHA-256 over every payment's fields.
    Only payments older than PAYMENT_AUDIT_DELAY_S are taken, so none still in flight is skipped.
    """
    now = now or timezone.now()
    with transaction.atomic():
        mark, _created = AuditMark.objects.select_for_update().get_or_create(name="payments")
        cutoff = now - timedelta(seconds=PAYMENT_AUDIT_DELAY_S)
        candidates = list(
            Payment.objects.filter(pk__gt=mark.last_pk)
            .order_by("pk")
            .values_list(
                "pk",
                "public_id",
                "amount_idr",
                "card__number",
                "merchant__code",
                "event_code",
                "created_at",
                "created_by_id",
            )[:limit]
        )
        # stop at the first payment that is too recent: a lower id may still be in flight
        rows = []
        for row in candidates:
            if row[6] >= cutoff:
                break
            rows.append(row)
        if not rows:
            return 0
        digest = hashlib.sha256()
        for pk, public_id, amount, card, merchant, event, created_at, by in rows:
            line = (
                f"{pk}|{public_id}|{amount}|{card}|{merchant}|{event}|{created_at.isoformat()}|{by or ''}\n"
            )
            digest.update(line.encode())
        audit.record(
            action="wallet.payments_batch",
            actor=None,
            object_type="wallet.payment",
            object_id=f"{rows[0][0]}-{rows[-1][0]}",
            data={
                "count": len(rows),
                "first_pk": rows[0][0],
                "last_pk": rows[-1][0],
                "total_idr": sum(r[2] for r in rows),
                "sha256": digest.hexdigest(),
            },
        )
        mark.last_pk = rows[-1][0]
        mark.save(update_fields=["last_pk", "updated_at"])
    return len(rows)


def payment_create(
    *,
    actor: Any,
    merchant_code: str,
    card_number: str,
    amount_idr: int,
    idempotency_key: str,
    event_code: str = "",
    reference: str = "",
    card_token: str | None = None,
    method: str = PaymentMethod.CARD,
) -> PaymentResult:
    """A posted payment from a card to a merchant (optionally at an event).

    Raises: AmountOutOfRange (422), CardNotFound (404), InvalidCardToken (422), CardBlocked (409),
    MerchantNotFound (404), MerchantNotRegistered (403), InsufficientBalance (409),
    IdempotencyKeyReused (409), PermissionDenied (403), NotAuthenticated (401).
    """
    amount = _check_amount(amount_idr, maximum=conf.limit("WALLET_MAX_PAYMENT_IDR"))
    key = _check_key(idempotency_key)
    reference = (reference or "")[:64]
    event_code = event_code or ""
    number = _resolve_card_number(card_number, card_token)
    new_id = uuid.uuid4()
    params = {
        "merchant": merchant_code,
        "card": number,
        "amount": amount,
        "event": event_code,
        "ref": reference,
    }
    post = _payment_post_pg if connection.vendor == "postgresql" else _payment_post_python
    return post(
        _PaymentRequest(
            actor=actor,
            key=key,
            params=params,
            payment_id=new_id,
            merchant_code=merchant_code,
            number=number,
            amount_idr=amount,
            event_code=event_code,
            reference=reference,
            method=method,
            token_presented=bool(card_token),
        )
    )


@dataclass(frozen=True)
class _PaymentRequest:
    actor: Any
    key: str
    params: dict[str, Any]
    payment_id: UUID
    merchant_code: str
    number: str
    amount_idr: int
    event_code: str
    reference: str
    method: str
    token_presented: bool


def _replayed_payment(payment_id: UUID) -> PaymentResult:
    """The result of the first payment made with a retried Idempotency-Key."""
    return payment_result(Payment.objects.select_related("card", "merchant").get(public_id=payment_id))


def _payment_post_python(req: _PaymentRequest) -> PaymentResult:
    """A payment in several statements (SQLite); the same rules as `wallet_payment_post`."""
    with transaction.atomic():
        first = _idempotent_begin(key=req.key, operation="payment", params=req.params, new_id=req.payment_id)
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


REFUSED_SQLSTATE = "KP001"  # raised by wallet_payment_post for every refusal


def _payment_refusal(req: _PaymentRequest, outcome: str, info: str | None) -> DomainError:
    refusals: dict[str, Callable[[], DomainError]] = {
        "key_reused": lambda: IdempotencyKeyReused(detail={"operation": info}),
        "in_flight": lambda: Conflict(
            _("This request is already being processed. Retry in a moment."), code="in_flight"
        ),
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


def _payment_post_pg(req: _PaymentRequest) -> PaymentResult:
    """A payment in one statement: the function `wallet_payment_post` (migration wallet 0004).

    Outside a transaction the statement is its own transaction (no BEGIN/COMMIT round trips);
    inside one it runs in a savepoint. A refusal comes back as SQLSTATE KP001 and is raised as its
    domain error. The POS of the shop itself and the card's holder pay in one statement; for anyone
    else the function first asks for the actor's roles."""
    authenticated = is_signed_in(req.actor)
    actor_id = req.actor.pk if authenticated else None
    roles: tuple[bool, bool] | None = None if authenticated else (False, req.token_presented)
    fingerprint = _fingerprint("payment", req.params)
    for _attempt in range(2):
        now = timezone.now()
        try:
            with transaction.atomic() if not connection.get_autocommit() else nullcontext():
                with hot_cursor() as cursor:
                    cursor.execute(
                        "SELECT r_outcome, r_id, r_balance, r_merchant_name FROM wallet_payment_post("
                        "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [
                            req.key,
                            fingerprint,
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


def payment_qris_pay(
    *, actor: Any, payload: str, card_token: str, idempotency_key: str, amount_idr: int | None = None
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
        raise InvalidQris(_("This QRIS belongs to a merchant outside the city wallet."), code="foreign_qris")
    merchant = Merchant.objects.filter(qris_mid=mid.value).first()
    if merchant is None:
        raise MerchantNotFound(detail={"qris_mid": mid.value})
    amount = decoded.amount_idr if decoded.amount_idr is not None else amount_idr
    if decoded.amount_idr is not None and amount_idr is not None and amount_idr != decoded.amount_idr:
        raise AmountOutOfRange(_("The amount differs from the amount in the QRIS."))
    if amount is None:
        raise AmountOutOfRange(_("This static QRIS has no amount: enter the amount."))
    event_code = ""
    extra = decoded.get("62")
    if extra is not None:
        template = extra.child("50")
        if template is not None:
            try:
                inner = dict(qris.parse_tlv(template.value))
            except qris.QrisError:
                inner = {}
            event_code = inner.get("01", "")
    return payment_create(
        actor=actor,
        merchant_code=merchant.code,
        card_number="",
        amount_idr=amount,
        idempotency_key=idempotency_key,
        event_code=event_code,
        reference=decoded.additional("05"),
        card_token=card_token,
        method=PaymentMethod.QRIS,
    )


def payment_refund(
    *, actor: Any, payment_id: UUID, idempotency_key: str, amount_idr: int | None = None
) -> PaymentResult:
    """Refund a payment (all that is left, or `amount_idr` of it) from the merchant to the card.

    The result carries the refund's id and amount; its status is the payment's new status. If the
    card was replaced meanwhile, the money goes to its replacement."""
    require_login(actor)
    key = _check_key(idempotency_key)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = _idempotent_begin(
            key=key,
            operation="refund",
            params={"payment": str(payment_id), "amount": amount_idr},
            new_id=new_id,
        )
        if first is not None:
            refund = Refund.objects.select_related("payment__card", "payment__merchant").get(public_id=first)
            return payment_result(refund.payment, refund=refund)
        payment = (
            Payment.objects.select_for_update()
            .select_related("card__account", "merchant__account")
            .filter(public_id=payment_id)
            .first()
        )
        if payment is None:
            raise PaymentNotFound()
        merchant = payment.merchant
        if not (has_role(actor, *OPERATOR_ROLES) or merchant.owner_id == actor.pk):
            raise PermissionDenied()
        left = payment.amount_idr - payment.refunded_idr
        if left <= 0:
            raise RefundNotAllowed()
        amount = left if amount_idr is None else _check_amount(amount_idr, maximum=left)
        card = _current_card_locked(payment.card_id)
        balances = _book(
            debit=merchant.account,
            credit=card.account,
            amount_idr=amount,
            kind=TransferKind.REFUND,
            ref_type="refund",
            ref_id=new_id,
            debit_error=MerchantBalanceTooLow,
            memo=str(payment.public_id),
        )
        payment.refunded_idr += amount
        payment.status = (
            PaymentStatus.REFUNDED
            if payment.refunded_idr >= payment.amount_idr
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded_idr", "status"])
        refund = Refund.objects.create(
            public_id=new_id,
            payment=payment,
            amount_idr=amount,
            card_balance_after_idr=balances[card.account_id],
            created_by=actor,
        )
        audit.record(
            action="wallet.payment_refund",
            actor=actor,
            obj=payment,
            data={"amount_idr": amount, "refund": str(new_id), "card": card.number},
        )
    return payment_result(payment, refund=refund)


# --- top-ups and cash-out ------------------------------------------------------------------------------


def topup_result(topup: TopUp) -> TopUpResult:
    return TopUpResult(
        topup_id=topup.public_id,
        card_number=topup.card.number,
        amount_idr=topup.amount_idr,
        method=topup.method,
        status=topup.status,
        qris_payload=topup.qris_payload,
        created_at=topup.created_at,
        expires_at=topup.expires_at,
        card_balance_idr=topup.card_balance_after_idr,
    )


def topup_cash(*, actor: Any, card_number: str, amount_idr: int, idempotency_key: str) -> TopUpResult:
    """Cash paid at a booth: booth cash -> card, posted at once."""
    require_role(actor, *OPERATOR_ROLES)
    amount = _check_amount(amount_idr, maximum=conf.limit("WALLET_MAX_TOPUP_IDR"))
    key = _check_key(idempotency_key)
    number = card_number_normalise(card_number)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = _idempotent_begin(
            key=key, operation="topup_cash", params={"card": number, "amount": amount}, new_id=new_id
        )
        if first is not None:
            return topup_result(TopUp.objects.select_related("card").get(public_id=first))
        card = _card_locked(number)
        if card.status != CardStatus.ACTIVE:
            raise CardBlocked()
        balances = _book(
            debit=_cash_account(actor),
            credit=card.account,
            amount_idr=amount,
            kind=TransferKind.TOPUP_CASH,
            ref_type="topup",
            ref_id=new_id,
            guard_debit=False,
            credit_cap=conf.limit("WALLET_MAX_BALANCE_IDR"),
        )
        now = timezone.now()
        topup = TopUp.objects.create(
            public_id=new_id,
            card=card,
            amount_idr=amount,
            method=TopUpMethod.CASH,
            status=TopUpStatus.POSTED,
            card_balance_after_idr=balances[card.account_id],
            created_by=actor,
            resolved_at=now,
        )
        audit.record(
            action="wallet.topup_cash", actor=actor, obj=topup, data={"card": number, "amount_idr": amount}
        )
    return topup_result(topup)


def city_qris_merchant() -> qris.Merchant:
    data = conf.CITY_QRIS_MERCHANT
    return qris.Merchant(
        name=data["name"],
        city=data["city"],
        mcc=data["mcc"],
        pan=data["pan"],
        merchant_id=data["merchant_id"],
        nmid=data["nmid"],
        criteria=data["criteria"],
        postal_code=data["postal_code"],
        acquirer_gui=conf.QRIS_ACQUIRER_GUI,
    )


def topup_qris_create(*, actor: Any, card_number: str, amount_idr: int, idempotency_key: str) -> TopUpResult:
    """A pending top-up with a dynamic QRIS to pay. No money moves until the acquirer confirms
    (`topup_qris_notify`); it is voided on failure or after WALLET_QRIS_TOPUP_TTL_S."""
    amount = _check_amount(amount_idr, maximum=conf.limit("WALLET_MAX_TOPUP_IDR"))
    key = _check_key(idempotency_key)
    number = card_number_normalise(card_number)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = _idempotent_begin(
            key=key, operation="topup_qris", params={"card": number, "amount": amount}, new_id=new_id
        )
        if first is not None:
            return topup_result(TopUp.objects.select_related("card").get(public_id=first))
        card = _card_locked(number)
        if card.status != CardStatus.ACTIVE:
            raise CardBlocked()
        if card.account.balance_idr + amount > conf.limit("WALLET_MAX_BALANCE_IDR"):
            raise BalanceLimit()
        reference = "TU" + new_id.hex[:20].upper()
        payload = qris.encode(city_qris_merchant(), amount_idr=amount, reference=reference, purpose="TOPUP")
        now = timezone.now()
        topup = TopUp.objects.create(
            public_id=new_id,
            card=card,
            amount_idr=amount,
            method=TopUpMethod.QRIS,
            status=TopUpStatus.PENDING,
            qris_payload=payload,
            provider_reference="",
            created_by=actor if actor is not None and actor.is_authenticated else None,
            expires_at=now + timedelta(seconds=conf.limit("WALLET_QRIS_TOPUP_TTL_S")),
        )
        audit.record(
            action="wallet.topup_qris_create",
            actor=actor,
            obj=topup,
            data={"card": number, "amount_idr": amount},
        )
    return topup_result(topup)


def qris_notify_signature(body: bytes) -> str:
    """The hex HMAC-SHA256 the acquirer puts in `X-Kotapintar-Signature` over the raw body."""
    return hmac.new(conf.qris_webhook_secret(), body, hashlib.sha256).hexdigest()


def topup_qris_notify(*, body: bytes, signature: str) -> TopUpResult:
    """The acquirer's notification: `{"topup_id", "status": "paid"|"failed"|"expired", "amount_idr",
    "provider_reference"}`, signed. Paid posts QRIS clearing -> card; failed/expired voids. Repeated
    notifications return the current state and move nothing."""
    if not hmac.compare_digest(qris_notify_signature(body), (signature or "").strip().lower()):
        raise InvalidSignature()
    try:
        data = json.loads(body.decode("utf-8"))
        topup_id = UUID(str(data["topup_id"]))
        status = str(data["status"])
        amount = data.get("amount_idr")
        provider_ref = str(data.get("provider_reference", ""))[:64]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise ValidationFailed(_("The notification is not valid JSON of the documented shape.")) from None
    if status not in ("paid", "failed", "expired"):
        raise ValidationFailed(_("Unknown notification status."), code="invalid_status")
    with transaction.atomic():
        topup = (
            TopUp.objects.select_for_update()
            .select_related("card__account")
            .filter(public_id=topup_id)
            .first()
        )
        if topup is None:
            raise TopUpNotFound()
        if topup.method != TopUpMethod.QRIS:
            raise ValidationFailed(_("This top-up was not made by QRIS."), code="not_qris")
        if topup.status != TopUpStatus.PENDING:
            posted_again = status == "paid" and topup.status == TopUpStatus.POSTED
            voided_again = status != "paid" and topup.status == TopUpStatus.VOIDED
            if posted_again or voided_again:
                return topup_result(topup)
            raise Conflict(
                _("This top-up was already resolved differently; reconcile it with the provider."),
                code="topup_already_resolved",
                detail={"status": topup.status},
            )
        now = timezone.now()
        if status == "paid":
            if amount != topup.amount_idr:
                raise ValidationFailed(_("The paid amount differs from the top-up."), code="amount_mismatch")
            card = _current_card_locked(topup.card_id)
            balances = _book(
                debit=system_account(AccountKind.QRIS_CLEARING),
                credit=card.account,
                amount_idr=topup.amount_idr,
                kind=TransferKind.TOPUP_QRIS,
                ref_type="topup",
                ref_id=topup.public_id,
                guard_debit=False,
                memo=provider_ref,
            )
            topup.status = TopUpStatus.POSTED
            topup.card_balance_after_idr = balances[card.account_id]
        else:
            topup.status = TopUpStatus.VOIDED
        topup.provider_reference = provider_ref
        topup.resolved_at = now
        topup.save(update_fields=["status", "card_balance_after_idr", "provider_reference", "resolved_at"])
        audit.record(
            action="wallet.topup_qris_" + ("post" if status == "paid" else "void"),
            actor=None,
            obj=topup,
            data={"provider_reference": provider_ref, "status": status},
        )
    return topup_result(topup)


def topup_qris_expire(*, now: datetime | None = None) -> int:
    """Void pending QRIS top-ups past their expiry; returns how many."""
    now = now or timezone.now()
    count = 0
    for pk in TopUp.objects.filter(status=TopUpStatus.PENDING, expires_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            topup = TopUp.objects.select_for_update().get(pk=pk)
            if topup.status != TopUpStatus.PENDING:
                continue
            topup.status = TopUpStatus.VOIDED
            topup.resolved_at = now
            topup.save(update_fields=["status", "resolved_at"])
            audit.record(action="wallet.topup_qris_expire", actor=None, obj=topup, data={})
            count += 1
    return count


def cashout_create(
    *, actor: Any, card_number: str, idempotency_key: str, amount_idr: int | None = None
) -> CashOutResult:
    """Pay out a card's leftover balance in cash at a booth (all of it unless `amount_idr`)."""
    require_role(actor, *OPERATOR_ROLES)
    key = _check_key(idempotency_key)
    number = card_number_normalise(card_number)
    new_id = uuid.uuid4()
    with transaction.atomic():
        first = _idempotent_begin(
            key=key, operation="cashout", params={"card": number, "amount": amount_idr}, new_id=new_id
        )
        if first is not None:
            row = CashOut.objects.select_related("card__account").get(public_id=first)
            return CashOutResult(
                cashout_id=row.public_id,
                card_number=row.card.number,
                amount_idr=row.amount_idr,
                fee_idr=row.fee_idr,
                created_at=row.created_at,
                card_balance_idr=row.card.account.balance_idr,
            )
        card = _card_locked(number)
        if card.status != CardStatus.ACTIVE:
            raise CardBlocked()
        balance = Account.objects.select_for_update().get(pk=card.account_id).balance_idr
        amount = balance if amount_idr is None else _check_amount(amount_idr, maximum=max(balance, 1))
        if amount <= 0:
            raise InsufficientBalance(_("The card is empty: nothing to pay out."))
        fee = min(conf.limit("WALLET_CASHOUT_FEE_IDR"), amount)
        after = balance
        if fee > 0:
            after = _book(
                debit=card.account,
                credit=system_account(AccountKind.FEES),
                amount_idr=fee,
                kind=TransferKind.FEE,
                ref_type="cashout",
                ref_id=new_id,
            )[card.account_id]
        if amount - fee > 0:
            after = _book(
                debit=card.account,
                credit=_cash_account(actor),
                amount_idr=amount - fee,
                kind=TransferKind.CASHOUT,
                ref_type="cashout",
                ref_id=new_id,
            )[card.account_id]
        row = CashOut.objects.create(
            public_id=new_id, card=card, amount_idr=amount - fee, fee_idr=fee, created_by=actor
        )
        audit.record(
            action="wallet.cashout",
            actor=actor,
            obj=row,
            data={"card": number, "amount_idr": amount, "fee_idr": fee},
        )
    return CashOutResult(
        cashout_id=row.public_id,
        card_number=number,
        amount_idr=row.amount_idr,
        fee_idr=fee,
        created_at=row.created_at,
        card_balance_idr=after,
    )


# --- settlement --------------------------------------------------------------------------------------------


def wib_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=WIB)
    return start, start + timedelta(days=1)


def settlement_row(row: Settlement) -> SettlementRow:
    return SettlementRow(
        settlement_id=row.public_id,
        merchant_code=row.merchant.code,
        merchant_name=row.merchant.name,
        category=row.merchant.category,
        business_date=row.business_date,
        payments_count=row.payments_count,
        gross_idr=row.gross_idr,
        refunds_idr=row.refunds_idr,
        fee_idr=row.fee_idr,
        net_idr=row.net_idr,
        paid_at=row.paid_at,
    )


def settlement_run(
    *, actor: Any, business_date: date, merchant_code: str | None = None
) -> list[SettlementRow]:
    """Settle each merchant's takings of one business day (WIB): gross payments minus that day's
    refunds, minus the MDR fee (WALLET_SETTLEMENT_FEE_BPS), moved from the merchant account to the
    settlement payable (what the city's bank transfers to the merchant). Once per merchant and day."""
    require_role(actor, *OPERATOR_ROLES)
    if business_date >= timezone.now().astimezone(WIB).date():
        raise ValidationFailed(_("Only a finished business day can be settled."), code="day_not_over")
    start, end = wib_day_bounds(business_date)
    merchants = Merchant.objects.select_related("account").order_by("pk")
    if merchant_code:
        merchants = merchants.filter(code=merchant_code)
        if not merchants.exists():
            raise MerchantNotFound()
    bps = conf.limit("WALLET_SETTLEMENT_FEE_BPS")
    rows: list[SettlementRow] = []
    for merchant in merchants:
        with transaction.atomic():
            if Settlement.objects.filter(merchant=merchant, business_date=business_date).exists():
                continue
            day = Payment.objects.filter(merchant=merchant, created_at__gte=start, created_at__lt=end)
            agg = day.aggregate(total=Sum("amount_idr"))
            count = day.count()
            refunds = (
                Refund.objects.filter(
                    payment__merchant=merchant, created_at__gte=start, created_at__lt=end
                ).aggregate(total=Sum("amount_idr"))["total"]
                or 0
            )
            gross = int(agg["total"] or 0)
            if count == 0 and refunds == 0:
                continue
            fee = fee_idr(gross, bps=bps)
            net = max(gross - refunds - fee, 0)
            settlement_id = uuid.uuid4()
            balance = Account.objects.select_for_update().get(pk=merchant.account_id).balance_idr
            fee = min(fee, balance)
            net = min(net, balance - fee)
            if fee > 0:
                _book(
                    debit=merchant.account,
                    credit=system_account(AccountKind.FEES),
                    amount_idr=fee,
                    kind=TransferKind.FEE,
                    ref_type="settlement",
                    ref_id=settlement_id,
                    debit_error=MerchantBalanceTooLow,
                )
            if net > 0:
                _book(
                    debit=merchant.account,
                    credit=system_account(AccountKind.SETTLEMENT),
                    amount_idr=net,
                    kind=TransferKind.SETTLEMENT,
                    ref_type="settlement",
                    ref_id=settlement_id,
                    debit_error=MerchantBalanceTooLow,
                    memo=business_date.isoformat(),
                )
            row = Settlement.objects.create(
                public_id=settlement_id,
                merchant=merchant,
                business_date=business_date,
                payments_count=count,
                gross_idr=gross,
                refunds_idr=refunds,
                fee_idr=fee,
                net_idr=net,
                created_by=actor,
            )
            audit.record(
                action="wallet.settlement",
                actor=actor,
                obj=row,
                data={
                    "merchant": merchant.code,
                    "date": business_date,
                    "gross": gross,
                    "net": net,
                    "fee": fee,
                },
            )
            rows.append(settlement_row(row))
    return rows


# --- the city float (the city's bank account for the wallet) -------------------------------------------


@dataclass(frozen=True)
class FloatMove:
    transfer_id: UUID
    amount_idr: int
    float_balance_idr: int


def _float_move(
    *,
    actor: Any,
    key: str,
    operation: str,
    debit: Account,
    credit: Account,
    amount: int,
    kind: str,
    credit_cap: int | None,
    debit_guard: bool,
    memo: str,
    debit_error: type[DomainError] = InsufficientBalance,
) -> FloatMove:
    new_id = uuid.uuid4()
    float_account = system_account(AccountKind.FLOAT)
    with transaction.atomic():
        first = _idempotent_begin(
            key=key,
            operation=operation,
            params={"amount": amount, "account": credit.code, "memo": memo},
            new_id=new_id,
        )
        if first is not None:
            transfer = Transfer.objects.get(ref_id=first, kind=kind)
            return FloatMove(
                transfer_id=first,
                amount_idr=transfer.amount_idr,
                float_balance_idr=Account.objects.get(pk=float_account.pk).balance_idr,
            )
        balances = _book(
            debit=debit,
            credit=credit,
            amount_idr=amount,
            kind=kind,
            ref_type=operation,
            ref_id=new_id,
            guard_debit=debit_guard,
            debit_error=debit_error,
            credit_cap=credit_cap,
            memo=memo,
        )
        audit.record(
            action=f"wallet.{operation}",
            actor=actor,
            object_type="wallet.transfer",
            object_id=str(new_id),
            data={"amount_idr": amount, "debit": debit.code, "credit": credit.code, "memo": memo},
        )
    return FloatMove(transfer_id=new_id, amount_idr=amount, float_balance_idr=balances[float_account.pk])


def cash_deposit(*, actor: Any, amount_idr: int, idempotency_key: str) -> FloatMove:
    """A booth operator pays the cash of their drawer into the city's bank: booth cash -> float.
    At most what the drawer holds (its balance cannot go above zero)."""
    require_role(actor, *OPERATOR_ROLES)
    amount = _check_amount(amount_idr, maximum=10**12)
    return _float_move(
        actor=actor,
        key=_check_key(idempotency_key),
        operation="cash_deposit",
        debit=system_account(AccountKind.FLOAT),
        credit=_cash_account(actor),
        amount=amount,
        kind=TransferKind.CASH_DEPOSIT,
        credit_cap=0,
        debit_guard=False,
        memo="",
        debit_error=InsufficientBalance,
    )


def qris_clearing_settle(
    *, actor: Any, amount_idr: int, idempotency_key: str, reference: str = ""
) -> FloatMove:
    """The acquirer paid QRIS top-ups into the city's bank: QRIS clearing -> float (at most what
    the clearing account is owed)."""
    require_role(actor, *OPERATOR_ROLES)
    amount = _check_amount(amount_idr, maximum=10**12)
    return _float_move(
        actor=actor,
        key=_check_key(idempotency_key),
        operation="qris_settle",
        debit=system_account(AccountKind.FLOAT),
        credit=system_account(AccountKind.QRIS_CLEARING),
        amount=amount,
        kind=TransferKind.ACQUIRER_SETTLEMENT,
        credit_cap=0,
        debit_guard=False,
        memo=reference[:64],
    )


def settlement_payout(*, actor: Any, settlement_id: UUID) -> SettlementRow:
    """The city's bank transferred a settlement to the merchant: settlement payable -> float.
    Once per settlement (a repeat returns it unchanged)."""
    require_role(actor, *OPERATOR_ROLES)
    with transaction.atomic():
        row = (
            Settlement.objects.select_for_update()
            .select_related("merchant")
            .filter(public_id=settlement_id)
            .first()
        )
        if row is None:
            raise NotFound(_("No settlement has this id."), code="settlement_not_found")
        if row.paid_at is None:
            if row.net_idr > 0:
                _book(
                    debit=system_account(AccountKind.SETTLEMENT),
                    credit=system_account(AccountKind.FLOAT),
                    amount_idr=row.net_idr,
                    kind=TransferKind.PAYOUT,
                    ref_type="payout",
                    ref_id=row.public_id,
                    memo=row.merchant.code,
                )
            row.paid_at = timezone.now()
            row.save(update_fields=["paid_at"])
            audit.record(
                action="wallet.settlement_payout", actor=actor, obj=row, data={"net_idr": row.net_idr}
            )
    return settlement_row(row)
