"""Admin of the master plan: the configurable reference data (templates, aspects, weight sets,
local elements) and read access to plans and worksheets."""

from django.contrib import admin

from kotapintar.masterplan.models import (
    ChapterTemplate,
    CouncilMeeting,
    Dimension,
    Element,
    Evaluation,
    Plan,
    Programme,
    ReadinessAspect,
    StageTemplate,
    WeightSet,
    Worksheet,
)


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin[Dimension]):
    list_display = ("code", "name_id", "name_en", "order")


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin[Element]):
    list_display = ("code", "dimension", "name_id", "name_en", "is_local")
    list_filter = ("dimension", "is_local")


@admin.register(ChapterTemplate)
class ChapterTemplateAdmin(admin.ModelAdmin[ChapterTemplate]):
    list_display = ("code", "name")


@admin.register(StageTemplate)
class StageTemplateAdmin(admin.ModelAdmin[StageTemplate]):
    list_display = ("code", "name")


@admin.register(ReadinessAspect)
class ReadinessAspectAdmin(admin.ModelAdmin[ReadinessAspect]):
    list_display = ("code", "name_id", "name_en", "order")


@admin.register(WeightSet)
class WeightSetAdmin(admin.ModelAdmin[WeightSet]):
    list_display = ("code", "name", "version", "aggregation")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ("title", "start_year", "end_year", "status")
    readonly_fields = ("public_id",)


@admin.register(Worksheet)
class WorksheetAdmin(admin.ModelAdmin[Worksheet]):
    list_display = ("opd", "element", "status", "version", "updated_at")
    list_filter = ("status", "element__dimension")
    readonly_fields = ("status", "submitted_at", "accepted_at", "endorsed_at", "endorsed_meeting")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ("code", "name_id", "lead_opd", "horizon", "is_quick_win", "start_year", "end_year")
    list_filter = ("is_quick_win", "horizon")


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(admin.ModelAdmin[CouncilMeeting]):
    list_display = ("title", "held_at", "status")


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin[Evaluation]):
    list_display = ("plan", "year", "weight_set")
