"""Every error code of the master plan app, declared once (see kotapintar.core.errors).

A service, selector or API function raises the class (`raise WorksheetLocked(...)`), with a more
specific translated message where it names the row at fault (a status, a year, a programme code).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, declare

# taxonomy and reference data
DimensionNotFound = declare("dimension_not_found", NotFound, _("Unknown dimension."))
ElementNotFound = declare("element_not_found", NotFound, _("Unknown element."))
ElementInvalid = declare("element_invalid", ValidationFailed, _("An element needs a code and a name."))
ElementExists = declare("element_exists", Conflict, _("An element with this code already exists."))
TemplateNotFound = declare("template_not_found", NotFound, _("Unknown template."))
# plans, chapters, stages
PlanMissing = declare("plan_missing", NotFound, _("No master plan has been created yet."))
PlanNotFound = declare("plan_not_found", NotFound, _("Master plan not found."))
PeriodInvalid = declare("period_invalid", ValidationFailed, _("The plan period is not valid."))
HorizonInvalid = declare(
    "horizon_invalid", ValidationFailed, _("Horizon lengths must be whole years between 1 and 30.")
)
ChapterNotFound = declare("chapter_not_found", NotFound, _("Chapter not found."))
DeliverableNotFound = declare("deliverable_not_found", NotFound, _("Deliverable not found."))
StatusInvalid = declare("status_invalid", ValidationFailed, _("Unknown status."))
WeightInvalid = declare("weight_invalid", ValidationFailed, _("The weight must be between 0 and 1000."))
# worksheets and programmes
WorksheetNotFound = declare("worksheet_not_found", NotFound, _("Worksheet not found."))
NotWriter = declare("not_writer", PermissionDenied, _("Only OPD staff and Bappeda edit worksheets."))
WorksheetExists = declare(
    "worksheet_exists", Conflict, _("This OPD already has a worksheet for this element.")
)
WorksheetLocked = declare(
    "worksheet_locked",
    Conflict,
    _("Only a draft or a worksheet sent back for revision can be edited."),
)
WorksheetEmpty = declare(
    "worksheet_empty", ValidationFailed, _("Add at least one programme before submitting.")
)
ProgrammeNotFound = declare("programme_not_found", NotFound, _("Programme not found."))
ProgrammeInvalid = declare(
    "programme_invalid", ValidationFailed, _("The programme has errors; the detail lists each field.")
)
ProgrammeCodeTaken = declare(
    "programme_code_taken", Conflict, _("This programme code is already used in another worksheet.")
)
TargetNotFound = declare("target_not_found", NotFound, _("This indicator has no target for that year."))
BudgetLineNotFound = declare(
    "budget_line_not_found", NotFound, _("This programme has no budget line for that year and source.")
)
BudgetRealisedInvalid = declare(
    "budget_realised_invalid",
    ValidationFailed,
    _("The realised budget must be a whole number of rupiah, zero or more."),
)
# review flow: transitions, mentor slots, clinics, council
TransitionNotAllowed = declare(
    "transition_not_allowed", Conflict, _("The worksheet cannot take this step in its current status.")
)
SlotNotFound = declare("slot_not_found", NotFound, _("Slot not found."))
SlotInvalid = declare("slot_invalid", ValidationFailed, _("The slot must end after it starts."))
SlotOverlap = declare("slot_overlap", Conflict, _("This slot overlaps another slot of the mentor."))
SlotTaken = declare("slot_taken", Conflict, _("This slot is already booked."))
CommentEmpty = declare("comment_empty", ValidationFailed, _("The comment is empty."))
ItemUnknown = declare("item_unknown", ValidationFailed, _("Unknown item."))
VerdictInvalid = declare("verdict_invalid", ValidationFailed, _("The verdict must be revision or accepted."))
MeetingNotFound = declare("meeting_not_found", NotFound, _("Meeting not found."))
MeetingInvalid = declare("meeting_invalid", ValidationFailed, _("A meeting needs a title."))
MeetingOtherPlan = declare("meeting_other_plan", ValidationFailed, _("The meeting belongs to another plan."))
# workflow respects time: a verdict after the slot has started, endorsement and minutes after the meeting
SlotNotStarted = declare(
    "slot_not_started",
    Conflict,
    _("The clinic slot has not started yet; the verdict waits for it (or reschedule it to now)."),
)
MeetingNotStarted = declare(
    "meeting_not_started",
    Conflict,
    _("The council meeting has not started yet (or reschedule it to now)."),
)
SendBackNoteRequired = declare(
    "send_back_note_required", ValidationFailed, _("Say why the worksheet goes back to the OPD.")
)
# readiness and evaluation
ScoreInvalid = declare("score_invalid", ValidationFailed, _("The score must be between 1 and 5."))
WeightSetNotFound = declare("weight_set_not_found", NotFound, _("Unknown weight set."))
WeightsInvalid = declare(
    "weights_invalid",
    ValidationFailed,
    _("Give a whole, non-negative weight for each of the five categories."),
)
WeightsTotal = declare("weights_total", ValidationFailed, _("The weights must total 100."))
AggregationInvalid = declare("aggregation_invalid", ValidationFailed, _("Unknown aggregation rule."))
ScoresInvalid = declare(
    "scores_invalid", ValidationFailed, _("Give a score for each of the five categories.")
)
YearInvalid = declare("year_invalid", ValidationFailed, _("The year is not valid."))
EvaluationPeriodInvalid = declare(
    "evaluation_period_invalid",
    ValidationFailed,
    _("The period must read YYYY-S1 or YYYY-S2 (for example 2020-S2)."),
)
EvaluationFormatInvalid = declare(
    "evaluation_format_invalid", ValidationFailed, _("The evaluation pack is written as xlsx or docx.")
)
# the worksheet workbook (XLSX round trip)
XlsxInvalid = declare("xlsx_invalid", ValidationFailed, _("The file is not an Excel workbook (.xlsx)."))
XlsxTooLarge = declare(
    "xlsx_too_large",
    ValidationFailed,
    _("The workbook is larger than an upload may be (5 MB, 32 MB unpacked)."),
)
# indicators bound to live figures (live.py)
MetricUnknown = declare(
    "metric_unknown", ValidationFailed, _("No module publishes a live figure with this code.")
)
MetricUnitMismatch = declare(
    "metric_unit_mismatch", ValidationFailed, _("The live figure's unit differs from the indicator's unit.")
)
NotBinder = declare("not_binder", PermissionDenied, _("Only Bappeda binds indicators to live figures."))
IndicatorNotFound = declare("indicator_not_found", NotFound, _("Indicator not found."))
