"""Binding a programme indicator to a live figure a module publishes (kotapintar.core.metrics)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kotapintar.core import audit, metrics
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, require_login
from kotapintar.core.types import Actor
from kotapintar.masterplan.errors import MetricUnitMismatch, MetricUnknown, NotBinder
from kotapintar.masterplan.models import Indicator


def same_unit(a: str, b: str) -> bool:
    """Units as people write them: case and surrounding or repeated spaces do not count."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def indicator_bind(*, actor: Actor, indicator: Indicator, metric_code: str | None) -> Indicator:
    """Bind `indicator` to the metric `metric_code` (or unbind it with None or ""), Bappeda only.
    A metric no module publishes, or one in another unit than the indicator's, is refused."""
    require_login(actor)
    if not has_role(actor, Role.BAPPEDA):
        raise NotBinder()
    code = (metric_code or "").strip() or None
    if code is not None:
        found = metrics.metric(code)
        if found is None:
            raise MetricUnknown(
                _("No module publishes a live figure with the code %(code)s.") % {"code": code[:64]}
            )
        if not same_unit(found.unit, indicator.unit):
            raise MetricUnitMismatch(
                _("The live figure %(code)s is in %(metric_unit)s; the indicator is in %(unit)s.")
                % {"code": code, "metric_unit": found.unit, "unit": indicator.unit or "–"},
                detail={"metric_unit": found.unit, "indicator_unit": indicator.unit},
            )
    with transaction.atomic():
        previous = indicator.metric_code
        indicator.metric_code = code
        indicator.save(update_fields=["metric_code"])
        audit.record(
            action="masterplan.indicator_bind",
            actor=actor,
            obj=indicator,
            data={"from": previous, "to": code},
        )
    return indicator
