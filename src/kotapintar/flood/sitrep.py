"""The situation report (PDF, WeasyPrint): the picture a mayor's office needs on one or two pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext

from kotapintar.core import audit
from kotapintar.core.selectors import city_get_or_none
from kotapintar.core.types import Actor
from kotapintar.flood import selectors


def PUMP_STATES() -> dict[str, str]:
    return {"on": gettext("On"), "off": gettext("Off"), "fault": gettext("Fault")}


def context(*, now: datetime | None = None) -> dict[str, Any]:
    """The report's template context: the one situation (`selectors.situation`) the page and API show."""
    sit = selectors.situation(now=now)
    return {
        "now": sit.now,
        "city": city_get_or_none(),
        "sit": sit,
        "figures": sit.figures(),
        "pumps": [(p, PUMP_STATES().get(p.pump_state, "–")) for p in sit.pumps],
    }


def render_pdf(*, actor: Actor = None, now: datetime | None = None) -> bytes:
    from weasyprint import HTML

    ctx = context(now=now)
    html = render_to_string("flood/sitrep.html", ctx)
    pdf: bytes = HTML(string=html, base_url="/").write_pdf()
    with transaction.atomic():
        audit.record(
            action="flood.sitrep_render",
            actor=actor,
            object_type="flood.sitrep",
            data={**ctx["figures"], "bytes": len(pdf)},
        )
    return pdf
