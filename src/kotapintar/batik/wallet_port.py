"""The only place where batik talks to the wallet app: its services and selectors, never its models.

Every function imports the wallet lazily so that batik stays importable on its own, and turns a
missing wallet into a clear 409 instead of a crash. Tests replace these functions with a fake.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict

ORGANISER_MERCHANT = "dinparbudpora-tiket"


class WalletUnavailable(Conflict):
    code = "wallet_unavailable"
    default_message = _("The city wallet is not available right now. Please try again later.")


def _wallet(module: str) -> Any:
    try:
        return importlib.import_module(f"kotapintar.wallet.{module}")
    except ImportError as exc:  # pragma: no cover - the wallet app is part of the platform
        raise WalletUnavailable() from exc


def _call(module: str, name: str, **kwargs: Any) -> Any:
    func = getattr(_wallet(module), name, None)
    if func is None:
        raise WalletUnavailable(detail={"missing": f"wallet.{module}.{name}"})
    return func(**kwargs)


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
    actor: Any,
    merchant_code: str,
    card_number: str,
    amount_idr: int,
    idempotency_key: str,
    event_code: str,
    reference: str,
    card_token: str | None = None,
) -> Payment:
    result = _call(
        "services",
        "payment_create",
        actor=actor,
        merchant_code=merchant_code,
        card_number=card_number,
        amount_idr=amount_idr,
        idempotency_key=idempotency_key,
        event_code=event_code,
        reference=reference,
        card_token=card_token,
    )
    return Payment(
        payment_id=str(getattr(result, "payment_id", "")),
        status=str(getattr(result, "status", "")),
        amount_idr=int(getattr(result, "amount_idr", amount_idr)),
        card_number=str(getattr(result, "card_number", card_number)),
        card_balance_idr=int(getattr(result, "card_balance_idr", 0) or 0),
        created_at=getattr(result, "created_at", None),
    )


def refund(*, actor: Any, payment_id: str, amount_idr: int, idempotency_key: str) -> int:
    """Refund part of a payment to the card; returns the card's balance afterwards."""
    from uuid import UUID

    result = _call(
        "services",
        "payment_refund",
        actor=actor,
        payment_id=UUID(payment_id),
        idempotency_key=idempotency_key,
        amount_idr=amount_idr,
    )
    return int(getattr(result, "card_balance_idr", 0) or 0)


def card_from_token(*, token: str) -> str:
    """The card number inside a signed card QR token; raises the wallet's error on a forged token."""
    return str(_call("services", "card_token_verify", token=token))


def card_exists(*, number: str) -> bool:
    try:
        card = _call("selectors", "card_get", number=number)
    except WalletUnavailable:
        raise
    except Exception:  # noqa: BLE001 - the wallet raises NotFound (or returns None) for unknown cards
        return False
    return card is not None


def card_balance(*, number: str) -> int:
    return int(_call("selectors", "card_balance", number=number))


def card_qr_token(*, number: str) -> str:
    return str(_call("selectors", "card_qr_token", number=number))


def card_history(*, number: str, limit: int = 20) -> list[HistoryLine]:
    """The card's movements, newest first; amounts signed from the card's side (wallet CardHistoryItem)."""
    lines: list[HistoryLine] = []
    for row in _call("selectors", "card_history", number=number, limit=limit):
        label = str(getattr(row, "kind_label", "") or getattr(row, "kind", ""))
        other = str(getattr(row, "counterparty", "") or "")
        lines.append(
            HistoryLine(
                created_at=getattr(row, "created_at", None),
                description=f"{label} · {other}" if other else label,
                amount_idr=int(getattr(row, "amount_idr", 0) or 0),
            )
        )
    return lines


def cards_for_user(*, user: Any) -> list[str]:
    cards = _call("selectors", "cards_for_user", user=user)
    return [str(getattr(c, "number", c)) for c in cards]


def card_secret_ok(*, number: str, secret: str) -> bool:
    """True if `secret` opens the card's page: the wallet's own check when it has one, else the
    card's signed QR token (printed on the card) must name this card."""
    wallet_services = _wallet("services")
    checker = getattr(wallet_services, "card_secret_verify", None)
    if checker is not None:
        try:
            return bool(checker(number=number, secret=secret))
        except Exception:  # noqa: BLE001 - any refusal is a wrong secret
            return False
    try:
        return card_from_token(token=secret) == number
    except Exception:  # noqa: BLE001
        return False


def _selector_or_empty(name: str, **kwargs: Any) -> Any:
    try:
        return _call("selectors", name, **kwargs)
    except WalletUnavailable:
        return None


def turnover_by_event() -> dict[str, int]:
    data = _selector_or_empty("turnover_by_event")
    return {str(k): int(v) for k, v in dict(data or {}).items()}


def turnover_by_category(*, event_code: str | None = None) -> dict[str, int]:
    data = _selector_or_empty("turnover_by_category", event_code=event_code)
    return {str(k): int(v) for k, v in dict(data or {}).items()}


def turnover_by_merchant(*, event_code: str | None = None) -> list[tuple[str, str, int]]:
    """(merchant code, merchant name, turnover) sorted by turnover, largest first."""
    rows = _selector_or_empty("turnover_by_merchant", event_code=event_code) or []
    out = [
        (
            str(getattr(r, "merchant_code", "")),
            str(getattr(r, "name", "")),
            int(getattr(r, "amount_idr", 0) or 0),
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r[2], r[0]))
