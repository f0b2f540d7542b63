"""The only place where batik talks to the wallet app: its services and selectors, never its models.

Plain typed imports: a renamed wallet function is an import or mypy error, not a runtime refusal.
The wallet's own errors (unknown card, forged token, insufficient balance, …) pass through unchanged.
Tests replace these functions with a fake (tests/batik/conftest.py `fake_wallet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from kotapintar.batik.models import Event
from kotapintar.core.types import Actor
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet import services as wallet_services
from kotapintar.wallet.errors import CardNotFound
from kotapintar.wallet.event_catalogue import EventInfo, event_lookup_register


@dataclass(frozen=True)
class Payment:
    payment_id: str
    status: str
    amount_idr: int
    card_number: str
    card_balance_idr: int
    created_at: datetime | None


@dataclass(frozen=True)
class HistoryLine:
    created_at: datetime | None
    description: str
    amount_idr: int  # signed: negative is money leaving the card


def pay(
    *,
    actor: Actor,
    merchant_code: str,
    card_number: str,
    amount_idr: int,
    idempotency_key: str,
    event_code: str,
    reference: str,
    card_token: str | None = None,
    grant: wallet_services.ChargeGrant | None = None,
) -> Payment:
    result = wallet_services.payment_create(
        actor=actor,
        merchant_code=merchant_code,
        card_number=card_number,
        amount_idr=amount_idr,
        idempotency_key=idempotency_key,
        event_code=event_code,
        reference=reference,
        card_token=card_token,
        grant=grant,
    )
    return Payment(
        payment_id=str(result.payment_id),
        status=result.status,
        amount_idr=result.amount_idr,
        card_number=result.card_number,
        card_balance_idr=result.card_balance_idr,
        created_at=result.created_at,
    )


def authorise(
    *, actor: Actor, card_number: str, pin: str, one_time_code: str, used_for: str
) -> wallet_services.ChargeGrant:
    """May `actor` charge this typed card number (the holder's PIN or one-time code)? Its own transaction:
    a wrong PIN counts even when the purchase that follows is rolled back."""
    return wallet_services.charge_authorise(
        actor=actor, number=card_number, pin=pin, one_time_code=one_time_code, used_for=used_for
    )


def refund(*, actor: Actor, payment_id: str, amount_idr: int, idempotency_key: str) -> int:
    """Refund part of a payment to the card; returns the card's balance afterwards."""
    result = wallet_services.payment_refund(
        actor=actor, payment_id=UUID(payment_id), idempotency_key=idempotency_key, amount_idr=amount_idr
    )
    return result.card_balance_idr


def card_from_token(*, token: str) -> str:
    """The card number inside a signed card QR token; raises the wallet's error on a forged token."""
    return wallet_services.card_token_verify(token=token)


def card_exists(*, number: str) -> bool:
    try:
        wallet_selectors.card_get(number=number)
    except CardNotFound:
        return False
    return True


def card_balance(*, number: str) -> int:
    return wallet_selectors.card_balance(number=number)


def card_pin_state(*, number: str) -> tuple[bool, bool]:
    """(a PIN is set, charging by number is locked after wrong PINs or codes)."""
    info = wallet_selectors.card_get(number=number)
    return info.pin_set, info.pin_locked


def card_qr_token(*, number: str) -> str:
    return wallet_selectors.card_qr_token(number=number)


def card_history(*, number: str, limit: int = 20) -> list[HistoryLine]:
    """The card's movements, newest first; amounts signed from the card's side."""
    return [
        HistoryLine(
            created_at=row.created_at,
            description=f"{row.kind_label} · {row.counterparty}" if row.counterparty else row.kind_label,
            amount_idr=row.amount_idr,
        )
        for row in wallet_selectors.card_history(number=number, limit=limit)
    ]


def cards_for_user(*, user: Actor) -> list[str]:
    return [card.number for card in wallet_selectors.cards_for_user(user=user)]


def card_secret_ok(*, number: str, secret: str) -> bool:
    """True if `secret` opens the card's page: the card's signed QR token, for this active card."""
    return wallet_services.card_secret_verify(number=number, secret=secret)


def turnover_by_event() -> dict[str, int]:
    return wallet_selectors.turnover_by_event()


def turnover_by_event_day() -> dict[tuple[str, date], int]:
    return wallet_selectors.turnover_by_event_day()


def turnover_by_category(*, event_code: str | None = None) -> dict[str, int]:
    return wallet_selectors.turnover_by_category(event_code=event_code)


def turnover_by_merchant(*, event_code: str | None = None) -> list[tuple[str, str, int]]:
    """(merchant code, merchant name, turnover) sorted by turnover, largest first."""
    rows = wallet_selectors.turnover_by_merchant(event_code=event_code)
    return sorted(((r.merchant_code, r.name, r.amount_idr) for r in rows), key=lambda r: (-r[2], r[0]))


def _describe_events(codes: list[str]) -> dict[str, EventInfo]:
    """Names (in the reader's language) and dates of the batik events among `codes`."""
    return {
        e.code: EventInfo(
            code=e.code, name=e.t("name"), starts_at=e.starts_at, ends_at=e.ends_at, ongoing=e.ongoing
        )
        for e in Event.objects.filter(code__in=codes)
    }


def event_catalogue_register() -> None:
    """Tell the wallet the names and dates of batik events (its POS offers those running today)."""
    event_lookup_register(_describe_events)


def card_pin_set(*, actor: Actor, number: str, pin: str, current_pin: str, card_secret: str) -> None:
    """The holder sets (or changes, with the current one) the PIN for charging the card by number."""
    wallet_services.card_pin_set(
        actor=actor, number=number, pin=pin, current_pin=current_pin, card_secret=card_secret
    )


def card_code_create(*, actor: Actor, number: str, card_secret: str) -> tuple[str, datetime]:
    """A one-time code for one charge by card number, and when it expires."""
    made = wallet_services.card_code_create(actor=actor, number=number, card_secret=card_secret)
    return made.code, made.expires_at
