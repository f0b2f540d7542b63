"""Master plan workspace: Kominfo taxonomy, plans, chapters, Bimtek stages, OPD worksheets with
programmes/activities/indicators/budget, the review flow (clinics, Dewan meetings), readiness
analysis, monitoring and the Kominfo evaluation score.

Reference data (dimensions, elements, templates, weight sets, readiness aspects) is configurable data,
loaded by `services.reference_ensure()`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotapintar.core.models import OPD, City


class Dimension(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.name_en


class Element(models.Model):
    """One of the 18 Kominfo elements, or a city's local element under a dimension."""

    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="elements")
    code = models.CharField(_("code"), max_length=16, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    order = models.PositiveSmallIntegerField(default=0)
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    is_local = models.BooleanField(_("local element"), default=False)

    class Meta:
        ordering = ["dimension__order", "order", "code"]
        verbose_name = _("element")
        verbose_name_plural = _("elements")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class ChapterTemplate(models.Model):
    """An ordered list of chapters: [{"key", "book", "title_id", "title_en"}]."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=160)
    items = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.name


class StageTemplate(models.Model):
    """Stages with their deliverables: [{"code", "name_id", "name_en", "deliverables": [...]}]."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=160)
    stages = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    ADOPTED = "adopted", _("Adopted")


class Plan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="masterplans")
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    city_vision = models.TextField(_("city vision"), blank=True)
    vision = models.TextField(_("smart-city vision"), blank=True)
    missions = models.JSONField(_("missions"), default=list, blank=True)
    rpjmd_goals = models.JSONField(_("RPJMD goals"), default=list, blank=True)  # [{"code","text"}]
    horizon_years = models.JSONField(_("horizon lengths (years)"), default=dict, blank=True)
    progress_weights = models.JSONField(default=dict, blank=True)  # {"deliverables": 80, "worksheets": 20}
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFTING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("master plan")
        verbose_name_plural = _("master plans")

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Chapter(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters")
    key = models.SlugField(max_length=40)
    book = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    title_id = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="mp_chapter_key")]

    def __str__(self) -> str:
        return self.title_en


class StageStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")


class Stage(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(max_length=16)
    order = models.PositiveSmallIntegerField(default=0)
    name_id = models.CharField(max_length=160)
    name_en = models.CharField(max_length=160)
    output_id = models.CharField(max_length=200, blank=True)
    output_en = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=StageStatus.choices, default=StageStatus.PLANNED)
    # Not a column: the weighted share done, set by selectors.stage_list.
    percent: float = 0.0

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="mp_stage_code")]

    def __str__(self) -> str:
        return self.name_en


class DeliverableStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Deliverable(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="deliverables")
    code = models.CharField(max_length=24)
    order = models.PositiveSmallIntegerField(default=0)
    name_id = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(default=1)
    owner_opd = models.ForeignKey(OPD, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner_label = models.CharField(max_length=160, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliverableStatus.choices, default=DeliverableStatus.TODO
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stage__order", "order"]
        constraints = [models.UniqueConstraint(fields=["stage", "code"], name="mp_deliverable_code")]

    def __str__(self) -> str:
        return self.name_en


class WorksheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CLINIC = "clinic", _("In clinic")
    REVISION = "revision", _("Revision requested")
    REVIEWED = "reviewed", _("Reviewed by mentor")
    ACCEPTED = "accepted", _("Accepted by Bappeda")
    ENDORSED = "endorsed", _("Endorsed by the Dewan")


class Worksheet(models.Model):
    """Kertas kerja penajaman: one OPD's part of the plan for one element."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="worksheets")
    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="mp_worksheets")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="worksheets")
    problem = models.TextField(_("problem"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    status = models.CharField(max_length=16, choices=WorksheetStatus.choices, default=WorksheetStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsed_meeting = models.ForeignKey(
        "CouncilMeeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="endorsed_worksheets"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["element__dimension__order", "element__order", "opd__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "opd", "element"], name="mp_worksheet_opd_element")
        ]
        verbose_name = _("worksheet")
        verbose_name_plural = _("worksheets")

    def __str__(self) -> str:
        return f"{self.opd} / {self.element.code}"


class Horizon(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class Programme(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes")
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("code"), max_length=32)
    order = models.PositiveSmallIntegerField(default=0)
    name_id = models.CharField(_("name (Indonesian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    horizon = models.CharField(_("horizon"), max_length=16, choices=Horizon.choices, default=Horizon.MEDIUM)
    is_quick_win = models.BooleanField(_("quick win"), default=False)
    lead_opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="mp_led_programmes")
    supporting_opds = models.ManyToManyField(OPD, blank=True, related_name="mp_supported_programmes")
    rpjmd_goal = models.CharField(_("RPJMD goal"), max_length=32, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    module_url = models.CharField(max_length=200, blank=True)  # e.g. "/tte/" for a quick win

    class Meta:
        ordering = ["worksheet__element__dimension__order", "worksheet__element__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="mp_programme_code")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"


class Activity(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.TextChoices):
    APBD = "APBD", "APBD"
    APBN = "APBN", "APBN"
    CSR = "CSR", "CSR"
    KPBU = "KPBU", "KPBU"
    OTHER = "OTHER", _("Other")


class BudgetLine(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=8, choices=FundingSource.choices)
    amount_idr = models.PositiveBigIntegerField()
    # Spent so far in that year (integer rupiah), recorded by the programme's OPD or Bappeda; None:
    # not recorded yet. It may exceed the plan (shown as above 100%).
    realised_idr = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "source"], name="mp_budget_unique"),
            models.CheckConstraint(condition=models.Q(amount_idr__gte=0), name="mp_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year} {self.source}"


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Indicator(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    #: a live figure a module publishes (kotapintar.core.metrics), same unit; set by Bappeda (live.py)
    metric_code = models.CharField(_("live metric"), max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["programme__code", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="mp_indicator_code")]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=16, decimal_places=2)
    realisation = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="mp_target_year")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"


class MentorSlot(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mp_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.mentor} {self.starts_at:%Y-%m-%d %H:%M}"


class ClinicVerdict(models.TextChoices):
    PENDING = "pending", _("Pending")
    REVISION = "revision", _("Revision requested")
    ACCEPTED = "accepted", _("Accepted")


class ClinicSession(models.Model):
    """A one-to-one session: one worksheet on one mentor slot."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="clinics")
    slot = models.OneToOneField(MentorSlot, on_delete=models.PROTECT, related_name="session")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=ClinicVerdict.choices, default=ClinicVerdict.PENDING)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.worksheet} @ {self.slot}"


class ReviewComment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="comments")
    session = models.ForeignKey(
        ClinicSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.CharField(max_length=64, blank=True)  # "worksheet", a programme or indicator code
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class WorksheetEvent(models.Model):
    """The visible history of a worksheet's review flow (the audit log holds the same, chained)."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status}"

    @property
    def from_label(self) -> str:
        return str(dict(WorksheetStatus.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(dict(WorksheetStatus.choices).get(self.to_status, self.to_status))


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")


class CouncilMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    attendance = models.JSONField(_("attendance"), default=list, blank=True)
    decisions = models.JSONField(_("decisions"), default=list, blank=True)
    notulen = models.TextField(_("minutes"), blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.title


class ReadinessAspect(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name_id = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    scope_id = models.CharField(max_length=255, blank=True)
    scope_en = models.CharField(max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name_en


class ReadinessScore(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="readiness")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    aspect = models.ForeignKey(ReadinessAspect, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "dimension", "aspect"], name="mp_readiness_unique"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="mp_readiness_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}/{self.aspect.code}={self.score}"


class WeightSet(models.Model):
    """A versioned Kominfo evaluation weight set; `aggregation` is "weighted" or "mean"."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=160)
    version = models.PositiveSmallIntegerField(default=1)
    weights = models.JSONField(default=dict)  # {"baseline": 10, "output": 20, ...} in percent
    aggregation = models.CharField(max_length=16, default="weighted")
    source = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code", "version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Evaluation(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField()
    weight_set = models.ForeignKey(WeightSet, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)  # category -> score 0..5
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "weight_set"], name="mp_evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"
