"""The trusted displays, read-only: they are created and revoked on /ruang-kendali/ (audited there)."""

from django.contrib import admin

from kotapintar.controlroom.models import DisplayToken
from kotapintar.core.admin import ReadOnlyAdmin


@admin.register(DisplayToken)
class DisplayTokenAdmin(ReadOnlyAdmin, admin.ModelAdmin[DisplayToken]):
    list_display = ("name", "created_by", "created_at", "expires_at", "revoked_at", "last_seen_at")
    exclude = ("token_hash",)
