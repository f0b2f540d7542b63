"""The wallet API at /api/v1/wallet/: cards, top-ups, payments, refunds, cash-out, merchants,
settlement, QRIS. Every operation that moves money takes an `Idempotency-Key` header: a retry with the
same key and body returns the first result (same status and body) and moves no money; the same key
with a different body is 409 `idempotency_key_reused`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Query, Router, Status
from pydantic import StringConstraints

from kotapintar.core import ratelimit
from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.clientip import client_key
from kotapintar.core.errors import PermissionDenied, UserNotFound
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, require_login, require_role
from kotapintar.core.schemas import ERRORS, ErrorOut
from kotapintar.core.types import Actor, User
from kotapintar.lib import qris
from kotapintar.middleware import raw_body
from kotapintar.wallet import cardtoken, selectors, services
from kotapintar.wallet.errors import InvalidCardToken, InvalidQris
from kotapintar.wallet.schemas import (
    CardBlockIn,
    CardCodeIn,
    CardCodeOut,
    CardIssueIn,
    CardLinkIn,
    CardNumber,
    CardOut,
    CardPinIn,
    CardReplaceIn,
    CashDepositIn,
    CashOutIn,
    CashOutOut,
    Code,
    FloatMoveOut,
    HistoryItemOut,
    KeysOut,
    LedgerCheckOut,
    MerchantEventIn,
    MerchantIn,
    MerchantOut,
    NotifyOut,
    PaymentIn,
    PaymentOut,
    QrisClearingIn,
    QrisDecodeIn,
    QrisDecodeOut,
    QrisPayIn,
    QrisPayloadOut,
    RefundIn,
    RegisteredOut,
    SettlementIn,
    SettlementOut,
    TokenVerifyIn,
    TokenVerifyOut,
    TopUpIn,
    TopUpOut,
    as_dict,
)

router = Router(tags=["wallet"])
QR_FORMAT = "KP1.<kid>.<card number>.<base64url Ed25519 signature over 'KP1.<kid>.<card number>'>"

IdemKey = Annotated[
    str,
    StringConstraints(pattern=r"^[\x21-\x7e]{1,255}$"),
    Header(alias="Idempotency-Key", description="client-chosen key, 1-255 visible ASCII characters"),
]
PUBLIC_ERRORS: dict[int, Any] = {**ERRORS, 413: ErrorOut, 429: ErrorOut}
OPERATOR = Role.DINAS_PARIWISATA.value


def _user(request: HttpRequest) -> Actor:
    return request.user


def _user_named(username: str | None) -> User | None:
    """The user with this username (None for an empty one); UserNotFound if there is none."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise UserNotFound()
    return user


def _card_number(number: str) -> str:
    return services.card_number_normalise(number)


def _may_see_card(request: HttpRequest, number: str) -> None:
    user = require_login(_user(request))
    if has_role(user, OPERATOR):
        return
    info = selectors.card_get(number=number)
    if info.holder_username != user.get_username():
        raise PermissionDenied()


# --- keys and tokens -------------------------------------------------------------------------------


@router.get(
    "/keys",
    response={200: KeysOut, **PUBLIC_ERRORS},
    auth=PUBLIC,
    summary="City public keys for card QR tokens",
)
def keys(request: HttpRequest) -> Any:
    return {
        "token_format": QR_FORMAT,
        "keys": [{**k, "active": k["active"] == "true"} for k in cardtoken.public_keys()],
    }


@router.post("/cards/verify-token", response={200: TokenVerifyOut, **PUBLIC_ERRORS}, auth=PUBLIC)
def verify_token(request: HttpRequest, payload: TokenVerifyIn) -> Any:
    ratelimit.check(f"wallet-verify:{client_key(request)}", limit=120, window_s=60)
    try:
        number = services.card_token_verify(token=payload.token)
    except InvalidCardToken:
        return {"valid": False, "card_number": ""}
    return {"valid": True, "card_number": number}


