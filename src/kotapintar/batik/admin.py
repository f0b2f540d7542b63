"""Admin of Batik Fusion: the catalogue is editable; tickets, scans, stamps and redemptions are read-only
records (they change only through services, which lock and audit)."""

from __future__ import annotations

from django.contrib import admin

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
from kotapintar.wallet.admin import ReadOnlyAdmin


class SessionInline(admin.TabularInline[EventSession, Event]):
    model = EventSession
    extra = 0


class TicketTypeInline(admin.TabularInline[TicketType, Event]):
    model = TicketType
    extra = 0
    readonly_fields = ("sold",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ("code", "name", "address", "kelurahan_code")
    search_fields = ("code", "name")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("code", "name_id", "starts_at", "ends_at", "ongoing", "is_published")
    search_fields = ("code", "name_id", "name_en")
    inlines = [SessionInline, TicketTypeInline]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin[Reward]):
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
