"""Admin of the wallet: read-only views of the ledger (money moves only through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotapintar.wallet.models import (
    Account,
    Card,
    Merchant,
    MerchantEvent,
    Payment,
    Settlement,
    TopUp,
    Transfer,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """An admin that only shows rows: records that change only through services (which lock and
    audit). Batik's admin uses it too."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "display_name", "kind", "balance_idr", "no_negative")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "amount_idr", "debit_account", "credit_account", "ref_type")
    list_filter = ("kind",)
    search_fields = ("ref_id", "public_id")


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "holder", "nfc_uid", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "nfc_uid")


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "category", "owner", "active")
    list_filter = ("category", "active")
    search_fields = ("code", "name")


@admin.register(MerchantEvent)
class MerchantEventAdmin(ReadOnlyAdmin):
    list_display = ("merchant", "event_code")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "merchant", "card", "event_code", "amount_idr", "refunded_idr", "status")
    list_filter = ("status", "event_code")


@admin.register(TopUp)
class TopUpAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "card", "amount_idr", "method", "status")
    list_filter = ("method", "status")


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("business_date", "merchant", "payments_count", "gross_idr", "net_idr")
