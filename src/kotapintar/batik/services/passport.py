"""The batik passport: a stamp per event entered or venue visited, rewards redeemed once per holder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kotapintar.batik import errors, wallet_port
from kotapintar.batik.models import (
    CheckIn,
    Event,
    Reward,
    RewardRedemption,
    Stamp,
    Venue,
)
from kotapintar.batik.services.holders import STAFF_ROLES, check_holder_access, holder_key, new_code
from kotapintar.core import audit
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor, User


def stamp_award(
    *,
    holder: str,
    card_number: str,
    user: User | None,
    event: Event | None,
    venue: Venue | None,
    checkin: CheckIn | None,
    at: datetime,
) -> bool:
    """Add the holder's stamp for an event or a venue; False if they already have it."""
    scope = f"event:{event.code}" if event is not None else f"venue:{venue.code}" if venue is not None else ""
    if not scope:
        raise ValueError("stamp_award needs an event or a venue")
    if Stamp.objects.filter(holder_key=holder, scope=scope).exists():
        return False
    try:
        with transaction.atomic():
            Stamp.objects.create(
                holder_key=holder,
                card_number=card_number,
                user=user,
                scope=scope,
                event=event,
                venue=venue,
                checkin=checkin,
                created_at=at,
            )
    except IntegrityError:  # the same holder checked in at two gates at once
        return False
    return True


def stamp_collect_at_venue(*, actor: Actor, venue_code: str, card_token: str) -> bool:
    """A stamp for visiting a venue: staff scan the visitor's card QR (its signed token)."""
    require_role(actor, *STAFF_ROLES)
    venue = Venue.objects.filter(code=venue_code).first()
    if venue is None:
        raise errors.VenueNotFound()
    number = wallet_port.card_from_token(token=card_token)
    with transaction.atomic():
        awarded = stamp_award(
            holder=holder_key(card_number=number),
            card_number=number,
            user=None,
            event=None,
            venue=venue,
            checkin=None,
            at=timezone.now(),
        )
        if awarded:
            audit.record(action="batik.stamp_venue", actor=actor, obj=venue, data={"card": number})
    return awarded


@dataclass(frozen=True)
class RedemptionResult:
    redemption_id: str
    reward_code: str
    voucher_code: str
    stamps: int
    created_at: datetime


def reward_redeem(*, actor: Actor, reward_code: str, holder: str) -> RedemptionResult:
    """Redeem a reward once per holder, when they have enough stamps (reward row locked)."""
    with transaction.atomic():
        reward = Reward.objects.select_for_update().filter(code=reward_code, is_active=True).first()
        if reward is None:
            raise errors.RewardNotFound()
        if RewardRedemption.objects.filter(reward=reward, holder_key=holder).exists():
            raise errors.RewardAlreadyRedeemed()
        stamps = Stamp.objects.filter(holder_key=holder).count()
        if stamps < reward.stamps_required:
            raise errors.NotEnoughStamps(detail={"stamps": stamps, "required": reward.stamps_required})
        if reward.stock is not None and reward.redeemed_count >= reward.stock:
            raise errors.RewardOutOfStock()
        redemption = RewardRedemption.objects.create(
            reward=reward,
            holder_key=holder,
            voucher_code=f"BTK-{new_code(8)}",
            stamps_at_redemption=stamps,
            actor=actor if is_signed_in(actor) else None,
        )
        Reward.objects.filter(pk=reward.pk).update(redeemed_count=F("redeemed_count") + 1)
        audit.record(
            action="batik.reward_redeem",
            actor=actor,
            obj=redemption,
            data={"reward": reward.code, "holder": holder, "stamps": stamps},
        )
        return RedemptionResult(
            redemption_id=str(redemption.public_id),
            reward_code=reward.code,
            voucher_code=redemption.voucher_code,
            stamps=stamps,
            created_at=redemption.created_at,
        )


def reward_redeem_for(
    *,
    actor: Actor,
    reward_code: str,
    card_number: str = "",
    card_token: str | None = None,
    user: Actor = None,
) -> RedemptionResult:
    check_holder_access(actor=actor, card_number=card_number, card_token=card_token, user=user)
    return reward_redeem(
        actor=actor, reward_code=reward_code, holder=holder_key(card_number=card_number, user=user)
    )
