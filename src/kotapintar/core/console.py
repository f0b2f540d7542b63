"""The administration console (`/kelola/`) of the city administrator: users, OPD, API tokens, the
audit log and the system status. Thin views: reads through selectors, writes through the services of
`useradmin`, `resetlinks`, `opdadmin` and `services`; every page needs the `admin_kota` role (403
otherwise), and every form is a CSRF-protected POST."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotapintar.core import audit, opdadmin, resetlinks, selectors, services, sysstatus, useradmin
from kotapintar.core.errors import DomainError, UserNotFound
from kotapintar.core.models import OPD, Role
from kotapintar.core.permissions import has_role

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    """Sign-in first (to the login page), then the `admin_kota` role (403 otherwise)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, Role.ADMIN_KOTA):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("halaman"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("halaman", None)
    return query.urlencode()


# --- forms (shape only: the services decide) ---------------------------------------------------------


class UserForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"), queryset=OPD.objects.order_by("short_name"), required=False
    )
    jabatan = forms.CharField(label=gettext_lazy("Position"), max_length=255, required=False)
    nip = forms.CharField(label=gettext_lazy("NIP"), max_length=32, required=False)


class NewUserForm(UserForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    field_order = ["username"]


class OpdForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    short_name = forms.CharField(label=gettext_lazy("Short name"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    kind = forms.CharField(label=gettext_lazy("Kind"), max_length=64, required=False)


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Actor"), max_length=150, required=False)
    obj = forms.CharField(label=gettext_lazy("Object"), max_length=100, required=False)
    action = forms.CharField(label=gettext_lazy("Action"), max_length=100, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _refused(request: HttpRequest, exc: DomainError, form: forms.Form | None = None) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    if form is not None and field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        messages.error(request, str(exc.message))


# --- overview -------------------------------------------------------------------------------------


@admin_only
def index(request: HttpRequest) -> HttpResponse:
    users = selectors.user_list()
    return render(
        request,
        "kelola/index.html",
        {
            "tab": "index",
            "active_users": users.filter(is_active=True).count(),
            "inactive_users": users.filter(is_active=False).count(),
            "admins": len(useradmin.active_admin_ids()),
            "active_tokens": selectors.api_token_list_all(active_only=True).count(),
            "opd_count": selectors.opd_list().count(),
            "anchor": selectors.audit_anchor_latest(),
            "status": sysstatus.system_status(),
        },
    )


# --- users ----------------------------------------------------------------------------------------


@admin_only
def users(request: HttpRequest) -> HttpResponse:
    active = {"aktif": True, "nonaktif": False}.get(request.GET.get("status", ""))
    opd_id = request.GET.get("opd", "")
    found = selectors.user_list(
        q=request.GET.get("q", ""),
        role=request.GET.get("peran", ""),
        opd_id=int(opd_id) if opd_id.isdigit() else None,
        active=active,
    )
    return render(
        request,
        "kelola/users.html",
        {
            "tab": "users",
            "page": _page(request, found),
            "query": _query_without_page(request),
            "roles": Role.choices,
            "opds": selectors.opd_list(),
        },
    )


def _profile_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The user form's cleaned data as the keywords of `useradmin.user_create` / `user_update`."""
    return {
        "full_name": data["full_name"],
        "email": data["email"],
        "roles": data["roles"],
        "opd_id": data["opd"].pk if data["opd"] else None,
        "nip": data["nip"],
        "jabatan": data["jabatan"],
    }


@admin_only
def user_new(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = useradmin.user_create(
                actor=request.user, username=data["username"], **_profile_fields(data)
            )
        except DomainError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, _("User created. Give them a one-time link to choose their password."))
            return redirect("kelola:user", user_id=user.pk)
    return render(request, "kelola/user_new.html", {"tab": "users", "form": form})


@admin_only
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        user = selectors.user_get(user_id=user_id)
    except UserNotFound:
        raise Http404 from None
    profile = getattr(user, "profile", None)
    initial = {
        "full_name": user.get_full_name(),
        "email": user.email,
        "roles": list(user.groups.values_list("name", flat=True)),
        "opd": profile.opd if profile else None,
        "jabatan": profile.jabatan if profile else "",
        "nip": profile.nip if profile else "",
    }
    form = UserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            useradmin.user_update(actor=request.user, user_id=user.pk, **_profile_fields(data))
        except DomainError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("kelola:user", user_id=user.pk)
    link = request.session.pop("kelola_password_link", None)
    return render(
        request,
        "kelola/user_detail.html",
        {
            "tab": "users",
            "subject": user,
            "form": form,
            "link": link if link and link.get("user_id") == user.pk else None,
            "tokens": selectors.api_token_list(user=user),
            "history": selectors.audit_search(obj=str(user.pk)).filter(object_type="auth.user")[:10],
        },
    )


def _user_switch(
    request: HttpRequest, user_id: int, action: Callable[..., object], done: str
) -> HttpResponse:
    """Run ``action(actor=, user_id=)`` from the user page: ``done`` or the refusal, then back there."""
    try:
        action(actor=request.user, user_id=user_id)
        messages.success(request, done)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("kelola:user", user_id=user_id)


@admin_only
@require_POST
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    done = _("The user was deactivated: they can no longer sign in.")
    return _user_switch(request, user_id, useradmin.user_deactivate, done)


@admin_only
@require_POST
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _user_switch(request, user_id, useradmin.user_reactivate, _("The user was reactivated."))


@admin_only
@require_POST
def user_password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        link = resetlinks.password_link_create(
            actor=request.user, user_id=user_id, send_email=request.POST.get("email") == "1"
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        request.session["kelola_password_link"] = {
            "user_id": user_id,
            "url": link.url,
            "hours": link.valid_hours,
            "emailed_to": "" if link.email_failed else link.emailed_to,
        }
        if link.email_failed:
            messages.error(request, _("The e-mail could not be sent: pass the link on yourself."))
    return redirect("kelola:user", user_id=user_id)


# --- OPD ------------------------------------------------------------------------------------------


@admin_only
def opds(request: HttpRequest) -> HttpResponse:
    form = OpdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opd = opdadmin.opd_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, _("OPD %(name)s added.") % {"name": opd.short_name})
            return redirect("kelola:opds")
    return render(
        request, "kelola/opds.html", {"tab": "opds", "opds": selectors.opd_list_with_members(), "form": form}
    )


@admin_only
def opd_edit(request: HttpRequest, opd_id: int) -> HttpResponse:
    opd = OPD.objects.filter(pk=opd_id).first()
    if opd is None:
        raise Http404
    initial = {"code": opd.code, "short_name": opd.short_name, "name": opd.name, "kind": opd.kind}
    form = OpdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opdadmin.opd_update(actor=request.user, opd_id=opd.pk, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("kelola:opds")
    return render(request, "kelola/opd_edit.html", {"tab": "opds", "opd": opd, "form": form})


# --- API tokens -----------------------------------------------------------------------------------


@admin_only
def tokens(request: HttpRequest) -> HttpResponse:
    found = selectors.api_token_list_all(
        q=request.GET.get("q", ""), active_only=request.GET.get("status") == "aktif"
    )
    return render(
        request,
        "kelola/tokens.html",
        {"tab": "tokens", "page": _page(request, found), "query": _query_without_page(request)},
    )


@admin_only
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    try:
        token = services.api_token_revoke_any(actor=request.user, public_id=token_id)
        messages.success(
            request,
            _("Token %(prefix)s… of %(owner)s revoked: it no longer works.")
            % {"prefix": token.prefix, "owner": token.user.get_username()},
        )
    except DomainError as exc:
        _refused(request, exc)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("kelola:tokens")


# --- audit log ------------------------------------------------------------------------------------


@admin_only
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    entries = selectors.audit_search()
    if form.is_valid():
        entries = selectors.audit_search(**form.cleaned_data)
    return render(
        request,
        "kelola/audit.html",
        {
            "tab": "audit",
            "form": form,
            "page": _page(request, entries),
            "query": _query_without_page(request),
            "anchor": selectors.audit_anchor_latest(),
        },
    )


@admin_only
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain now (`kotapintar audit-verify`, the same function) and check it against
    the newest TSA anchor."""
    return render(
        request,
        "kelola/audit_verify.html",
        {"tab": "audit", "result": audit.verify(), "anchor": selectors.audit_anchor_latest()},
    )


# --- system status --------------------------------------------------------------------------------


@admin_only
def status(request: HttpRequest) -> HttpResponse:
    return render(request, "kelola/status.html", {"tab": "status", "status": sysstatus.system_status()})


app_name = "kelola"
urlpatterns = [
    path("", index, name="index"),
    path("pengguna/", users, name="users"),
    path("pengguna/baru/", user_new, name="user_new"),
    path("pengguna/<int:user_id>/", user_detail, name="user"),
    path("pengguna/<int:user_id>/nonaktifkan/", user_deactivate, name="user_deactivate"),
    path("pengguna/<int:user_id>/aktifkan/", user_reactivate, name="user_reactivate"),
    path("pengguna/<int:user_id>/tautan-sandi/", user_password_link, name="user_password_link"),
    path("opd/", opds, name="opds"),
    path("opd/<int:opd_id>/", opd_edit, name="opd_edit"),
    path("token/", tokens, name="tokens"),
    path("token/<uuid:token_id>/cabut/", token_revoke, name="token_revoke"),
    path("audit/", audit_log, name="audit"),
    path("audit/periksa/", audit_verify, name="audit_verify"),
    path("status/", status, name="status"),
]
