"""Readiness scores and the yearly Kominfo evaluation with its versioned weight sets."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.masterplan import reference
from kotapintar.masterplan.errors import (
    AggregationInvalid,
    ScoreInvalid,
    ScoresInvalid,
    WeightsInvalid,
    WeightsTotal,
    YearInvalid,
)
from kotapintar.masterplan.models import (
    Dimension,
    Evaluation,
    Plan,
    ReadinessAspect,
    ReadinessScore,
    WeightSet,
)


def readiness_set(
    *, actor: Actor, plan: Plan, dimension: Dimension, aspect: ReadinessAspect, score: int, evidence: str = ""
) -> ReadinessScore:
    require_role(actor, Role.BAPPEDA)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ScoreInvalid()
    with transaction.atomic():
        row, _created = ReadinessScore.objects.update_or_create(
            plan=plan, dimension=dimension, aspect=aspect, defaults={"score": score, "evidence": evidence}
        )
        audit.record(
            action="masterplan.readiness_set",
            actor=actor,
            obj=plan,
            data={"dimension": dimension.code, "aspect": aspect.code, "score": score},
        )
    return row


def weight_set_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    weights: dict[str, int],
    aggregation: str = "weighted",
    source: str = "",
) -> WeightSet:
    """A new version of a weight set; old versions stay (evaluations keep the set they used)."""
    require_role(actor, Role.BAPPEDA)
    if set(weights) != set(reference.EVALUATION_CATEGORIES) or any(
        not isinstance(v, int) or v < 0 for v in weights.values()
    ):
        raise WeightsInvalid()
    if aggregation == "weighted" and sum(weights.values()) != 100:
        raise WeightsTotal()
    if aggregation not in ("weighted", "mean"):
        raise AggregationInvalid()
    with transaction.atomic():
        latest = WeightSet.objects.filter(code__startswith=code).count()
        ws = WeightSet.objects.create(
            code=f"{code}-v{latest + 1}" if latest else code,
            name=name,
            version=latest + 1,
            weights=weights,
            aggregation=aggregation,
            source=source,
        )
        audit.record(action="masterplan.weightset_create", actor=actor, obj=ws, data={"weights": weights})
    return ws


def evaluation_record(
    *, actor: Actor, plan: Plan, year: int, weight_set: WeightSet, scores: dict[str, float], note: str = ""
) -> Evaluation:
    require_role(actor, Role.BAPPEDA)
    if set(scores) != set(reference.EVALUATION_CATEGORIES):
        raise ScoresInvalid()
    if any(not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 5 for v in scores.values()):
        raise ScoresInvalid(_("Scores lie between 0 and 5."))
    if not 2000 <= year <= 2100:
        raise YearInvalid()
    with transaction.atomic():
        ev, _created = Evaluation.objects.update_or_create(
            plan=plan,
            year=year,
            weight_set=weight_set,
            defaults={"scores": {k: float(v) for k, v in scores.items()}, "note": note},
        )
        audit.record(
            action="masterplan.evaluation_record",
            actor=actor,
            obj=plan,
            data={"year": year, "set": weight_set.code},
        )
    return ev
