"""The taxonomy and reference data: dimensions, elements (the city's own too), templates,
readiness aspects and weight sets."""

from __future__ import annotations

from django.db import transaction

from kotapintar.core import audit
from kotapintar.core.models import City, Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.masterplan import reference
from kotapintar.masterplan.errors import DimensionNotFound, ElementExists, ElementInvalid
from kotapintar.masterplan.models import (
    ChapterTemplate,
    Dimension,
    Element,
    ReadinessAspect,
    StageTemplate,
    WeightSet,
)


def reference_ensure() -> int:
    """Load the taxonomy, templates, readiness aspects and weight sets if absent (idempotent)."""
    created = 0
    with transaction.atomic():
        for order, (code, name_id, name_en, elements) in enumerate(reference.DIMENSIONS, start=1):
            dim, was = Dimension.objects.get_or_create(
                code=code, defaults={"name_id": name_id, "name_en": name_en, "order": order}
            )
            created += int(was)
            for e_order, (e_code, e_id, e_en) in enumerate(elements, start=1):
                created += int(
                    Element.objects.get_or_create(
                        code=e_code,
                        defaults={"dimension": dim, "name_id": e_id, "name_en": e_en, "order": e_order},
                    )[1]
                )
        tpl = reference.CHAPTER_TEMPLATE
        created += int(
            ChapterTemplate.objects.get_or_create(
                code=tpl["code"], defaults={"name": tpl["name"], "items": tpl["items"]}
            )[1]
        )
        stpl = reference.STAGE_TEMPLATE
        created += int(
            StageTemplate.objects.get_or_create(
                code=stpl["code"], defaults={"name": stpl["name"], "stages": stpl["stages"]}
            )[1]
        )
        for order, (code, name_id, name_en, scope_id, scope_en) in enumerate(
            reference.READINESS_ASPECTS, start=1
        ):
            created += int(
                ReadinessAspect.objects.get_or_create(
                    code=code,
                    defaults={
                        "name_id": name_id,
                        "name_en": name_en,
                        "scope_id": scope_id,
                        "scope_en": scope_en,
                        "order": order,
                    },
                )[1]
            )
        for ws in reference.WEIGHT_SETS:
            created += int(
                WeightSet.objects.get_or_create(
                    code=ws["code"], defaults={k: v for k, v in ws.items() if k != "code"}
                )[1]
            )
        if created:
            audit.record(action="masterplan.reference_load", data={"created": created})
    return created


def element_create_local(
    *, actor: Actor, city: City, dimension_code: str, code: str, name_id: str, name_en: str
) -> Element:
    """A city's own element under a dimension (e.g. drainage and disaster under Smart Living)."""
    require_role(actor, Role.BAPPEDA)
    dim = Dimension.objects.filter(code=dimension_code).first()
    if dim is None:
        raise DimensionNotFound()
    code = code.strip().upper()
    if not code or not name_id.strip():
        raise ElementInvalid()
    if Element.objects.filter(code=code).exists():
        raise ElementExists()
    with transaction.atomic():
        order = dim.elements.count() + 1
        el = Element.objects.create(
            dimension=dim,
            code=code,
            name_id=name_id.strip(),
            name_en=name_en.strip() or name_id.strip(),
            order=order,
            city=city,
            is_local=True,
        )
        audit.record(action="masterplan.element_create", actor=actor, obj=el, data={"code": code})
    return el
