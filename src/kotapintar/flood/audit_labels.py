"""The Banjir & rob audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register(
    {
        "flood.alert_acknowledge": _("Alert acknowledged"),
        "flood.alert_raise": _("Alert level raised"),
        "flood.alert_lower": _("Alert level lowered"),
        "flood.channel_create": _("Notification channel created"),
        "flood.datum_offset_create": _("Gauge datum offset recorded"),
        "flood.incident_acknowledge": _("Incident acknowledged"),
        "flood.maintenance_add": _("Maintenance recorded"),
        "flood.pump_state_set": _("Pump state set"),
        "flood.readings_csv_import": _("Readings imported from CSV"),
        "flood.report_create": _("Citizen report received"),
        "flood.report_review": _("Citizen report reviewed"),
        "flood.shelter_update": _("Shelter updated"),
        "flood.sitrep_render": _("Situation report produced"),
        "flood.station_create": _("Station created"),
        "flood.station_tide_set": _("Tide constants set"),
        "flood.threshold_set_create": _("Thresholds set"),
    }
)
