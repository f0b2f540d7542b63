"""Master plan writes, one module per concept; callers use `services.<function>`.

- `taxonomy`: reference data (dimensions, elements, templates, readiness aspects, weight sets); local elements
- `plans`: a plan, its chapters, Bimtek stages and deliverables
- `worksheets`: creating and editing a worksheet (kertas kerja); who may write one
- `programmes`: a worksheet's programmes, activities, budget and indicators; yearly realisations
- `review_flow`: the worksheet's transitions (draft → submitted → clinic → reviewed → accepted → endorsed);
  submission and acceptance
- `clinics`: mentor slots, booking, comments and the mentor's verdict
- `council`: council meetings, Dewan endorsement, minutes (notulen)
- `live`: binding an indicator to a live figure a module publishes (kotapintar.core.metrics)
- `evaluations`: readiness scores, weight sets and the yearly evaluation
- `schedule`: the time rules (verdicts after the slot starts, endorsements and minutes after the
  meeting starts) and the audited "rescheduled to now" of a slot or a meeting

Every write runs in `transaction.atomic()`, is audited (`core.audit.record`) and, for review-flow
transitions, notifies the next actor. Authorisation follows the check_/do_ split: `check_<action>`
validates, authorises and returns locked rows; `do_<action>` mutates.
"""

from kotapintar.masterplan.services.clinics import (
    clinic_book,
    clinic_comment,
    clinic_verdict,
    mentor_slot_create,
)
from kotapintar.masterplan.services.council import meeting_create, meeting_record, worksheet_endorse
from kotapintar.masterplan.services.evaluations import evaluation_record, readiness_set, weight_set_create
from kotapintar.masterplan.services.live import indicator_bind
from kotapintar.masterplan.services.plans import (
    chapter_update,
    deliverable_update,
    plan_create,
    plan_update,
    stage_update,
)
from kotapintar.masterplan.services.programmes import (
    budget_realised_record,
    programme_delete,
    programme_save,
    realisation_record,
)
from kotapintar.masterplan.services.review_flow import worksheet_accept, worksheet_send_back, worksheet_submit
from kotapintar.masterplan.services.schedule import meeting_reschedule_now, slot_reschedule_now
from kotapintar.masterplan.services.taxonomy import element_create_local, reference_ensure
from kotapintar.masterplan.services.worksheets import worksheet_create, worksheet_update

__all__ = [
    "chapter_update",
    "clinic_book",
    "indicator_bind",
    "clinic_comment",
    "clinic_verdict",
    "deliverable_update",
    "element_create_local",
    "evaluation_record",
    "meeting_create",
    "meeting_record",
    "meeting_reschedule_now",
    "mentor_slot_create",
    "plan_create",
    "plan_update",
    "programme_delete",
    "programme_save",
    "readiness_set",
    "realisation_record",
    "budget_realised_record",
    "reference_ensure",
    "slot_reschedule_now",
    "stage_update",
    "weight_set_create",
    "worksheet_accept",
    "worksheet_create",
    "worksheet_endorse",
    "worksheet_send_back",
    "worksheet_submit",
    "worksheet_update",
]
