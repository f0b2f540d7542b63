from django.contrib import admin

from kotapintar.core.loginlimit import AdminLoginForm
from kotapintar.core.models import (
    OPD,
    ApiToken,
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the audit log is append-only."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("recipient", "kind", "message", "created_at", "read_at")
