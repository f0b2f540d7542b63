"""Wallet pages (phone-sized, Indonesian first): overview, merchant POS, booth operator, settlement
report (page and CSV), card QR images. Money moves only through the JSON API, called by the pages'
scripts with an Idempotency-Key generated and stored before sending (see static/wallet/money.js)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotapintar.core.errors import DomainError
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role
from kotapintar.lib import sheets
from kotapintar.lib.money import format_idr
from kotapintar.wallet import cardtoken, conf, selectors, services
from kotapintar.wallet.models import MerchantCategory
from kotapintar.wallet.types import SettlementRow

OPERATOR = Role.DINAS_PARIWISATA.value


def _strings() -> dict[str, str]:
    """Texts the page scripts show, translated here (no separate JavaScript catalogue)."""
    return {
        "sending": _("Sending…"),
        "pending": _("Pending: no answer yet. Retrying with the same key — the payment will not be doubled."),
        "offline": _("No connection. The request is kept and will be retried."),
        "paid": _("Paid"),
        "done": _("Done"),
        "failed": _("Refused"),
        "balance": _("Card balance"),
        "scan_unsupported": _("This browser cannot scan QR codes. Type the card number instead."),
        "scan_denied": _("The camera is not available."),
        "scanned": _("Card scanned"),
        "token_ok_offline": _("Signature checked offline with the city key"),
        "token_bad_offline": _("This QR code is not signed by the city!"),
        "amount_required": _("Enter an amount."),
        "card_required": _("Scan or type the card first."),
        "refund_confirm": _("Refund this payment to the card?"),
        "refunded": _("Refunded"),
        "card_issued": _("Card issued"),
        "topped_up": _("Topped up"),
        "cashed_out": _("Paid out in cash"),
        "blocked": _("Card blocked"),
        "replaced": _("Replacement card issued; balance moved"),
        "status": _("Status"),
        "number": _("Card number"),
        "resolved": _("Resolved after retry"),
        "qris_waiting": _("Waiting for the payment provider to confirm the QRIS payment…"),
        "qris_posted": _("QRIS payment confirmed: balance topped up"),
        "qris_voided": _("QRIS payment failed or expired: nothing was added"),
        "qris_demo_hint": _(
            "Demo: no real provider is connected. Confirm the payment as the provider would; a real "
            "top-up is confirmed only by the provider's signed notification."
        ),
        "qris_demo_confirm": _("Demo: confirm as the provider"),
        "pin_unlocked": _("PIN unlocked"),
        "pin_saved": _("PIN saved"),
    }


def _forbid_unless(condition: bool) -> None:
    if not condition:
        raise Http404()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    operator = has_role(user, OPERATOR)
    return render(
        request,
        "wallet/index.html",
        {
            "operator": operator,
            "merchants": selectors.merchant_list() if operator else selectors.merchants_for_user(user=user),
            "cards": selectors.cards_for_user(user=user),
            "check": selectors.ledger_check() if operator else None,
            "turnover": selectors.turnover_by_category() if operator else {},
            "categories": dict(MerchantCategory.choices),
        },
    )


@login_required
def pos(request: HttpRequest, code: str) -> HttpResponse:
    try:
        merchant = selectors.merchant_get(code=code)
    except DomainError:
        raise Http404() from None
    _forbid_unless(has_role(request.user, OPERATOR) or merchant.owner_id == request.user.pk)
    return render(
        request,
        "wallet/pos.html",
        {
            "merchant": merchant,
            "events": selectors.pos_events(code=code, chosen=request.GET.get("event", "")),
            "payments": selectors.payment_list(merchant_code=code, limit=15),
            "strings": _strings(),
            "max_payment": conf.limit("WALLET_MAX_PAYMENT_IDR"),
            "keys": cardtoken.public_keys(),
        },
    )


@login_required
def booth(request: HttpRequest) -> HttpResponse:
    _forbid_unless(has_role(request.user, OPERATOR))
    return render(
        request,
        "wallet/booth.html",
        {
            "strings": _strings(),
            "max_topup": conf.limit("WALLET_MAX_TOPUP_IDR"),
            "max_topup_text": format_idr(conf.limit("WALLET_MAX_TOPUP_IDR")),
            "max_balance_text": format_idr(conf.limit("WALLET_MAX_BALANCE_IDR")),
            "demo": settings.DEMO,
        },
    )


@login_required
@require_POST
def topup_qris_demo_confirm(request: HttpRequest, topup_id: str) -> HttpResponse:
    """Demo only (settings.DEMO): the booth plays the QRIS provider and confirms a pending top-up with
    the signed notification the provider would send. A real top-up waits for the provider's own."""
    if not settings.DEMO:
        raise Http404()
    _forbid_unless(has_role(request.user, OPERATOR))
    try:
        result = services.topup_qris_simulate(topup_id=UUID(topup_id))
    except (DomainError, ValueError):
        raise Http404() from None
    return JsonResponse({"status": result.status, "card_balance_idr": result.card_balance_idr})


