"""Admin of the flood app: a read-only window on the records (writes go through the services, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotapintar.flood.models import (
    Alert,
    Channel,
    CitizenReport,
    Datastream,
    DatumOffset,
    Delivery,
    MaintenanceLog,
    PumpEvent,
    Quarantine,
    RobForecast,
    Shelter,
    Station,
    ThresholdSet,
)


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Station)
class StationAdmin(ReadOnly):
    list_display = ("code", "name", "kind", "status", "kelurahan", "river")
    list_filter = ("kind", "status")
    search_fields = ("code", "name")


@admin.register(Datastream)
class DatastreamAdmin(ReadOnly):
    list_display = ("station", "parameter", "unit", "expected_interval_s")


@admin.register(ThresholdSet)
class ThresholdSetAdmin(ReadOnly):
    list_display = ("station", "parameter", "valid_from", "waspada", "siaga", "awas", "reason")


@admin.register(DatumOffset)
class DatumOffsetAdmin(ReadOnly):
    list_display = ("station", "valid_from", "offset_cm", "reference", "survey")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = (
        "created_at",
        "station",
        "kind",
        "previous_level",
        "level",
        "level_name",
        "acknowledged_at",
    )
    list_filter = ("kind", "level")


@admin.register(Quarantine)
class QuarantineAdmin(ReadOnly):
    list_display = ("received_at", "source", "topic", "reason_code", "reason")
    list_filter = ("source", "reason_code")


@admin.register(Channel)
class ChannelAdmin(ReadOnly):
    list_display = ("name", "kind", "min_level", "active")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("created_at", "alert", "channel", "status", "attempts", "last_error")
    list_filter = ("status",)


@admin.register(RobForecast)
class RobForecastAdmin(ReadOnly):
    list_display = ("station", "level_name", "starts_at", "ends_at", "peak_cm")


@admin.register(CitizenReport)
class CitizenReportAdmin(ReadOnly):
    list_display = ("created_at", "kelurahan", "depth_cm", "status")
    list_filter = ("status",)


@admin.register(PumpEvent)
class PumpEventAdmin(ReadOnly):
    list_display = ("at", "station", "state", "operator", "note")


@admin.register(Shelter)
class ShelterAdmin(ReadOnly):
    list_display = ("name", "kelurahan", "capacity", "occupancy", "status")


@admin.register(MaintenanceLog)
class MaintenanceLogAdmin(ReadOnly):
    list_display = ("performed_at", "station", "action", "performed_by", "next_due")
