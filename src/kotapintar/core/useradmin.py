"""Writes of the administration console on users: create, edit (roles, OPD, profile), deactivate,
reactivate. Only the city administrator (`admin_kota`) may call them; every change is audited.

The platform must always keep one active administrator who can sign in: a change that would leave
none (deactivating the last one, taking the role from the last one, one's own included) is refused
with `last_admin`. Every service that can take an administrator away first locks the `admin_kota`
group row, so two administrators demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from kotapintar.core import audit, services
from kotapintar.core.errors import (
    BadEmail,
    BadUsername,
    LastAdmin,
    OpdNotFound,
    OwnAccount,
    PermissionDenied,
    UnknownRole,
    UsernameTaken,
    UserNotFound,
)
from kotapintar.core.models import OPD, Profile, Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor, User

ADMIN = Role.ADMIN_KOTA.value
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{3,150}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require_admin(actor: Actor) -> User:
    """The signed-in city administrator, or 401/403."""
    return require_role(actor, ADMIN)


def _roles_clean(roles: list[str]) -> list[str]:
    known = {r.value for r in Role}
    unknown = sorted(set(roles) - known)
    if unknown:
        raise UnknownRole(detail={"roles": unknown})
    return sorted(set(roles))


def _opd_or_none(opd_id: int | None) -> OPD | None:
    if opd_id is None:
        return None
    opd = OPD.objects.filter(pk=opd_id).first()
    if opd is None:
        raise OpdNotFound()
    return opd


def _email_clean(email: str) -> str:
    email = email.strip()
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        raise BadEmail(detail={"field": "email"})
    return email


def active_admin_ids() -> set[int]:
    """The active users who administer the platform: holders of `admin_kota`, and superusers."""
    users = get_user_model().objects.filter(is_active=True)
    return set(users.filter(Q(groups__name=ADMIN) | Q(is_superuser=True)).values_list("pk", flat=True))


def _lock_admins(admin: User) -> None:
    """Serialise every change that can remove an administrator (one row: the `admin_kota` group),
    then check that the acting administrator still is one: another may have removed them while
    this request was on its way."""
    Group.objects.get_or_create(name=ADMIN)
    Group.objects.select_for_update().get(name=ADMIN)
    if admin.pk not in active_admin_ids():
        raise PermissionDenied()


def _refuse_last_admin(user: Any) -> None:
    """`last_admin` when `user` is the only active administrator left (call under `_lock_admins`)."""
    if active_admin_ids() == {user.pk}:
        raise LastAdmin()


def _user_locked(user_id: int) -> Any:
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise UserNotFound()
    return user


def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str = "",
    email: str = "",
    roles: list[str],
    opd_id: int | None = None,
    nip: str = "",
    jabatan: str = "",
) -> Any:
    """A new user without a usable password: the administrator then gives them a one-time link
    (`resetlinks.password_link_create`) to choose their own."""
    admin = require_admin(actor)
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise BadUsername(detail={"field": "username"})
    clean_roles = _roles_clean(roles)
    opd = _opd_or_none(opd_id)
    clean_email = _email_clean(email)
    with transaction.atomic():
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise UsernameTaken(detail={"field": "username"})
        return services.user_insert(
            username=username,
            password=None,
            roles=clean_roles,
            full_name=full_name[:150],
            email=clean_email,
            opd=opd,
            nip=nip.strip()[:32],
            jabatan=jabatan.strip()[:255],
            is_staff=ADMIN in clean_roles,
            actor=admin,
        )


def user_update(
    *,
    actor: Actor,
    user_id: int,
    full_name: str,
    email: str,
    roles: list[str],
    opd_id: int | None,
    nip: str = "",
    jabatan: str = "",
) -> Any:
    """Set a user's name, e-mail, roles and OPD. Taking `admin_kota` from the last active
    administrator is refused (`last_admin`). Administrators get Django's staff flag with the role
    (the `/admin/` site), and lose it with the role."""
    admin = require_admin(actor)
    clean_roles = _roles_clean(roles)
    opd = _opd_or_none(opd_id)
    clean_email = _email_clean(email)
    with transaction.atomic():
        _lock_admins(admin)
        user = _user_locked(user_id)
        before = sorted(user.groups.values_list("name", flat=True))
        if ADMIN in before and ADMIN not in clean_roles and not user.is_superuser:
            _refuse_last_admin(user)
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        changes: dict[str, Any] = {}
        if before != clean_roles:
            changes["roles"] = {"from": before, "to": clean_roles}
            user.groups.set([Group.objects.get_or_create(name=r)[0] for r in clean_roles])
        if profile.opd_id != (opd.pk if opd else None):
            changes["opd"] = {
                "from": profile.opd.code if profile.opd else None,
                "to": opd.code if opd else None,
            }
            profile.opd = opd
        first, _sep, last = full_name.strip()[:150].partition(" ")
        for field, value in (("first_name", first), ("last_name", last), ("email", clean_email)):
            if getattr(user, field) != value:
                changes[field] = {"from": getattr(user, field), "to": value}
                setattr(user, field, value)
        for field, value in (("nip", nip.strip()[:32]), ("jabatan", jabatan.strip()[:255])):
            if getattr(profile, field) != value:
                changes[field] = {"from": getattr(profile, field), "to": value}
                setattr(profile, field, value)
        user.is_staff = user.is_superuser or ADMIN in clean_roles
        user.save()
        profile.save()
        if changes:
            audit.record(action="core.user_update", actor=admin, obj=user, data=changes)
    return user


def user_deactivate(*, actor: Actor, user_id: int) -> Any:
    """The user can no longer sign in, and their sessions and API tokens stop working at once
    (both check `is_active` on every request). Not oneself (`own_account`), not the last active
    administrator (`last_admin`)."""
    admin = require_admin(actor)
    with transaction.atomic():
        _lock_admins(admin)
        user = _user_locked(user_id)
        _refuse_last_admin(user)
        if user.pk == admin.pk:
            raise OwnAccount()
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit.record(action="core.user_deactivate", actor=admin, obj=user)
    return user


def user_reactivate(*, actor: Actor, user_id: int) -> Any:
    admin = require_admin(actor)
    with transaction.atomic():
        user = _user_locked(user_id)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit.record(action="core.user_reactivate", actor=admin, obj=user)
    return user
