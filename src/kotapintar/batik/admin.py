"""Admin of Batik Fusion: the catalogue is editable; tickets, scans, stamps and redemptions are read-only
records (they change only through services, which lock and audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotapintar.batik.models import (
    CheckIn,
    Event,
    EventSession,
    Reward,
    RewardRedemption,
    Stamp,
    Ticket,
    TicketType,
    Venue,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SessionInline(admin.TabularInline):
    model = EventSession
    extra = 0


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0
    readonly_fields = ("sold",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "address", "kelurahan_code")
    search_fields = ("code", "name")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "starts_at", "ends_at", "ongoing", "is_published")
    search_fields = ("code", "name_id", "name_en")
    inlines = [SessionInline, TicketTypeInline]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "stamps_required", "stock", "redeemed_count", "is_active")
    readonly_fields = ("redeemed_count",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("code", "event", "ticket_type", "holder_key", "status", "inside", "created_at")
    list_filter = ("event",)
    search_fields = ("code", "card_number")


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "event", "kind", "gate", "scanned_at", "offline")
    list_filter = ("event", "kind", "offline")


@admin.register(Stamp)
class StampAdmin(ReadOnlyAdmin):
    list_display = ("holder_key", "scope", "created_at")


@admin.register(RewardRedemption)
class RewardRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("reward", "holder_key", "voucher_code", "created_at")
