"""Page actions of the monitoring page: binding an indicator to a live figure (Bappeda) and recording
a budget line's realisation (the programme's OPD or Bappeda)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotapintar.masterplan import services
from kotapintar.masterplan.errors import BudgetRealisedInvalid, IndicatorNotFound, ProgrammeNotFound
from kotapintar.masterplan.models import Indicator, Programme
from kotapintar.masterplan.views import domain_errors

# Whole rupiah, optionally with Indonesian thousands dots ("1.500.000"); a comma or a sign is refused.
RUPIAH = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")


def indicator_get(public_id: Any) -> Indicator:
    found = Indicator.objects.select_related("programme__worksheet").filter(public_id=public_id).first()
    if found is None:
        raise IndicatorNotFound()
    return found


@login_required
@require_POST
@domain_errors
def indicator_bind(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    ind = indicator_get(public_id)
    services.indicator_bind(actor=request.user, indicator=ind, metric_code=request.POST.get("metric_code"))
    if ind.metric_code:
        messages.success(
            request,
            _("Indicator %(code)s bound to %(metric)s.") % {"code": ind.code, "metric": ind.metric_code},
        )
    else:
        messages.success(request, _("Indicator %(code)s unbound.") % {"code": ind.code})
    return _back(request.POST.get("tahun", ""))


def _back(year: str) -> HttpResponseBase:
    return redirect(f"/masterplan/monitoring/?tahun={year}" if year.isdigit() else "/masterplan/monitoring/")


@login_required
@require_POST
@domain_errors
def budget_realised(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    prog = Programme.objects.select_related("worksheet").filter(public_id=public_id).first()
    if prog is None:
        raise ProgrammeNotFound()
    raw = request.POST.get("realised_idr", "").strip().replace(" ", "")
    if raw and not RUPIAH.match(raw):
        raise BudgetRealisedInvalid()
    year = request.POST.get("year", "")
    line = services.budget_realised_record(
        actor=request.user,
        programme=prog,
        year=int(year) if year.isdigit() else 0,
        source=request.POST.get("source", ""),
        realised_idr=int(raw.replace(".", "")) if raw else None,
    )
    messages.success(
        request,
        _("Budget realisation of %(code)s %(year)s saved.") % {"code": prog.code, "year": line.year},
    )
    return _back(year)