@login_required
def card_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The booth's card panel (htmx fragment): status, balance, QR, last movements."""
    _forbid_unless(has_role(request.user, OPERATOR))
    try:
        number = services.card_number_normalise(number)
        card = selectors.card_get(number=number)
    except DomainError as exc:
        return render(request, "wallet/_card_panel.html", {"error": exc.message}, status=200)
    return render(
        request,
        "wallet/_card_panel.html",
        {"card": card, "history": selectors.card_history(number=number, limit=8)},
    )


def _svg(data: str, *, scale: int = 5) -> HttpResponse:
    qr = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, title="QR")
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def card_qr(request: HttpRequest, number: str) -> HttpResponse:
    """The card's signed QR token as an SVG (for printing at the booth, or the holder's phone)."""
    try:
        info = selectors.card_get(number=services.card_number_normalise(number))
    except DomainError:
        raise Http404() from None
    _forbid_unless(has_role(request.user, OPERATOR) or info.holder_username == request.user.get_username())
    return _svg(info.qr_token)


@login_required
@require_GET
def merchant_qris_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The merchant's QRIS as an SVG: dynamic when ?amount= is given."""
    try:
        merchant = selectors.merchant_get(code=code)
        raw = request.GET.get("amount", "")
        amount = int(raw) if raw.isdigit() else None
        if amount is not None and not (1 <= amount <= conf.limit("WALLET_MAX_PAYMENT_IDR")):
            amount = None
        event = request.GET.get("event", "")
        event = event if event in selectors.merchant_events(code=code) else ""
        payload = selectors.merchant_qris_payload(code=code, amount_idr=amount, event_code=event)
    except DomainError:
        raise Http404() from None
    _forbid_unless(has_role(request.user, OPERATOR) or merchant.owner_id == request.user.pk)
    return _svg(payload, scale=4)


@login_required
@require_GET
def topup_qris_svg(request: HttpRequest, topup_id: str) -> HttpResponse:
    """The dynamic QRIS of a pending top-up, shown at the booth for the visitor's banking app."""
    _forbid_unless(has_role(request.user, OPERATOR))
    try:
        topup = selectors.topup_get(topup_id=UUID(topup_id))
    except (DomainError, ValueError):
        raise Http404() from None
    _forbid_unless(bool(topup.qris_payload))
    return _svg(topup.qris_payload, scale=4)


def _report_date(request: HttpRequest) -> date:
    raw = request.GET.get("tanggal", "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate() - timedelta(days=1)


def _settlement_day(request: HttpRequest, *, run: bool) -> tuple[date, bool, list[SettlementRow]]:
    """(day, is operator, the day's settlement rows the user may see): operators see every
    merchant, a merchant owner their own; with `run`, an operator's POST settles the day first."""
    user = request.user
    operator = has_role(user, OPERATOR)
    own = [m.code for m in selectors.merchants_for_user(user=user)]
    _forbid_unless(operator or bool(own))
    day = _report_date(request)
    if run and request.method == "POST" and operator:
        try:
            services.settlement_run(actor=user, business_date=day)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    rows = [r for r in selectors.settlement_list(business_date=day) if operator or r.merchant_code in own]
    return day, operator, rows


@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    day, operator, rows = _settlement_day(request, run=True)
    return render(
        request,
        "wallet/settlement.html",
        {
            "day": day,
            "rows": rows,
            "operator": operator,
            "totals": {
                "payments_count": sum(r.payments_count for r in rows),
                "gross_idr": sum(r.gross_idr for r in rows),
                "refunds_idr": sum(r.refunds_idr for r in rows),
                "fee_idr": sum(r.fee_idr for r in rows),
                "net_idr": sum(r.net_idr for r in rows),
            },
            "categories": dict(MerchantCategory.choices),
        },
    )


@login_required
def settlement_csv(request: HttpRequest) -> HttpResponse:
    day, _operator, rows = _settlement_day(request, run=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="settlement-{day.isoformat()}.csv"'
    writer = sheets.csv_writer(response)
    writer.writerow(
        [
            "business_date",
            "merchant_code",
            "merchant_name",
            "category",
            "payments",
            "gross_idr",
            "refunds_idr",
            "fee_idr",
            "net_idr",
            "settlement_id",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.business_date.isoformat(),
                r.merchant_code,
                r.merchant_name,
                r.category,
                r.payments_count,
                r.gross_idr,
                r.refunds_idr,
                r.fee_idr,
                r.net_idr,
                str(r.settlement_id),
            ]
        )
    return response