# --- cards -------------------------------------------------------------------------------------------


@router.post("/cards", response={201: CardOut, **ERRORS}, auth=AUTH, summary="Issue a city card")
def card_issue(request: HttpRequest, payload: CardIssueIn) -> Any:
    holder = _user_named(payload.holder_username)
    info = services.card_issue(
        actor=_user(request),
        holder_user=holder,
        anonymous=payload.anonymous,
        nfc_uid=payload.nfc_uid,
        pin=payload.pin,
    )
    return Status(201, as_dict(info))


@router.post(
    "/cards/link", response={200: CardOut, **ERRORS}, auth=AUTH, summary="Link an anonymous card to me"
)
def card_link(request: HttpRequest, payload: CardLinkIn) -> Any:
    return as_dict(services.card_link(actor=_user(request), card_token=payload.card_token))


@router.get("/cards/mine", response={200: list[CardOut], **ERRORS}, auth=AUTH)
def cards_mine(request: HttpRequest) -> Any:
    return [as_dict(c) for c in selectors.cards_for_user(user=_user(request))]


@router.get("/cards/{number}", response={200: CardOut, **ERRORS}, auth=AUTH)
def card_get(request: HttpRequest, number: CardNumber) -> Any:
    number = _card_number(number)
    _may_see_card(request, number)
    return as_dict(selectors.card_get(number=number))


