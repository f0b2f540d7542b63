from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit import anchor_filename
from kotapintar.core.loginlimit import AdminLoginForm
from kotapintar.core.models import (
    OPD,
    ApiToken,
    AuditAnchor,
    AuditEntry,
    City,
    Kecamatan,
    Kelurahan,
    Notification,
    Profile,
)

# /admin/login/ shows the sign-in limits' refusal (429, login_locked) like the site's own form.
admin.site.login_form = AdminLoginForm


@admin.register(City)
class CityAdmin(admin.ModelAdmin[City]):
    list_display = ("code", "name", "province", "population")


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin[Kecamatan]):
    list_display = ("code", "name", "population", "area_ha")
    exclude = ("geometry",)


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin[Kelurahan]):
    list_display = ("code", "name", "kecamatan", "population", "area_ha")
    list_filter = ("kecamatan",)
    exclude = ("geometry",)


@admin.register(OPD)
class OPDAdmin(admin.ModelAdmin[OPD]):
    list_display = ("code", "short_name", "name", "kind")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "opd", "nip", "jabatan")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_hash", "prefix", "public_id")


class ReadOnlyAdmin:
    """No add, change or delete in the admin: the record is written by the services only."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin[AuditEntry]):
    """Read-only: the audit log is append-only."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin, admin.ModelAdmin[AuditAnchor]):
    """Read-only: the chain head timestamped by the city TSA; each token downloads as a .tst file."""

    list_display = ("seq", "anchored_at", "head_hash", "token_link")
    readonly_fields = ("seq", "head_hash", "anchored_at", "created_at", "token_link")
    exclude = ("token_der",)

    def get_urls(self) -> list[URLPattern]:
        token = path(
            "<int:pk>/token/",
            self.admin_site.admin_view(self.token_download),
            name="core_auditanchor_token",
        )
        return [token, *super().get_urls()]

    def token_download(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        anchor = get_object_or_404(AuditAnchor, pk=pk)
        response = HttpResponse(bytes(anchor.token_der), content_type="application/timestamp-reply")
        response["Content-Disposition"] = f'attachment; filename="{anchor_filename(anchor)}"'
        return response

    @admin.display(description=_("RFC 3161 token"))
    def token_link(self, obj: AuditAnchor) -> SafeString:
        url = reverse("admin:core_auditanchor_token", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, anchor_filename(obj))


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("recipient", "kind", "message", "created_at", "read_at")
