"""The trusted displays, read-only: they are created and revoked on /ruang-kendali/ (audited there)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotapintar.controlroom.models import DisplayToken


@admin.register(DisplayToken)
class DisplayTokenAdmin(admin.ModelAdmin[DisplayToken]):
    list_display = ("name", "created_by", "created_at", "expires_at", "revoked_at", "last_seen_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