@router.get("/cards/{number}/history", response={200: list[HistoryItemOut], **ERRORS}, auth=AUTH)
def card_history(
    request: HttpRequest, number: CardNumber, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> Any:
    number = _card_number(number)
    _may_see_card(request, number)
    return [as_dict(i) for i in selectors.card_history(number=number, limit=limit)]


@router.post("/cards/{number}/block", response={200: CardOut, **ERRORS}, auth=AUTH)
def card_block(request: HttpRequest, number: CardNumber, payload: CardBlockIn) -> Any:
    info = services.card_block(actor=_user(request), number=_card_number(number), reason=payload.reason)
    return as_dict(info)


@router.post("/cards/{number}/unblock", response={200: CardOut, **ERRORS}, auth=AUTH)
def card_unblock(request: HttpRequest, number: CardNumber) -> Any:
    return as_dict(services.card_unblock(actor=_user(request), number=_card_number(number)))


@router.post("/cards/{number}/pin", response={204: None, **PUBLIC_ERRORS}, auth=PUBLIC)
def card_pin_set(request: HttpRequest, number: CardNumber, payload: CardPinIn) -> Any:
    """Set the PIN for charging the card by its typed number: booth staff, the signed-in holder, or
    whoever holds the card (its QR token as `card_secret`); a PIN already set needs `current_pin`."""
    services.card_pin_set(
        actor=_user(request),
        number=_card_number(number),
        pin=payload.pin,
        current_pin=payload.current_pin,
        card_secret=payload.card_secret or "",
    )
    return Status(204, None)


@router.post("/cards/{number}/pin/unlock", response={200: CardOut, **ERRORS}, auth=AUTH)
def card_pin_unlock(request: HttpRequest, number: CardNumber) -> Any:
    """Booth staff unlock charging by number after too many wrong PINs or codes."""
    number = _card_number(number)
    services.card_pin_unlock(actor=_user(request), number=number)
    return as_dict(selectors.card_get(number=number))


@router.post("/cards/{number}/codes", response={201: CardCodeOut, **PUBLIC_ERRORS}, auth=PUBLIC)
def card_code_create(request: HttpRequest, number: CardNumber, payload: CardCodeIn) -> Any:
    """A one-time code (6 digits, short-lived) for charging the card by its typed number once."""
    code = services.card_code_create(
        actor=_user(request), number=_card_number(number), card_secret=payload.card_secret or ""
    )
    return Status(201, {"code": code.code, "expires_at": code.expires_at})


@router.post(
    "/cards/{number}/replace",
    response={201: CardOut, **ERRORS},
    auth=AUTH,
    summary="Issue a replacement card and move the balance to it",
)
def card_replace(
    request: HttpRequest, number: CardNumber, payload: CardReplaceIn, idempotency_key: IdemKey
) -> Any:
    info = services.card_replace(
        actor=_user(request),
        number=_card_number(number),
        idempotency_key=idempotency_key,
        nfc_uid=payload.nfc_uid,
        onto=payload.onto or "",
    )
    return Status(201, as_dict(info))


# --- top-ups and cash-out ------------------------------------------------------------------------------


@router.post("/topups/cash", response={201: TopUpOut, **ERRORS}, auth=AUTH, summary="Cash top-up at a booth")
def topup_cash(request: HttpRequest, payload: TopUpIn, idempotency_key: IdemKey) -> Any:
    result = services.topup_cash(
        actor=_user(request),
        card_number=payload.card_number,
        amount_idr=payload.amount_idr,
        idempotency_key=idempotency_key,
    )
    return Status(201, as_dict(result))


@router.post(
    "/topups/qris",
    response={201: TopUpOut, **PUBLIC_ERRORS},
    auth=PUBLIC,
    summary="Start a QRIS top-up (pending until the acquirer confirms)",
)
def topup_qris(request: HttpRequest, payload: TopUpIn, idempotency_key: IdemKey) -> Any:
    ratelimit.check(f"wallet-topup-qris:{client_key(request)}", limit=30, window_s=60)
    result = services.topup_qris_create(
        actor=_user(request),
        card_number=payload.card_number,
        amount_idr=payload.amount_idr,
        idempotency_key=idempotency_key,
    )
    return Status(201, as_dict(result))


@router.get("/topups/{topup_id}", response={200: TopUpOut, **PUBLIC_ERRORS}, auth=PUBLIC)
def topup_get(request: HttpRequest, topup_id: UUID) -> Any:
    return as_dict(selectors.topup_get(topup_id=topup_id))


@router.post(
    "/topups/qris/notify",
    response={200: NotifyOut, **ERRORS},
    auth=None,
    summary="Acquirer notification for a QRIS top-up (HMAC-signed)",
    description=(
        'Body: `{"topup_id": UUID, "status": "paid"|"failed"|"expired", "amount_idr": int, '
        '"provider_reference": str}`. Header `X-Kotapintar-Signature`: hex HMAC-SHA256 of the raw body with '
        "WALLET_QRIS_WEBHOOK_SECRET. Paid posts the top-up, failed/expired voids it; repeats are harmless."
    ),
)
def topup_qris_notify(
    request: HttpRequest,
    signature: Annotated[
        str, StringConstraints(pattern=r"^[0-9a-fA-F]{0,128}$"), Header(alias="X-Kotapintar-Signature")
    ] = "",
) -> Any:
    result = services.topup_qris_notify(body=raw_body(request), signature=signature)
    return {"topup_id": result.topup_id, "status": result.status}


@router.post(
    "/cashouts", response={201: CashOutOut, **ERRORS}, auth=AUTH, summary="Pay out a card's balance in cash"
)
def cashout(request: HttpRequest, payload: CashOutIn, idempotency_key: IdemKey) -> Any:
    result = services.cashout_create(
        actor=_user(request),
        card_number=payload.card_number,
        idempotency_key=idempotency_key,
        amount_idr=payload.amount_idr,
    )
    return Status(201, as_dict(result))


# --- payments -------------------------------------------------------------------------------------------


@router.post(
    "/payments", response={201: PaymentOut, **ERRORS}, auth=AUTH, summary="Charge a card (merchant POS)"
)
def payment_create(request: HttpRequest, payload: PaymentIn, idempotency_key: IdemKey) -> Any:
    result = services.payment_create(
        actor=_user(request),
        merchant_code=payload.merchant_code,
        card_number=payload.card_number,
        amount_idr=payload.amount_idr,
        idempotency_key=idempotency_key,
        event_code=payload.event_code,
        reference=payload.reference,
        card_token=payload.card_token,
        pin=payload.pin,
        one_time_code=payload.one_time_code,
    )
    return Status(201, as_dict(result))


@router.post(
    "/payments/qris",
    response={201: PaymentOut, **PUBLIC_ERRORS},
    auth=PUBLIC,
    summary="Pay a merchant's QRIS with a city card",
)
def payment_qris(request: HttpRequest, payload: QrisPayIn, idempotency_key: IdemKey) -> Any:
    ratelimit.check(f"wallet-qris-pay:{client_key(request)}", limit=60, window_s=60)
    result = services.payment_qris_pay(
        actor=_user(request),
        payload=payload.payload,
        card_token=payload.card_token,
        idempotency_key=idempotency_key,
        amount_idr=payload.amount_idr,
    )
    return Status(201, as_dict(result))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS}, auth=AUTH)
