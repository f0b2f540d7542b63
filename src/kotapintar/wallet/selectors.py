"""Wallet reads: cards, history, payments, merchants, settlement, ledger check and turnover analytics
(the batik app's dashboards call the turnover selectors)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from kotapintar.core.permissions import is_signed_in
from kotapintar.core.types import Actor
from kotapintar.lib import qris
from kotapintar.wallet import cardtoken, conf
from kotapintar.wallet.errors import (
    CardNotFound,
    InvalidQris,
    MerchantNotFound,
    PaymentNotFound,
    TopUpNotFound,
)
from kotapintar.wallet.event_catalogue import events_describe
from kotapintar.wallet.models import (
    PAYMENT_AUDIT_MARK,
    Account,
    AuditMark,
    Card,
    CardStatus,
    Merchant,
    MerchantEvent,
    Payment,
    Settlement,
    TopUp,
    Transfer,
    TransferKind,
)
from kotapintar.wallet.results import card_info, payment_result, settlement_row, topup_result
from kotapintar.wallet.types import (
    CardHistoryItem,
    CardInfo,
    LedgerCheck,
    MerchantTurnover,
    PaymentResult,
    SettlementRow,
    TopUpResult,
)

WIB = ZoneInfo("Asia/Jakarta")


def merchant_qris_pan(code: str) -> str:
    """An 18-digit merchant PAN at the city's acquirer, stable per merchant code."""
    digest = int(hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest(), 16)
    return "936000" + f"{digest % 10**12:012d}"


def _card(number: str) -> Card:
    card = Card.objects.select_related("account", "holder", "replaced_by").filter(number=number).first()
    if card is None:
        raise CardNotFound(detail={"card_number": number})
    return card


def card_get(*, number: str) -> CardInfo:
    return card_info(_card(number))


def card_balance(*, number: str) -> int:
    balance = Account.objects.filter(card__number=number).values_list("balance_idr", flat=True).first()
    if balance is None:
        raise CardNotFound(detail={"card_number": number})
    return int(balance)


def card_qr_token(*, number: str) -> str:
    _card(number)
    return cardtoken.sign(number)


def cards_for_user(*, user: Actor) -> list[CardInfo]:
    if not is_signed_in(user):
        return []
    cards = Card.objects.select_related("account", "holder", "replaced_by").filter(holder=user)
    return [card_info(c) for c in cards.order_by("status", "-created_at")]


_LABELS = dict(TransferKind.choices)


def card_history(*, number: str, limit: int = 50) -> list[CardHistoryItem]:
    """The card's ledger movements, newest first, signed from the card's point of view."""
    card = _card(number)
    acc = card.account_id
    rows = list(
        Transfer.objects.filter(Q(debit_account_id=acc) | Q(credit_account_id=acc))
        .select_related("debit_account__merchant", "credit_account__merchant")
        .order_by("-id")[: max(1, min(limit, 500))]
    )
    payment_ids = [t.ref_id for t in rows if t.ref_type == "payment" and t.ref_id is not None]
    payments = {
        p.public_id: p
        for p in Payment.objects.filter(public_id__in=payment_ids).only(
            "public_id", "event_code", "reference"
        )
    }
    items: list[CardHistoryItem] = []
    for t in rows:
        incoming = t.credit_account_id == acc
        other = t.debit_account if incoming else t.credit_account
        merchant = getattr(other, "merchant", None) if other.kind == "merchant" else None
        pay = payments.get(t.ref_id) if t.ref_id is not None else None
        items.append(
            CardHistoryItem(
                id=t.public_id,
                created_at=t.created_at,
                kind=t.kind,
                kind_label=str(_LABELS.get(t.kind, t.kind)),
                amount_idr=t.amount_idr if incoming else -t.amount_idr,
                counterparty=merchant.name if merchant is not None else str(other.name or other.code),
                event_code=pay.event_code if pay is not None else "",
                reference=pay.reference if pay is not None else "",
            )
        )
    return items


def payment_get(*, payment_id: UUID) -> PaymentResult:
    payment = Payment.objects.select_related("card", "merchant").filter(public_id=payment_id).first()
    if payment is None:
        raise PaymentNotFound()
    return payment_result(payment)


def payment_list(
    *, merchant_code: str | None = None, event_code: str | None = None, limit: int = 50
) -> list[PaymentResult]:
    qs = Payment.objects.select_related("card", "merchant").order_by("-created_at")
    if merchant_code:
        qs = qs.filter(merchant__code=merchant_code)
    if event_code:
        qs = qs.filter(event_code=event_code)
    return [payment_result(p) for p in qs[: max(1, min(limit, 500))]]


