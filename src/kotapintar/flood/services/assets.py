"""Field assets operators keep up to date: pump houses (on/off/fault), shelters, station maintenance."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.flood.errors import BadAction, BadOccupancy, BadState, BadStatus, StaleState
from kotapintar.flood.models import MaintenanceLog, PumpEvent, Shelter, Station, StationKind, StationStatus
from kotapintar.flood.services.locks import row_lock


def pump_state_set(
    *, actor: Actor, station: Station, state: str, note: str = "", at: datetime | None = None
) -> PumpEvent:
    user = require_role(actor, Role.OPERATOR_BPBD)
    if state not in PumpEvent.State.values:
        raise BadState()
    at = at or timezone.now()
    with transaction.atomic():
        locked = row_lock(Station.objects.filter(kind=StationKind.PUMP), station.pk)
        if locked.pump_state_at is not None and at < locked.pump_state_at:
            raise StaleState()
        if locked.pump_state == PumpEvent.State.ON and locked.pump_state_at is not None:
            locked.pump_running_seconds += int((at - locked.pump_state_at).total_seconds())
        locked.pump_state = state
        locked.pump_state_at = at
        locked.save(update_fields=["pump_state", "pump_state_at", "pump_running_seconds"])
        event = PumpEvent.objects.create(station=locked, state=state, at=at, operator=user, note=note[:255])
        audit.record(
            action="flood.pump_state_set", actor=user, obj=locked, data={"state": state, "note": note}
        )
    return event


def shelter_update(
    *, actor: Actor, shelter: Shelter, occupancy: int | None = None, status: str | None = None
) -> Shelter:
    user = require_role(actor, Role.OPERATOR_BPBD)
    with transaction.atomic():
        locked = row_lock(Shelter.objects.all(), shelter.pk)
        if occupancy is not None:
            if occupancy < 0 or occupancy > locked.capacity * 2:
                raise BadOccupancy()
            locked.occupancy = occupancy
        if status is not None:
            if status not in Shelter.Status.values:
                raise BadStatus(_("Unknown shelter status."))
            locked.status = status
        locked.updated_at = timezone.now()
        locked.updated_by = user
        locked.save(update_fields=["occupancy", "status", "updated_at", "updated_by"])
        audit.record(
            action="flood.shelter_update",
            actor=user,
            obj=locked,
            data={"occupancy": locked.occupancy, "status": locked.status},
        )
    return locked


def maintenance_log_add(
    *,
    actor: Actor,
    station: Station,
    action: str,
    notes: str = "",
    next_due: date | None = None,
    status_after: str = "",
    performed_at: datetime | None = None,
) -> MaintenanceLog:
    user = require_role(actor, Role.OPERATOR_BPBD)
    if not action.strip():
        raise BadAction()
    if status_after and status_after not in StationStatus.values:
        raise BadStatus(_("Unknown station status."))
    with transaction.atomic():
        locked = row_lock(Station.objects.all(), station.pk)
        entry = MaintenanceLog.objects.create(
            station=locked,
            performed_at=performed_at or timezone.now(),
            performed_by=user,
            action=action.strip()[:255],
            notes=notes,
            next_due=next_due,
            status_after=status_after,
        )
        if status_after:
            locked.status = status_after
            locked.save(update_fields=["status"])
        audit.record(
            action="flood.maintenance_add",
            actor=user,
            obj=locked,
            data={"action": action, "status": status_after},
        )
    return entry
