"""The catalogue the tourism office keeps: venues, events and their sessions, ticket types, rewards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.batik import errors
from kotapintar.batik.models import (
    Event,
    EventSession,
    Reward,
    TicketType,
    Venue,
)
from kotapintar.batik.services.holders import STAFF_ROLES
from kotapintar.core import audit
from kotapintar.core.permissions import require_role
from kotapintar.core.selectors import city_get_or_none, kelurahan_at
from kotapintar.core.types import Actor


def venue_upsert(*, actor: Actor, code: str, **fields: Any) -> Venue:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    city = city_get_or_none()
    if city is not None and not city.contains_point(lon=fields["lon"], lat=fields["lat"]):
        raise errors.VenueOutsideCity()
    if not fields.get("kelurahan_code"):
        kel = kelurahan_at(lon=fields["lon"], lat=fields["lat"])
        fields["kelurahan_code"] = kel.code if kel is not None else ""
    with transaction.atomic():
        venue, created = Venue.objects.update_or_create(code=code, defaults=fields)
        if created:
            audit.record(action="batik.venue_create", actor=actor, obj=venue, data={"code": code})
    return venue


def event_upsert(*, actor: Actor, code: str, venue_codes: list[str], **fields: Any) -> Event:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    for name in ("starts_at", "ends_at"):
        if timezone.is_naive(fields[name]):
            fields[name] = timezone.make_aware(fields[name], timezone.get_default_timezone())
    if fields["ends_at"] < fields["starts_at"]:
        raise errors.EventDates()
    if not 2000 <= fields["starts_at"].year <= 2100 or not 2000 <= fields["ends_at"].year <= 2100:
        raise errors.EventDates(_("Event dates must lie between 2000 and 2100."))
    unknown = sorted(
        set(venue_codes) - set(Venue.objects.filter(code__in=venue_codes).values_list("code", flat=True))
    )
    if unknown:
        raise errors.VenueNotFound(detail={"venue_codes": unknown})
    with transaction.atomic():
        event, created = Event.objects.update_or_create(code=code, defaults=fields)
        event.venues.set(Venue.objects.filter(code__in=venue_codes))
        if created:
            audit.record(action="batik.event_create", actor=actor, obj=event, data={"code": code})
    return event


def session_upsert(
    *, actor: Actor, event: Event, title_id: str, starts_at: datetime, ends_at: datetime, **fields: Any
) -> EventSession:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    session, _created = EventSession.objects.update_or_create(
        event=event, title_id=title_id, starts_at=starts_at, defaults={"ends_at": ends_at, **fields}
    )
    return session


def ticket_type_upsert(*, actor: Actor, event: Event, code: str, quota: int, **fields: Any) -> TicketType:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    with transaction.atomic():
        existing = TicketType.objects.select_for_update().filter(event=event, code=code).first()
        if existing is not None and quota < existing.sold:
            raise errors.QuotaBelowSold()
        tt, created = TicketType.objects.update_or_create(
            event=event, code=code, defaults={"quota": quota, **fields}
        )
        if created:
            audit.record(action="batik.ticket_type_create", actor=actor, obj=tt, data={"quota": quota})
    return tt


def reward_upsert(*, actor: Actor, code: str, stamps_required: int, **fields: Any) -> Reward:
    if actor is not None:
        require_role(actor, *STAFF_ROLES)
    if stamps_required < 1:
        raise errors.RewardStamps()
    with transaction.atomic():
        reward, created = Reward.objects.update_or_create(
            code=code, defaults={"stamps_required": stamps_required, **fields}
        )
        audit.record(
            action="batik.reward_create" if created else "batik.reward_update",
            actor=actor,
            obj=reward,
            data={"stamps_required": stamps_required, "stock": reward.stock},
        )
    return reward
