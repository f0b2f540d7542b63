"""Pages of Batik Fusion: public event pages (ID/EN) with map and iCalendar, ticket pages with QR,
the gate scanner, the visitor's phone wallet (PWA) and the tourism office's analytics."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotapintar.batik import selectors, services, wallet_port
from kotapintar.batik.forms import RewardForm
from kotapintar.batik.models import Event
from kotapintar.core import ratelimit, siteurl
from kotapintar.core.clientip import client_key
from kotapintar.core.errors import DomainError, NotAuthenticated, PermissionDenied
from kotapintar.core.permissions import has_role, require_role
from kotapintar.core.selectors import city_get_or_none
from kotapintar.lib import sheets
from kotapintar.lib.ical import VEvent, calendar
from kotapintar.lib.money import format_idr

SESSION_CARD = "batik_card"


def qr_svg(data: str, *, scale: int = 5) -> str:
    """An inline SVG QR code (segno, server-side; no JavaScript, no external service)."""
    svg: str = segno.make(data, error="m").svg_inline(
        scale=scale, dark="#1d2433", light="#ffffff", omitsize=True
    )
    return svg


def _venue_points(venues: Any) -> list[dict[str, Any]]:
    return [
        {
            "code": v.code,
            "name": v.name,
            "address": v.address,
            "lat": v.lat,
            "lon": v.lon,
            "url": reverse("batik:index") + f"#venue-{v.code}",
        }
        for v in venues
    ]


def index(request: HttpRequest) -> HttpResponse:
    events = list(selectors.event_list())
    now = timezone.now()
    upcoming = [e for e in events if e.ends_at >= now or e.ongoing]
    past = [e for e in events if e.ends_at < now and not e.ongoing]
    venues = list(selectors.venue_list())
    return render(
        request,
        "batik/index.html",
        {
            "upcoming": upcoming,
            "past": past,
            "venues": venues,
            "venue_points": _venue_points(venues),
            "is_staff": has_role(request.user, *services.STAFF_ROLES),
        },
    )


def _visitor_cards(request: HttpRequest) -> list[str]:
    cards: list[str] = []
    number = request.session.get(SESSION_CARD)
    if number:
        cards.append(str(number))
    if request.user.is_authenticated:
        try:
            cards += [c for c in wallet_port.cards_for_user(user=request.user) if c not in cards]
        except DomainError:
            pass
    return cards


def event_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event = selectors.event_get(code=code)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    venues = list(event.venues.all())
    cards = _visitor_cards(request)
    return render(
        request,
        "batik/event.html",
        {
            "event": event,
            "sessions": list(event.sessions.all()),
            "venues": venues,
            "venue_points": _venue_points(venues),
            "ticket_types": list(event.ticket_types.all()),
            "cards": cards,
            "order_key": uuid.uuid4().hex,
            "is_past": not event.ongoing and event.ends_at < timezone.now(),
        },
    )


def _ical(request: HttpRequest, events: list[Event], name: str) -> HttpResponse:
    lang = (translation.get_language() or "id")[:2]
    items: list[VEvent] = []
    host = siteurl.hostname()
    for event in events:
        url = siteurl.absolute_url(reverse("batik:event", args=[event.code]))
        sessions = list(event.sessions.all())
        if sessions:
            for s in sessions:
                items.append(
                    VEvent(
                        uid=f"{s.public_id}@{host}",
                        starts_at=s.starts_at,
                        ends_at=s.ends_at,
                        summary=f"{event.t('name')}: {s.t('title')}",
                        description=event.t("summary"),
                        location=f"{s.venue.name}, {s.venue.address}".strip(", ") if s.venue else "",
                        geo=(s.venue.lat, s.venue.lon) if s.venue else None,
                        url=url,
                        categories=("Batik",),
                    )
                )
        else:
            venue = event.venues.first()
            items.append(
                VEvent(
                    uid=f"event-{event.code}@{host}",
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    summary=event.t("name"),
                    description=event.t("summary"),
                    location=f"{venue.name}, {venue.address}".strip(", ") if venue else "",
                    geo=(venue.lat, venue.lon) if venue else None,
                    url=url,
                    categories=("Batik",),
                )
            )
    body = calendar(
        items,
        name=name,
        prodid="-//Kota Pintar//Batik Fusion//ID",
        stamp=timezone.now(),
        lang=lang,
        time_zone=settings.TIME_ZONE,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="batik.ics"'
    return response


@require_GET
def event_ical(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event = selectors.event_get(code=code)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    return _ical(request, [event], event.t("name"))


@require_GET
def ical_all(request: HttpRequest) -> HttpResponse:
    events = list(selectors.event_list().prefetch_related("sessions__venue"))
    city = city_get_or_none()
    name = _("%(city)s batik events") % {"city": city.place_name} if city is not None else _("Batik events")
    return _ical(request, events, name)


@require_POST
def buy(request: HttpRequest, code: str) -> HttpResponse:
    back = reverse("batik:event", args=[code])
    number = str(request.POST.get("card", ""))
    if number not in _visitor_cards(request):
        messages.error(request, _("Open your city card first."))
        return redirect(back)
    try:
        quantity = int(str(request.POST.get("quantity", "1")))
    except ValueError:
        quantity = 0
    try:
        token = (
            wallet_port.card_qr_token(number=number) if number == request.session.get(SESSION_CARD) else None
        )
        result = services.ticket_purchase(
            actor=request.user,
            event_code=code,
            ticket_type_code=str(request.POST.get("ticket_type", "")),
            card_number=number,
            idempotency_key=f"web:{request.POST.get('key', '')}",
            quantity=quantity,
            card_token=token,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    count = len(result.ticket_codes)
    values = {"amount": format_idr(result.amount_idr), "count": count}
    if result.amount_idr == 0:
        done = (
            _("Free. Your ticket is ready: show its QR code at the gate.")
            if count == 1
            else _("Free. Your %(count)d tickets are ready: show their QR codes at the gate.") % values
        )
    elif count == 1:
        done = _("Paid %(amount)s. Your ticket is ready: show its QR code at the gate.") % values
    else:
        done = (
            _("Paid %(amount)s. Your %(count)d tickets are ready: show their QR codes at the gate.") % values
        )
    messages.success(request, done)
    if count == 1:
        return redirect("batik:ticket", code=result.ticket_codes[0])
    # several tickets: every one of them on this answer (a reload repeats the key: the same order)
    tickets = [selectors.ticket_get(code=c) for c in result.ticket_codes]
    return render(
        request,
        "batik/tickets.html",
        {"tickets": [(t, qr_svg(t.code, scale=5)) for t in tickets], "event": tickets[0].event},
    )


def ticket_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        ticket = selectors.ticket_get(code=code)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    return render(
        request,
        "batik/ticket.html",
        {
            "ticket": ticket,
            "qr": qr_svg(ticket.code, scale=7),
            "checkins": list(selectors.ticket_checkins(ticket=ticket)),
            "pretty_code": " ".join(ticket.code[i : i + 4] for i in range(0, len(ticket.code), 4)),
        },
    )


def gate(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not has_role(request.user, *services.STAFF_ROLES):
        raise Http404()
    events = list(selectors.event_list(include_past=False))
    chosen = str(request.GET.get("acara", "")) or (events[0].code if events else "")
    return render(
        request,
        "batik/gate.html",
        {"events": events, "chosen": chosen, "venues": list(selectors.venue_list())},
    )


# --- The visitor's phone wallet (PWA) -------------------------------------------------------------


def me(request: HttpRequest) -> HttpResponse:
    cards = _visitor_cards(request)
    if not cards and not request.user.is_authenticated:
        return render(request, "batik/me_login.html", {"next": request.GET.get("next", "")})
    card = cards[0] if cards else ""
    keys = selectors.holder_keys(card_numbers=cards, user=request.user)
    context: dict[str, Any] = {
        "card": card,
        "cards": cards,
        "tickets": list(selectors.tickets_for_holders(keys=keys)[:30]),
        "stamps": list(selectors.stamps_for_holders(keys=keys)),
        "wallet_error": "",
        "progress": selectors.reward_progress(holder=keys[0]) if keys else [],
    }
    if card:
        try:
            context["qr"] = qr_svg(wallet_port.card_qr_token(number=card), scale=5)
            context["balance"] = wallet_port.card_balance(number=card)
            context["history"] = wallet_port.card_history(number=card, limit=20)
            context["pin_set"], context["pin_locked"] = wallet_port.card_pin_state(number=card)
        except DomainError as exc:
            context["wallet_error"] = str(exc.message)
    return render(request, "batik/me.html", context)


def _my_card(request: HttpRequest) -> tuple[str, str]:
    """(the card the visitor has open or holds, its QR secret when opened on this phone); ("", "")."""
    number = str(request.POST.get("card", ""))
    if number not in _visitor_cards(request):
        return "", ""
    opened = number == request.session.get(SESSION_CARD)
    return number, wallet_port.card_qr_token(number=number) if opened else ""


@require_POST
def me_pin(request: HttpRequest) -> HttpResponse:
    """Set or change the PIN a merchant asks for when the card's number is typed instead of scanned."""
    number, secret = _my_card(request)
    if not number:
        messages.error(request, _("Open your city card first."))
        return redirect("batik:me")
    try:
        wallet_port.card_pin_set(
            actor=request.user,
            number=number,
            pin=str(request.POST.get("pin", ""))[:12],
            current_pin=str(request.POST.get("current_pin", ""))[:12],
            card_secret=secret,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("PIN saved. A merchant who types your card number asks for it."))
    return redirect("batik:me")