def payment_get(request: HttpRequest, payment_id: UUID) -> Any:
    user = require_login(_user(request))
    result = selectors.payment_get(payment_id=payment_id)
    if not has_role(user, OPERATOR):
        merchant = selectors.merchant_get(code=result.merchant_code)
        card = selectors.card_get(number=result.card_number)
        if merchant.owner_id != user.pk and card.holder_username != user.get_username():
            raise PermissionDenied()
    return as_dict(result)


@router.post("/payments/{payment_id}/refund", response={201: PaymentOut, **ERRORS}, auth=AUTH)
def payment_refund(
    request: HttpRequest, payment_id: UUID, payload: RefundIn, idempotency_key: IdemKey
) -> Any:
    result = services.payment_refund(
        actor=_user(request),
        payment_id=payment_id,
        idempotency_key=idempotency_key,
        amount_idr=payload.amount_idr,
    )
    return Status(201, as_dict(result))


# --- merchants -------------------------------------------------------------------------------------------


def _merchant_out(m: Any) -> dict[str, Any]:
    return {
        "code": m.code,
        "name": m.name,
        "category": m.category,
        "location": m.location,
        "active": m.active,
        "events": selectors.merchant_events(code=m.code),
    }


@router.get("/merchants", response={200: list[MerchantOut], **PUBLIC_ERRORS}, auth=PUBLIC)
def merchant_list(
    request: HttpRequest, event_code: Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,64}$")] = None
) -> Any:
    return [_merchant_out(m) for m in selectors.merchant_list(event_code=event_code)[:500]]


@router.post("/merchants", response={201: MerchantOut, **ERRORS}, auth=AUTH)
def merchant_create(request: HttpRequest, payload: MerchantIn) -> Any:
    owner = _user_named(payload.owner_username)
    m = services.merchant_create(
        actor=_user(request),
        code=payload.code,
        name=payload.name,
        category=payload.category,
        owner=owner,
        location=payload.location,
        mcc=payload.mcc,
        postal_code=payload.postal_code,
    )
    return Status(201, _merchant_out(m))


@router.post("/merchants/{code}/events", response={200: RegisteredOut, **ERRORS}, auth=AUTH)
def merchant_register_event(request: HttpRequest, code: Code, payload: MerchantEventIn) -> Any:
    created = services.merchant_register_for_event(
        actor=_user(request), merchant_code=code, event_code=payload.event_code
    )
    return {"merchant_code": code, "event_code": payload.event_code, "created": created}


@router.get("/merchants/{code}/qris", response={200: QrisPayloadOut, **PUBLIC_ERRORS}, auth=PUBLIC)
def merchant_qris(
    request: HttpRequest,
    code: Code,
    amount_idr: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    event_code: Annotated[str, Query(pattern=r"^([a-z0-9][a-z0-9_-]{0,63})?$")] = "",
) -> Any:
    payload = selectors.merchant_qris_payload(code=code, amount_idr=amount_idr, event_code=event_code)
    return {"payload": payload, "dynamic": amount_idr is not None, "amount_idr": amount_idr}


