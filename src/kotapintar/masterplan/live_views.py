"""The page action that binds an indicator to a live figure (Bappeda), from the monitoring page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotapintar.masterplan import services
from kotapintar.masterplan.errors import IndicatorNotFound
from kotapintar.masterplan.models import Indicator
from kotapintar.masterplan.views import domain_errors


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
    year = request.POST.get("tahun", "")
    return redirect(f"/masterplan/monitoring/?tahun={year}" if year.isdigit() else "/masterplan/monitoring/")
