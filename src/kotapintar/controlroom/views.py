"""Ruang Kendali: the control room page (mayor's office, Bappeda, Dewan, admin), its JSON poll, the
kiosk on a trusted display (no login; a revocable display token in the URL) and the public twin."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kotapintar.controlroom import selectors, services
from kotapintar.controlroom.errors import DisplayNotFound
from kotapintar.controlroom.models import DisplayToken
from kotapintar.core.errors import DomainError, PermissionDenied
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role
from kotapintar.masterplan.selectors import EVERYTHING

ROOM_ROLES = (Role.WALIKOTA, Role.BAPPEDA, Role.DEWAN)  # and admin_kota; read-only but for Bappeda
View = Callable[..., HttpResponseBase]


def _room_reader(request: HttpRequest) -> Any:
    if not has_role(request.user, *ROOM_ROLES):
        raise PermissionDenied()
    return request.user


def _json(snap: dict[str, Any], **extra: Any) -> JsonResponse:
    return JsonResponse({**snap, "tiles": selectors.all_tiles(snap), **extra})


def errors_as(kind: str) -> Callable[[View], View]:
    """A DomainError becomes `{"code", "message"}` with its status (JSON) or the error page (HTML)."""

    def wrap(view: View) -> View:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                if kind == "json":
                    return JsonResponse(exc.as_dict(), status=exc.status)
                return render(
                    request,
                    "controlroom/refused.html",
                    {"message": exc.message, "code": exc.code},
                    status=exc.status,
                )

        return inner

    return wrap


def _context(request: HttpRequest, snap: dict[str, Any], *, data_url: str, kiosk: bool) -> dict[str, Any]:
    return {
        "snap": snap,
        "data_url": data_url,
        "poll_s": settings.CONTROL_ROOM_POLL_S,
        "rotate_s": settings.CONTROL_ROOM_ROTATE_S,
        "kiosk": kiosk,
        "now": timezone.now(),
    }


@login_required
@never_cache
@errors_as("html")
def room(request: HttpRequest, new_url: str = "") -> HttpResponseBase:
    snap = selectors.snapshot(reader=_room_reader(request))
    ctx = _context(request, snap, data_url="/ruang-kendali/data.json", kiosk=False)
    manager = has_role(request.user, *services.MANAGERS)
    ctx.update(
        manager=manager,
        displays=list(DisplayToken.objects.select_related("created_by")[:50]) if manager else [],
        new_url=new_url,
    )
    return render(request, "controlroom/room.html", ctx)


@never_cache
@errors_as("json")
def room_data(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "message": _("Sign in first.")}, status=401)
    return _json(selectors.snapshot(reader=_room_reader(request)))


@never_cache
def public(request: HttpRequest) -> HttpResponseBase:
    snap = selectors.snapshot(reader=AnonymousUser(), public=True)
    return render(
        request,
        "controlroom/public.html",
        _context(request, snap, data_url="/ruang-kendali/publik/data.json", kiosk=False),
    )


@never_cache
def public_data(request: HttpRequest) -> HttpResponseBase:
    return _json(selectors.snapshot(reader=AnonymousUser(), public=True))


@never_cache
@errors_as("html")
def kiosk(request: HttpRequest, token: str) -> HttpResponseBase:
    display = services.display_check(token=token)
    snap = selectors.snapshot(reader=EVERYTHING)
    ctx = _context(request, snap, data_url=f"/ruang-kendali/layar/{token}/data.json", kiosk=True)
    ctx["display"] = display
    return render(request, "controlroom/kiosk.html", ctx)


@never_cache
@errors_as("json")
def kiosk_data(request: HttpRequest, token: str) -> HttpResponseBase:
    services.display_check(token=token)
    return _json(selectors.snapshot(reader=EVERYTHING))


@login_required
@require_POST
@errors_as("html")
def display_create(request: HttpRequest) -> HttpResponseBase:
    days = request.POST.get("valid_days", "")
    display, token = services.display_create(
        actor=request.user,
        name=request.POST.get("name", ""),
        valid_days=int(days) if days.isdigit() and 0 < int(days) <= 3650 else None,
    )
    messages.success(
        request,
        _("Display %(name)s created. Open the link below on the display; it is shown only once.")
        % {"name": display.name},
    )
    return room(request, new_url=request.build_absolute_uri(f"/ruang-kendali/layar/{token}/"))


@login_required
@require_POST
@errors_as("html")
def display_revoke(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    display = DisplayToken.objects.filter(public_id=public_id).first()
    if display is None:
        raise DisplayNotFound()
    services.display_revoke(actor=request.user, display=display)
    messages.success(
        request,
        _("Display %(name)s revoked: its screen is shut out at its next refresh.") % {"name": display.name},
    )
    return redirect("controlroom:room")
