"""A master plan and its parts: the plan itself (vision, missions, horizons), its chapters, the Bimtek
stages and their deliverables."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kotapintar.core import audit
from kotapintar.core.errors import ValidationFailed
from kotapintar.core.models import OPD, City, Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.masterplan import reference
from kotapintar.masterplan.errors import (
    HorizonInvalid,
    PeriodInvalid,
    StatusInvalid,
    TemplateNotFound,
    WeightInvalid,
)
from kotapintar.masterplan.models import (
    Chapter,
    ChapterTemplate,
    Deliverable,
    DeliverableStatus,
    Horizon,
    Plan,
    Stage,
    StageStatus,
    StageTemplate,
)
from kotapintar.masterplan.services.taxonomy import reference_ensure


def plan_create(
    *,
    actor: Actor,
    city: City,
    title: str,
    start_year: int,
    end_year: int,
    city_vision: str = "",
    vision: str = "",
    missions: list[str] | None = None,
    rpjmd_goals: list[dict[str, str]] | None = None,
    horizon_years: dict[str, int] | None = None,
    chapter_template: str = reference.CHAPTER_TEMPLATE["code"],
    stage_template: str = reference.STAGE_TEMPLATE["code"],
) -> Plan:
    if actor is not None:
        require_role(actor, Role.BAPPEDA)
    if not (2000 <= start_year <= end_year <= 2100) or end_year - start_year > 25:
        raise PeriodInvalid()
    reference_ensure()
    ctpl = ChapterTemplate.objects.filter(code=chapter_template).first()
    stpl = StageTemplate.objects.filter(code=stage_template).first()
    if ctpl is None or stpl is None:
        raise TemplateNotFound()
    horizons = dict(reference.DEFAULT_HORIZON_YEARS)
    horizons.update(horizon_years or {})
    with transaction.atomic():
        plan = Plan.objects.create(
            city=city,
            title=title,
            start_year=start_year,
            end_year=end_year,
            city_vision=city_vision,
            vision=vision,
            missions=list(missions or []),
            rpjmd_goals=list(rpjmd_goals or []),
            horizon_years=horizons,
            progress_weights=dict(reference.DEFAULT_PROGRESS_WEIGHTS),
        )
        for order, item in enumerate(ctpl.items, start=1):
            Chapter.objects.create(
                plan=plan,
                key=item["key"],
                book=item.get("book", ""),
                order=order,
                title_id=item["title_id"],
                title_en=item["title_en"],
            )
        for s_order, st in enumerate(stpl.stages, start=1):
            stage = Stage.objects.create(
                plan=plan,
                code=st["code"],
                order=s_order,
                name_id=st["name_id"],
                name_en=st["name_en"],
                output_id=st.get("output_id", ""),
                output_en=st.get("output_en", ""),
            )
            for d_order, d in enumerate(st.get("deliverables", []), start=1):
                Deliverable.objects.create(
                    stage=stage,
                    code=d["code"],
                    order=d_order,
                    name_id=d["name_id"],
                    name_en=d["name_en"],
                    weight=int(d.get("weight", 1)),
                )
        audit.record(
            action="masterplan.plan_create",
            actor=actor,
            obj=plan,
            data={"title": title, "period": [start_year, end_year]},
        )
    return plan


PLAN_FIELDS = frozenset({"title", "city_vision", "vision", "missions", "rpjmd_goals", "horizon_years"})


def plan_update(*, actor: Actor, plan: Plan, **fields: Any) -> Plan:
    require_role(actor, Role.BAPPEDA)
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise ValidationFailed(detail={"fields": sorted(unknown)})
    horizons = fields.get("horizon_years")
    if horizons is not None:
        valid = {h.value for h in Horizon}
        if set(horizons) - valid or any(not isinstance(v, int) or not 0 < v <= 30 for v in horizons.values()):
            raise HorizonInvalid()
        fields["horizon_years"] = {**plan.horizon_years, **horizons}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(plan, key, value)
        plan.save()
        audit.record(action="masterplan.plan_update", actor=actor, obj=plan, data={"fields": sorted(fields)})
    return plan


def chapter_update(*, actor: Actor, chapter: Chapter, body: str) -> Chapter:
    require_role(actor, Role.BAPPEDA)
    with transaction.atomic():
        chapter.body = body
        chapter.save(update_fields=["body", "updated_at"])
        audit.record(
            action="masterplan.chapter_update",
            actor=actor,
            obj=chapter,
            data={"key": chapter.key, "chars": len(body)},
        )
    return chapter


def _set_given(obj: models.Model, **fields: object) -> None:
    """Set the fields a PATCH gave (None: not given, left as it is)."""
    for name, value in fields.items():
        if value is not None:
            setattr(obj, name, value)


def stage_update(
    *,
    actor: Actor,
    stage: Stage,
    status: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    venue: str | None = None,
    notes: str | None = None,
) -> Stage:
    require_role(actor, Role.BAPPEDA)
    if status is not None and status not in StageStatus.values:
        raise StatusInvalid()
    with transaction.atomic():
        _set_given(stage, status=status, start_date=start_date, end_date=end_date, venue=venue, notes=notes)
        stage.save()
        audit.record(action="masterplan.stage_update", actor=actor, obj=stage, data={"status": stage.status})
    return stage


def deliverable_update(
    *,
    actor: Actor,
    deliverable: Deliverable,
    status: str | None = None,
    owner_opd: OPD | None = None,
    owner_label: str | None = None,
    due_date: date | None = None,
    weight: int | None = None,
) -> Deliverable:
    require_role(actor, Role.BAPPEDA)
    if status is not None and status not in DeliverableStatus.values:
        raise StatusInvalid()
    if weight is not None and not 0 <= weight <= 1000:
        raise WeightInvalid()
    with transaction.atomic():
        d = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if status is not None and status != d.status:
            d.status = status
            d.done_at = timezone.now() if status == DeliverableStatus.DONE else None
        _set_given(d, owner_opd=owner_opd, owner_label=owner_label, due_date=due_date, weight=weight)
        d.save()
        audit.record(
            action="masterplan.deliverable_update",
            actor=actor,
            obj=d,
            data={"code": d.code, "status": d.status, "weight": d.weight},
        )
    return d