def topup_get(*, topup_id: UUID) -> TopUpResult:
    topup = TopUp.objects.select_related("card").filter(public_id=topup_id).first()
    if topup is None:
        raise TopUpNotFound()
    return topup_result(topup)


def merchant_list(*, event_code: str | None = None) -> QuerySet[Merchant]:
    qs = Merchant.objects.select_related("account", "owner").order_by("name")
    if event_code:
        qs = qs.filter(events__event_code=event_code)
    return qs


def merchant_get(*, code: str) -> Merchant:
    merchant = Merchant.objects.select_related("account", "owner").filter(code=code).first()
    if merchant is None:
        raise MerchantNotFound(detail={"merchant_code": code})
    return merchant


def merchant_events(*, code: str) -> list[str]:
    return list(
        MerchantEvent.objects.filter(merchant__code=code)
        .order_by("event_code")
        .values_list("event_code", flat=True)
    )


@dataclass(frozen=True)
class PosEvent:
    code: str
    name: str
    selected: bool


def pos_events(*, code: str, chosen: str = "", now: datetime | None = None) -> list[PosEvent]:
    """The events the merchant's POS offers: those it is registered for that run today (city time),
    by name, plus `chosen` (an event the booth picked for this POS, e.g. ?event= in the POS link).
    Only the chosen one, or the single event running today, is preselected — never a past one.
    Without an app that describes events, every registered code is offered, none preselected."""
    registered = merchant_events(code=code)
    today = (now or timezone.now()).astimezone(WIB).date()
    described = events_describe(registered)
    if described is None:
        return [PosEvent(code=c, name=c, selected=c == chosen) for c in registered]
    running = []
    for c in registered:
        info = described.get(c)
        if info is None:
            continue
        on_today = info.ongoing or (
            info.starts_at.astimezone(WIB).date() <= today <= info.ends_at.astimezone(WIB).date()
        )
        if on_today or c == chosen:
            running.append(info)
    running.sort(key=lambda i: (i.starts_at, i.name))
    pick = chosen if any(i.code == chosen for i in running) else ""
    if not pick and len([i for i in running if not i.ongoing]) == 1:
        pick = next(i.code for i in running if not i.ongoing)
    return [PosEvent(code=i.code, name=i.name, selected=i.code == pick) for i in running]


def merchants_for_user(*, user: Actor) -> list[Merchant]:
    if not is_signed_in(user):
        return []
    return list(Merchant.objects.select_related("account").filter(owner=user, active=True).order_by("name"))


def merchant_qris_payload(
    *, code: str, amount_idr: int | None = None, reference: str = "", event_code: str = ""
) -> str:
    """The merchant's QRIS: static without an amount, dynamic with one (event code in 62.50)."""
    merchant = merchant_get(code=code)
    extra = ""
    if event_code:
        inner = (
            f"00{len(conf.QRIS_ACQUIRER_GUI):02d}{conf.QRIS_ACQUIRER_GUI}01{len(event_code):02d}{event_code}"
        )
        extra = f"50{len(inner):02d}{inner}"
    try:
        return qris.encode(
            qris.Merchant(
                name=merchant.name[:25],
                city=merchant.city[:15] or conf.qris_city_name(),
                mcc=merchant.mcc,
                pan=merchant_qris_pan(merchant.code),
                merchant_id=merchant.qris_mid,
                nmid=merchant.nmid or "ID" + merchant.qris_mid,
                acquirer_gui=conf.QRIS_ACQUIRER_GUI,
                criteria=merchant.criteria,
                postal_code=merchant.postal_code,
            ),
            amount_idr=amount_idr,
            reference=reference,
            extra_additional=extra,
        )
    except qris.QrisError as exc:  # merchant data that QRIS cannot carry (e.g. a long postal code)
        raise InvalidQris(detail={"reason": exc.code, "tag": exc.tag, "message": exc.message}) from None


def settlement_list(
    *, business_date: date | None = None, merchant_code: str | None = None
) -> list[SettlementRow]:
    qs = Settlement.objects.select_related("merchant").order_by("-business_date", "merchant__code")
    if business_date is not None:
        qs = qs.filter(business_date=business_date)
    if merchant_code:
        qs = qs.filter(merchant__code=merchant_code)
    return [settlement_row(s) for s in qs[:1000]]


