"""The Batik Fusion audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register(
    {
        "batik.checkin": _("Ticket checked in"),
        "batik.event_create": _("Event created"),
        "batik.reward_create": _("Reward created"),
        "batik.reward_update": _("Reward changed"),
        "batik.reward_redeem": _("Reward redeemed"),
        "batik.stamp_venue": _("Passport stamped at a venue"),
        "batik.ticket_cancel": _("Ticket cancelled"),
        "batik.ticket_issue": _("Ticket issued"),
        "batik.ticket_type_create": _("Ticket type created"),
        "batik.venue_create": _("Venue created"),
    }
)