# --- settlement and ledger ----------------------------------------------------------------------------


@router.post(
    "/settlements",
    response={200: list[SettlementOut], **ERRORS},
    auth=AUTH,
    summary="Settle a finished business day",
    description=(
        "Idempotent by nature (once per merchant and day): the answer is every settlement of that day, "
        "so a retry returns the same list and moves no money again."
    ),
)
def settlement_run(request: HttpRequest, payload: SettlementIn) -> Any:
    services.settlement_run(
        actor=_user(request), business_date=payload.business_date, merchant_code=payload.merchant_code
    )
    rows = selectors.settlement_list(business_date=payload.business_date, merchant_code=payload.merchant_code)
    return [as_dict(r) for r in rows]


@router.get("/settlements", response={200: list[SettlementOut], **ERRORS}, auth=AUTH)
def settlement_list(
    request: HttpRequest,
    business_date: date | None = None,
    merchant_code: Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,50}$")] = None,
) -> Any:
    user = _user(request)
    if not has_role(user, OPERATOR):
        own = [m.code for m in selectors.merchants_for_user(user=user)]
        if merchant_code is None or merchant_code not in own:
            raise PermissionDenied()
    return [
        as_dict(r)
        for r in selectors.settlement_list(business_date=business_date, merchant_code=merchant_code)
    ]


@router.post("/settlements/{settlement_id}/payout", response={200: SettlementOut, **ERRORS}, auth=AUTH)
def settlement_payout(request: HttpRequest, settlement_id: UUID) -> Any:
    """The bank transfer to the merchant was made: settlement payable -> city float. Once."""
    return as_dict(services.settlement_payout(actor=_user(request), settlement_id=settlement_id))


@router.post("/float/cash-deposits", response={201: FloatMoveOut, **ERRORS}, auth=AUTH)
def cash_deposit(request: HttpRequest, payload: CashDepositIn, idempotency_key: IdemKey) -> Any:
    """The operator paid their booth cash into the city's bank: booth cash -> city float."""
    result = services.cash_deposit(
        actor=_user(request), amount_idr=payload.amount_idr, idempotency_key=idempotency_key
    )
    return Status(201, as_dict(result))


@router.post("/float/qris-clearing", response={201: FloatMoveOut, **ERRORS}, auth=AUTH)
def qris_clearing_settle(request: HttpRequest, payload: QrisClearingIn, idempotency_key: IdemKey) -> Any:
    """The acquirer paid QRIS top-ups into the city's bank: QRIS clearing -> city float."""
    result = services.qris_clearing_settle(
        actor=_user(request),
        amount_idr=payload.amount_idr,
        idempotency_key=idempotency_key,
        reference=payload.reference,
    )
    return Status(201, as_dict(result))


@router.get("/ledger/check", response={200: LedgerCheckOut, **ERRORS}, auth=AUTH)
def ledger_check(request: HttpRequest) -> Any:
    require_role(_user(request), OPERATOR)
    return as_dict(selectors.ledger_check())


# --- QRIS ------------------------------------------------------------------------------------------------


@router.post(
    "/qris/decode",
    response={200: QrisDecodeOut, **PUBLIC_ERRORS},
    auth=PUBLIC,
    summary="Decode and validate a QRIS payload",
)
def qris_decode(request: HttpRequest, payload: QrisDecodeIn) -> Any:
    ratelimit.check(f"wallet-qris-decode:{client_key(request)}", limit=120, window_s=60)
    try:
        # a tool for payloads as found in the wild: format deviations are warnings unless strict
        decoded = qris.decode(
            payload.payload, strict_qris=payload.strict_qris, lenient=not payload.strict_qris
        )
    except qris.QrisError as exc:
        raise InvalidQris(
            f"{InvalidQris.default_message} ({exc.code}: {exc.message})",
            detail={"reason": exc.code, "tag": exc.tag, "message": exc.message},
        ) from None
    return decoded.as_dict()