def ledger_check() -> LedgerCheck:
    """Sum of all balances (must be 0); every account's balance equals its credits minus its debits
    in the transfer log; no no-negative account below zero."""
    total = int(Account.objects.aggregate(t=Sum("balance_idr"))["t"] or 0)
    credits = dict(
        Transfer.objects.values_list("credit_account_id")
        .annotate(s=Sum("amount_idr"))
        .values_list("credit_account_id", "s")
    )
    debits = dict(
        Transfer.objects.values_list("debit_account_id")
        .annotate(s=Sum("amount_idr"))
        .values_list("debit_account_id", "s")
    )
    mismatched, negative = [], []
    accounts = 0
    for pk, code, balance, no_negative in Account.objects.values_list(
        "pk", "code", "balance_idr", "no_negative"
    ):
        accounts += 1
        if balance != int(credits.get(pk) or 0) - int(debits.get(pk) or 0):
            mismatched.append(code)
        if no_negative and balance < 0:
            negative.append(code)
    return LedgerCheck(
        ok=total == 0 and not mismatched and not negative,
        total_idr=total,
        accounts=accounts,
        transfers=Transfer.objects.count(),
        negative_accounts=negative,
        mismatched_accounts=mismatched,
    )


# --- analytics (turnover = payments minus their refunds) --------------------------------------------------


def _payments(
    *, event_code: str | None = None, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Payment]:
    qs = Payment.objects.all()
    if event_code:
        qs = qs.filter(event_code=event_code)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return qs


def turnover_by_event(*, start: datetime | None = None, end: datetime | None = None) -> dict[str, int]:
    rows = (
        _payments(start=start, end=end)
        .exclude(event_code="")
        .values("event_code")
        .annotate(total=Sum(F("amount_idr") - F("refunded_idr")))
        .order_by("event_code")
    )
    return {r["event_code"]: int(r["total"] or 0) for r in rows}


def turnover_by_merchant(*, event_code: str | None = None) -> list[MerchantTurnover]:
    rows = (
        _payments(event_code=event_code)
        .values("merchant__code", "merchant__name", "merchant__category")
        .annotate(total=Sum(F("amount_idr") - F("refunded_idr")), n=Count("id"))
        .order_by("-total", "merchant__code")
    )
    return [
        MerchantTurnover(
            merchant_code=r["merchant__code"],
            name=r["merchant__name"],
            category=r["merchant__category"],
            amount_idr=int(r["total"] or 0),
            payments=int(r["n"]),
        )
        for r in rows
    ]


def turnover_by_category(*, event_code: str | None = None) -> dict[str, int]:
    rows = (
        _payments(event_code=event_code)
        .values("merchant__category")
        .annotate(total=Sum(F("amount_idr") - F("refunded_idr")))
        .order_by("merchant__category")
    )
    return {r["merchant__category"]: int(r["total"] or 0) for r in rows}


def cards_active_count() -> int:
    return Card.objects.filter(status=CardStatus.ACTIVE).count()


def turnover_by_event_day() -> dict[tuple[str, date], int]:
    """Turnover (payments minus refunds) per event and local (WIB) day: aggregates for open data."""
    from django.db.models.functions import TruncDate

    rows = (
        Payment.objects.exclude(event_code="")
        .annotate(day=TruncDate("created_at", tzinfo=WIB))
        .values("event_code", "day")
        .annotate(total=Sum(F("amount_idr") - F("refunded_idr")))
        .order_by("event_code", "day")
    )
    return {(r["event_code"], r["day"]): int(r["total"] or 0) for r in rows}


UNAUDITED_COUNT_CAP = 100_000


def payment_audit_lag(*, now: datetime | None = None) -> dict[str, Any]:
    """How far the batched payment audit (`wallet-audit-payments`) is behind, for /healthz: payments not
    yet in the audit chain, the age of the oldest, and whether it is within WALLET_AUDIT_MAX_LAG_S.
    Three indexed queries (the mark, the first payment after it, a capped count)."""
    now = now or timezone.now()
    last_pk = AuditMark.objects.filter(name=PAYMENT_AUDIT_MARK).values_list("last_pk", flat=True).first() or 0
    oldest = (
        Payment.objects.filter(pk__gt=last_pk).order_by("pk").values_list("created_at", flat=True).first()
    )
    limit = conf.limit("WALLET_AUDIT_MAX_LAG_S")
    lag_s = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    unaudited = Payment.objects.filter(pk__gt=last_pk)[:UNAUDITED_COUNT_CAP].count()
    return {
        "ok": lag_s <= limit,
        "lag_s": round(lag_s, 1),
        "max_lag_s": limit,
        "audited_up_to": last_pk,
        "unaudited": unaudited,  # counted up to UNAUDITED_COUNT_CAP
    }