@require_POST
def me_code(request: HttpRequest) -> HttpResponse:
    """A one-time code to give a merchant who types the card number (instead of the PIN)."""
    number, secret = _my_card(request)
    if not number:
        messages.error(request, _("Open your city card first."))
        return redirect("batik:me")
    try:
        code, expires = wallet_port.card_code_create(actor=request.user, number=number, card_secret=secret)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("One-time code %(code)s: valid for one payment until %(time)s WIB.")
            % {"code": code, "time": timezone.localtime(expires).strftime("%H:%M")},
        )
    return redirect("batik:me")


@require_POST
def me_login(request: HttpRequest) -> HttpResponse:
    number = "".join(ch for ch in str(request.POST.get("card", "")) if ch.isdigit())[:40]
    secret = str(request.POST.get("secret", "")).strip()[:4000]
    try:
        ratelimit.check(f"batik-card:{client_key(request)}", limit=10, window_s=300)
        ok = bool(number) and bool(secret) and wallet_port.card_secret_ok(number=number, secret=secret)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("batik:me")
    if not ok:
        messages.error(request, _("Card number or secret is not right."))
        return redirect("batik:me")
    request.session.cycle_key()
    request.session[SESSION_CARD] = number
    return redirect(siteurl.local_next(request.POST.get("next"), prefix="/batik/") or reverse("batik:me"))


