"""The master plan's audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register
from kotapintar.masterplan.services.review_flow import ACTION_LABELS

register(
    {
        "masterplan.chapter_update": _("Plan chapter changed"),
        "masterplan.deliverable_update": _("Deliverable changed"),
        "masterplan.element_create": _("Smart-city element created"),
        "masterplan.evaluation_record": _("Evaluation recorded"),
        "masterplan.meeting_create": _("Council meeting scheduled"),
        "masterplan.meeting_record": _("Council meeting minutes recorded"),
        "masterplan.plan_create": _("Master plan created"),
        "masterplan.plan_update": _("Master plan changed"),
        "masterplan.programme_delete": _("Programme deleted"),
        "masterplan.programme_save": _("Programme saved"),
        "masterplan.readiness_set": _("Readiness assessed"),
        "masterplan.realisation_record": _("Indicator realisation recorded"),
        "masterplan.budget_realised_record": _("Budget realisation recorded"),
        "masterplan.indicator_bind": _("Indicator bound to a live figure"),
        "masterplan.reference_load": _("Reference taxonomy loaded"),
        "masterplan.slot_create": _("Mentor slot created"),
        "masterplan.slot_reschedule_now": _("Mentor slot rescheduled to now"),
        "masterplan.meeting_reschedule_now": _("Council meeting rescheduled to now"),
        "masterplan.stage_update": _("Stage (Bimtek) changed"),
        "masterplan.weightset_create": _("Progress weights set"),
        "masterplan.worksheet_comment": _("Worksheet commented on"),
        "masterplan.worksheet_create": _("Worksheet created"),
        "masterplan.worksheet_import": _("Worksheet imported from XLSX"),
        "masterplan.worksheet_update": _("Worksheet changed"),
        # the review flow's transitions, `masterplan.worksheet_<action>`
        **{
            f"masterplan.worksheet_{action}": format_lazy(_("Worksheet {what}"), what=what)
            for action, what in ACTION_LABELS.items()
            if action != "comment"
        },
    }
)
