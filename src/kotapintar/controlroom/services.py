"""Writes of the control room: display tokens for trusted wall screens (create, revoke, check)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kotapintar.controlroom.errors import (
    DisplayNameInvalid,
    DisplayTokenExpired,
    DisplayTokenInvalid,
    DisplayTokenRevoked,
    NotRoomManager,
)
from kotapintar.controlroom.models import DisplayToken
from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, require_login
from kotapintar.core.types import Actor, User

MANAGERS = (Role.BAPPEDA,)  # and admin_kota, who holds every role
TOKEN_MAX_LEN = 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_manager(actor: Actor) -> User:
    user = require_login(actor)
    if not has_role(user, *MANAGERS):
        raise NotRoomManager()
    return user


def display_create(*, actor: Actor, name: str, valid_days: int | None = None) -> tuple[DisplayToken, str]:
    """A new display token; the token itself is returned once and only its hash is kept."""
    user = _require_manager(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise DisplayNameInvalid()
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=valid_days) if valid_days else None
    with transaction.atomic():
        display = DisplayToken.objects.create(
            name=name, token_hash=token_hash(token), created_by=user, expires_at=expires
        )
        audit.record(action="controlroom.display_create", actor=actor, obj=display, data={"name": name})
    return display, token


def display_revoke(*, actor: Actor, display: DisplayToken) -> DisplayToken:
    user = _require_manager(actor)
    with transaction.atomic():
        locked = DisplayToken.objects.select_for_update().get(pk=display.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = user
            locked.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(
                action="controlroom.display_revoke", actor=actor, obj=locked, data={"name": locked.name}
            )
    return locked


def display_check(*, token: str, now: datetime | None = None) -> DisplayToken:
    """The display a kiosk token opens; an unknown, revoked or expired token is refused (403)."""
    if not token or len(token) > TOKEN_MAX_LEN:
        raise DisplayTokenInvalid()
    display = DisplayToken.objects.filter(token_hash=token_hash(token)).first()
    if display is None:
        raise DisplayTokenInvalid()
    now = now or timezone.now()
    if display.revoked_at is not None:
        raise DisplayTokenRevoked()
    if display.expires_at is not None and display.expires_at <= now:
        raise DisplayTokenExpired()
    if display.last_seen_at is None or now - display.last_seen_at > timedelta(minutes=1):
        DisplayToken.objects.filter(pk=display.pk).update(last_seen_at=now)  # at most once a minute
    return display