@require_POST
def me_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_CARD, None)
    return redirect("batik:me")


@require_POST
def me_redeem(request: HttpRequest, code: str) -> HttpResponse:
    cards = _visitor_cards(request)
    try:
        if cards:
            token = (
                wallet_port.card_qr_token(number=cards[0])
                if cards[0] == request.session.get(SESSION_CARD)
                else None
            )
            result = services.reward_redeem_for(
                actor=request.user, reward_code=code, card_number=cards[0], card_token=token
            )
        elif request.user.is_authenticated:
            result = services.reward_redeem_for(actor=request.user, reward_code=code, user=request.user)
        else:
            raise NotAuthenticated()
        messages.success(
            request, _("Reward redeemed. Your voucher code: %(code)s") % {"code": result.voucher_code}
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("batik:me")


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    static = settings.STATIC_URL
    data = {
        "name": _("Batik Fusion city card"),
        "short_name": _("Batik Card"),
        "description": _("Your city card: balance, tickets and batik passport."),
        "lang": (translation.get_language() or "id")[:2],
        "start_url": reverse("batik:me"),
        "scope": reverse("batik:me"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": f"{static}batik/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": f"{static}batik/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": f"{static}batik/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker file from our static folder, served under /batik/saya/ so that its scope
    covers the wallet page (a worker controls only URLs below its own)."""
    path = finders.find("batik/sw.js")
    if not path:
        raise Http404()
    body = Path(str(path)).read_text(encoding="utf-8")
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("batik:me")
    response["Cache-Control"] = "no-cache"
    return response


# --- Rewards (tourism office) -----------------------------------------------------------------------


def rewards(request: HttpRequest) -> HttpResponseBase:
    denied = _analytics_access(request)
    if denied is not None:
        return denied
    form = RewardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            reward = services.reward_upsert(actor=request.user, code=data.pop("code"), **data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Reward saved: %(name)s") % {"name": reward.tr_name})
            return redirect("batik:rewards")
    return render(
        request,
        "batik/rewards.html",
        {"form": form, "rewards": list(selectors.reward_list(active_only=False))},
    )


# --- Analytics ---------------------------------------------------------------------------------------


def _analytics_access(request: HttpRequest) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    try:
        require_role(request.user, *services.STAFF_ROLES)
    except PermissionDenied as exc:
        raise Http404() from exc
    return None


def _epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def analytics(request: HttpRequest) -> HttpResponseBase:
    denied = _analytics_access(request)
    if denied is not None:
        return denied
    event_code = str(request.GET.get("acara", ""))
    try:
        if event_code:
            selectors.event_get(code=event_code)
        data = selectors.analytics(event_code=event_code or None)
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    chart = {
        # a time axis (x: days since 1970-01-01, so gaps between events keep their length) and one
        # set of points per event, only on the days it had visitors: no line joins separate events
        "series": [
            {
                "label": f.name,
                "data": [{"x": _epoch_day(d), "y": n} for d, n in sorted(f.by_day.items()) if n],
            }
            for f in data.events
            if f.by_day
        ],
        "turnover": {"labels": [f.name for f in data.events], "data": [f.turnover_idr for f in data.events]},
        "categories": {
            "labels": [n for _k, n, _v in data.by_category],
            "data": [v for _k, _n, v in data.by_category],
        },
    }
    return render(
        request,
        "batik/analytics.html",
        {"a": data, "chart": chart, "events": list(selectors.event_list()), "chosen": event_code},
    )


def analytics_csv(request: HttpRequest) -> HttpResponseBase:
    denied = _analytics_access(request)
    if denied is not None:
        return denied
    data = selectors.analytics()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="batik-analitik.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = sheets.csv_writer(response)
    writer.writerow(
        ["event_code", "event", "date", "visitors", "tickets", "ticket_revenue_idr", "turnover_idr"]
    )
    for f in data.events:
        writer.writerow([f.code, f.name, "", f.visitors, f.tickets, f.ticket_revenue_idr, f.turnover_idr])
        for day, n in sorted(f.by_day.items()):
            writer.writerow([f.code, f.name, day.isoformat(), n, "", "", ""])
    return response
