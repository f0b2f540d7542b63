"""Pages of the platform shell: home map, sign-in, account, health, CSP reports."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kotapintar.core import myhome, resetlinks, selectors, services
from kotapintar.core.errors import DomainError, PasswordLinkInvalid
from kotapintar.core.loginlimit import LoginForm
from kotapintar.core.models import Role
from kotapintar.core.permissions import user_roles
from kotapintar.middleware import raw_body

log = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    city = selectors.city_get_or_none()
    return render(
        request,
        "core/home.html",
        {
            "city": city,
            "kelurahan_count": selectors.kelurahan_list().count(),
            "kecamatan_count": selectors.kecamatan_list().count(),
            "my_sections": myhome.sections_for(request.user),
        },
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, asked for by browsers and crawlers whatever the page says: the SVG icon."""
    return redirect(static("core/favicon.svg"), permanent=True)


class RateLimitedLoginView(LoginView):
    """Django's login; the limits live in the authentication backend (kotapintar.core.loginlimit)."""

    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


@login_required
def account(request: HttpRequest) -> HttpResponse:
    new_token = request.session.pop("new_token", None)
    return render(
        request,
        "core/account.html",
        {
            "tokens": selectors.api_token_list(user=request.user),
            "new_token": new_token,
            "notifications": selectors.notification_list(user=request.user, limit=20),
            "role_names": [str(Role(r).label) for r in sorted(user_roles(request.user)) if r in Role.values],
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        _token, raw = services.api_token_create(user=request.user, name=str(request.POST.get("name", "")))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        request.session["new_token"] = raw
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return redirect("account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, public_id=token_id)
        messages.success(request, _("Token revoked."))
    except (DomainError, ValueError):
        messages.error(request, _("Token not found."))
    return redirect("account")


def password_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A one-time link from an administrator (`core.resetlinks`): choose a password, then sign in."""
    try:
        user = resetlinks.password_link_user(uidb64=uidb64, token=token)
    except PasswordLinkInvalid as exc:
        response = render(request, "core/password_link.html", {"invalid": exc.message}, status=400)
    else:
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                resetlinks.password_link_redeem(
                    uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Your password is set. Sign in with it now."))
                return redirect("login")
        response = render(request, "core/password_link.html", {"form": form, "subject": user})
    # The token is in this page's address: not kept by caches; the site-wide `same-origin` referrer
    # policy keeps it from other sites (`no-referrer` would make the browser send `Origin: null`
    # with the form, which the CSRF check refuses).
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("account")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = selectors.health()
    return JsonResponse(status, status=200 if status["ok"] else 503)


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    try:
        report = json.dumps(json.loads(raw_body(request)[:10_000] or b"{}"))[:2000]
    except (ValueError, RecursionError):  # RecursionError: "[" * 10000 nests deeper than the parser goes
        return HttpResponse(status=400)
    log.warning("CSP violation: %s", report)
    return HttpResponse(status=204)
