"""Request and response schemas of the master plan API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictInt

Year = int  # documented range enforced with Field(ge=2000, le=2100)
HorizonLit = Literal["quick_win", "short", "medium", "long"]
SourceLit = Literal["APBD", "APBN", "CSR", "KPBU", "OTHER"]
Money = Decimal


class ElementOut(Schema):
    code: str
    name_id: str
    name_en: str
    is_local: bool


class DimensionOut(Schema):
    code: str
    name_id: str
    name_en: str
    elements: list[ElementOut]


class ElementIn(Schema):
    code: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9-]+$")
    name_id: str = Field(min_length=1, max_length=160)
    name_en: str = Field(default="", max_length=160)


class PlanOut(Schema):
    id: UUID
    title: str
    city: str
    start_year: int
    end_year: int
    city_vision: str
    vision: str
    missions: list[str]
    status: str
    horizon_years: dict[str, int]


class ChapterOut(Schema):
    key: str
    book: str
    title_id: str
    title_en: str
    body: str


class DeliverableOut(Schema):
    code: str
    name_id: str
    name_en: str
    weight: int
    owner: str
    due_date: date | None
    status: str


class StageOut(Schema):
    code: str
    name_id: str
    name_en: str
    start_date: date | None
    end_date: date | None
    venue: str
    status: str
    deliverables: list[DeliverableOut]


class PlanDetailOut(PlanOut):
    rpjmd_goals: list[dict[str, str]]
    chapters: list[ChapterOut]
    stages: list[StageOut]


class PlanUpdateIn(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    city_vision: str | None = Field(default=None, max_length=5000)
    vision: str | None = Field(default=None, max_length=5000)
    missions: list[str] | None = Field(default=None, max_length=30)
    horizon_years: dict[HorizonLit, int] | None = None


class ProgressItemOut(Schema):
    kind: Literal["deliverable", "worksheet"]
    code: str
    label: str
    group: str
    points: float
    done: bool
    status: str


class ProgressOut(Schema):
    plan: UUID
    percent: float
    done_points: float
    total_points: float
    done_count: int
    open_count: int
    items: list[ProgressItemOut]


class BudgetLineIO(Schema):
    year: int = Field(ge=2000, le=2100)
    source: SourceLit
    amount_idr: StrictInt = Field(ge=0, le=10**15)


class BudgetRealisedIn(Schema):
    """Whole rupiah spent on the line; null clears it. Above the planned amount is allowed."""

    realised_idr: StrictInt | None = Field(ge=0, le=10**15)


class BudgetLineOut(Schema):
    programme: str
    year: int
    source: SourceLit
    amount_idr: int
    realised_idr: int | None
    percent: float | None


class BudgetRealisationRowOut(Schema):
    planned: int
    realised: int | None
    percent: float | None
    recorded: int
    lines: int
    over: bool


class BudgetRealisationYearOut(BudgetRealisationRowOut):
    year: int


class BudgetRealisationOpdOut(BudgetRealisationRowOut):
    opd: str


class BudgetRealisationOut(Schema):
    years: list[BudgetRealisationYearOut]
    opd_year: int | None
    opds: list[BudgetRealisationOpdOut]


class TargetIO(Schema):
    year: int = Field(ge=2000, le=2100)
    target: Decimal = Field(ge=-(10**13), le=10**13, decimal_places=2)
    realisation: Decimal | None = Field(default=None, ge=-(10**13), le=10**13, decimal_places=2)


class IndicatorIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    kind: Literal["output", "outcome"]
    name: str = Field(min_length=1, max_length=255)
    unit: str = Field(default="", max_length=40)
    direction: Literal["higher", "lower"] = "higher"
    baseline: Decimal = Field(ge=-(10**13), le=10**13, decimal_places=2)
    baseline_year: int = Field(ge=1990, le=2100)
    targets: list[TargetIO] = Field(default_factory=list, max_length=40)


class IndicatorOut(Schema):
    id: UUID
    programme: str
    code: str
    kind: str
    name: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_year: int
    metric_code: str | None = None
    targets: list[TargetIO]


class ProgrammeIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name_id: str = Field(min_length=1, max_length=255)
    name_en: str = Field(default="", max_length=255)
    description: str = Field(default="", max_length=10000)
    horizon: HorizonLit
    is_quick_win: bool = False
    lead_opd: str = Field(min_length=1, max_length=32)
    supporting_opds: list[str] = Field(default_factory=list, max_length=30)
    rpjmd_goal: str = Field(default="", max_length=32)
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    module_url: str = Field(default="", max_length=200, pattern=r"^(/[A-Za-z0-9/_-]*)?$")
    activities: list[str] = Field(default_factory=list, max_length=50)
    budget: list[BudgetLineIO] = Field(default_factory=list, max_length=200)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=30)


class ProgrammeOut(Schema):
    id: UUID
    code: str
    name_id: str
    name_en: str
    dimension: str
    element: str
    worksheet: UUID
    horizon: str
    is_quick_win: bool
    lead_opd: str
    supporting_opds: list[str]
    rpjmd_goal: str
    start_year: int
    end_year: int
    module_url: str
    budget_total_idr: int


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    activities: list[str]
    budget: list[BudgetLineIO]
    indicators: list[IndicatorOut]


class WorksheetOut(Schema):
    id: UUID
    plan: UUID
    opd: str
    element: str
    dimension: str
    status: str
    status_label: str
    version: int
    submitted_at: datetime | None
    accepted_at: datetime | None
    endorsed_at: datetime | None
    programme_count: int


class CommentOut(Schema):
    id: UUID
    worksheet: UUID
    author: str
    item: str
    text: str
    created_at: datetime


class EventOut(Schema):
    from_status: str
    to_status: str
    actor: str
    note: str
    at: datetime


class WorksheetDetailOut(WorksheetOut):
    problem: str
    goal: str
    programmes: list[ProgrammeDetailOut]
    comments: list[CommentOut]
    events: list[EventOut]
    actions: list[str]


class WorksheetCreateIn(Schema):
    plan: UUID
    opd: str = Field(min_length=1, max_length=32)
    element: str = Field(min_length=1, max_length=16)
    problem: str = Field(default="", max_length=10000)
    goal: str = Field(default="", max_length=10000)


class WorksheetUpdateIn(Schema):
    problem: str = Field(default="", max_length=10000)
    goal: str = Field(default="", max_length=10000)


class BookIn(Schema):
    slot: UUID


class CommentIn(Schema):
    item: str = Field(default="worksheet", min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=5000)


class VerdictIn(Schema):
    verdict: Literal["revision", "accepted"]
    summary: str = Field(default="", max_length=5000)


class NoteIn(Schema):
    note: str = Field(default="", max_length=5000)


class RescheduleIn(Schema):
    reason: str = Field(default="", max_length=500)


class EndorseIn(Schema):
    meeting: UUID
    note: str = Field(default="", max_length=5000)


class SlotIn(Schema):
    starts_at: datetime
    ends_at: datetime
    location: str = Field(default="", max_length=200)


class SlotOut(Schema):
    id: UUID
    mentor: str
    starts_at: datetime
    ends_at: datetime
    location: str
    booked: bool


class MeetingIn(Schema):
    plan: UUID
    title: str = Field(min_length=1, max_length=200)
    held_at: datetime
    location: str = Field(default="", max_length=200)
    agenda: list[str] = Field(default_factory=list, max_length=50)


class MeetingRecordIn(Schema):
    attendance: list[str] = Field(default_factory=list, max_length=200)
    decisions: list[str] = Field(default_factory=list, max_length=100)


class MeetingOut(Schema):
    id: UUID
    title: str
    held_at: datetime
    location: str
    status: str
    agenda: list[str]
    attendance: list[str]
    decisions: list[str]
    notulen: str
    endorsed: list[UUID]


class ReviewOut(Schema):
    worksheet: UUID
    opd: str
    element: str
    status: str
    comments: list[CommentOut]
    events: list[EventOut]


class ChapterIn(Schema):
    body: str = Field(max_length=100000)


class DeliverableIn(Schema):
    status: Literal["todo", "in_progress", "done"] | None = None
    weight: int | None = Field(default=None, ge=0, le=1000)
    due_date: date | None = None


class EvaluationIn(Schema):
    year: int = Field(ge=2000, le=2100)
    weight_set: str = Field(min_length=1, max_length=40)
    baseline: float = Field(ge=0, le=5)
    output: float = Field(ge=0, le=5)
    outcome: float = Field(ge=0, le=5)
    impact: float = Field(ge=0, le=5)
    quick_win: float = Field(ge=0, le=5)
    note: str = Field(default="", max_length=2000)


class EvaluationOut(Schema):
    year: int
    weight_set: str
    weight_set_version: int
    weights: dict[str, int]
    scores: dict[str, float]
    total: float


class BudgetOut(Schema):
    plan: UUID
    total_idr: int
    per_year: dict[str, int]
    per_source: dict[str, int]
    per_dimension: dict[str, int]


class PlanCreateIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    city_vision: str = Field(default="", max_length=5000)
    vision: str = Field(default="", max_length=5000)
    missions: list[str] = Field(default_factory=list, max_length=30)
    horizon_years: dict[HorizonLit, int] | None = None
    chapter_template: str = Field(default="kominfo-2018", max_length=32)
    stage_template: str = Field(default="bimtek-4", max_length=32)


class MetricBindIn(Schema):
    metric_code: str | None = Field(default=None, max_length=64)


class TrendPointOut(Schema):
    period: str  # "YYYY-MM"
    value: float | None
    reason: str  # why there is no value; empty when there is one


class LiveIndicatorOut(Schema):
    id: UUID
    programme: str
    code: str
    name: str
    unit: str
    metric_code: str | None
    value: float | None
    target: float | None
    status: str  # green | amber | red | none
    reason: str
    as_of: datetime | None
    age_s: int | None
    stale: bool
    trend: list[TrendPointOut]
