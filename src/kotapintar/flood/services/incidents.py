"""Incidents: the level changes of a station alarm grouped from first crossing to back-to-normal.

`incident_step` is called by `alarms.alert_record` for every level change of a water/sea level or
rain alarm (not for silent sensors, rob forecasts or re-issues): the first change above Normal opens
an incident, the change back to Normal (after the off-delay, `lib.hysteresis`) closes it, and every
change in between is a step. Operators acknowledge incidents, one or several at once, with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor
from kotapintar.flood.errors import AlreadyAcknowledged, BadNote, NoIncidents
from kotapintar.flood.models import (
    Alert,
    AlertKind,
    Hazard,
    Incident,
    IncidentStep,
    Parameter,
    StepKind,
)
from kotapintar.lib import incidents as logic

#: Kinds of alarm that make incidents (silent sensors are internal; rob forecasts are predictions).
INCIDENT_KINDS = (AlertKind.LEVEL, AlertKind.RAIN)
NOTE_MAX = 500


def hazard_of(kind: str, parameter: str) -> str:
    if kind == AlertKind.RAIN:
        return Hazard.RAIN
    return Hazard.ROB if parameter == Parameter.TIDE_LEVEL else Hazard.FLOOD


def _open_incident_locked(alert: Alert) -> Incident | None:
    """The open incident of the alarm's station, kind and parameter, locked for the new step."""
    return (
        Incident.objects.select_for_update()
        .filter(
            station_id=alert.station_id, kind=alert.kind, parameter=alert.parameter, closed_at__isnull=True
        )
        .first()
    )


def incident_step(alert: Alert) -> IncidentStep | None:
    """Record a level change as a step of its station alarm's incident (opening or closing it)."""
    if alert.kind not in INCIDENT_KINDS or alert.reissue_of_id is not None:
        return None
    kind = logic.step_kind(alert.previous_level, alert.level)
    incident = _open_incident_locked(alert)
    if incident is None:
        if alert.level == 0:
            return None  # a close without an open incident (state from before incidents existed)
        kind = logic.OPENED
        incident = Incident.objects.create(
            station_id=alert.station_id,
            hazard=hazard_of(alert.kind, alert.parameter),
            kind=alert.kind,
            parameter=alert.parameter,
            opened_at=alert.phenomenon_time,
            level=alert.level,
            level_name=alert.level_name,
            max_level=alert.level,
            max_level_name=alert.level_name,
            max_value=alert.value,
        )
    seq = incident.steps.count()
    step = IncidentStep.objects.create(
        incident=incident,
        seq=seq,
        kind=kind,
        at=alert.phenomenon_time,
        from_level=alert.previous_level if seq else 0,
        to_level=alert.level,
        level_name=alert.level_name,
        value=alert.value,
        alert=alert,
        created_at=alert.created_at,
    )
    if seq:
        incident.level, incident.level_name = alert.level, alert.level_name
        if alert.level > incident.max_level:
            incident.max_level, incident.max_level_name = alert.level, alert.level_name
        if alert.value is not None and (incident.max_value is None or alert.value > incident.max_value):
            incident.max_value = alert.value
        if kind == logic.CLOSED:
            incident.closed_at = alert.phenomenon_time
        incident.save(
            update_fields=["level", "level_name", "max_level", "max_level_name", "max_value", "closed_at"]
        )
    return step


def incident_renew(alert: Alert, *, now: datetime) -> IncidentStep | None:
    """Record the re-issue of a level alarm as a `renewed` step of its open incident (same level), so
    the incident's CAP alert gets an `Update` before its last message expires (`cap.INCIDENT_TTL_H`)
    and an incident open for days never drops out of the receivers' view. Not notified: channels hear
    of level changes only."""
    if alert.kind not in INCIDENT_KINDS or alert.reissue_of_id is None or alert.level == 0:
        return None
    incident = _open_incident_locked(alert)
    if incident is None:
        return None
    return IncidentStep.objects.create(
        incident=incident,
        seq=incident.steps.count(),
        kind=StepKind.RENEWED,
        at=now,
        from_level=incident.level,
        to_level=incident.level,
        level_name=incident.level_name,
        value=alert.value,
        alert=alert,
        created_at=now,
    )


def incidents_acknowledge(
    *, actor: Actor, incidents: Sequence[Incident], note: str = "", now: datetime | None = None
) -> list[Incident]:
    """Acknowledge several incidents at once with one note; all or none (one acknowledged already: 409)."""
    require_role(actor, Role.OPERATOR_BPBD)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise BadNote()
    if not incidents:
        raise NoIncidents()
    now = now or timezone.now()
    with transaction.atomic():
        locked = list(
            Incident.objects.select_for_update().filter(pk__in=[i.pk for i in incidents]).order_by("pk")
        )
        done = [i for i in locked if i.acknowledged_at is not None]
        if done:
            raise AlreadyAcknowledged(
                _("An incident has been acknowledged already."),
                detail={"incidents": [str(i.public_id) for i in done]},
            )
        for incident in locked:
            incident.acknowledged_at = now
            incident.acknowledged_by = actor if is_signed_in(actor) else None
            incident.acknowledged_note = note
            incident.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_note"])
            audit.record(
                action="flood.incident_acknowledge",
                actor=actor,
                obj=incident,
                data={"level": incident.level, "note": note},
            )
    return locked
