"""Role and object-level permission helpers used by every module.

Roles are Django groups (see `Role`). `admin_kota` may do everything a role may. An OPD user touches
only objects of their own OPD: use `check_opd_access(user, opd_id)` in every service that changes
OPD-owned objects, and `opd_scope(user)` in selectors.
"""

from __future__ import annotations

from typing_extensions import TypeIs

from kotapintar.core.errors import NotAuthenticated, OtherOpd, PermissionDenied
from kotapintar.core.models import Role
from kotapintar.core.types import Actor, User

SUPER_ROLES = frozenset({Role.ADMIN_KOTA.value})
CITYWIDE_ROLES = frozenset({Role.ADMIN_KOTA.value, Role.BAPPEDA.value})


def is_signed_in(user: Actor) -> TypeIs[User]:
    """True for a signed-in user; False for None, the anonymous user or anything else."""
    return bool(getattr(user, "is_authenticated", False))


def user_roles(user: Actor) -> frozenset[str]:
    if not is_signed_in(user):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_kp_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | SUPER_ROLES
        setattr(user, "_kp_roles", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def has_role(user: Actor, *roles: str) -> bool:
    held = user_roles(user)
    return bool(held & SUPER_ROLES) or any(role in held for role in roles)


def require_login(user: Actor) -> User:
    """The signed-in user, or NotAuthenticated (401)."""
    if not is_signed_in(user):
        raise NotAuthenticated()
    return user


def require_role(user: Actor, *roles: str) -> User:
    """The signed-in user holding one of `roles` (or admin_kota); else 401/403."""
    signed_in = require_login(user)
    if not has_role(signed_in, *roles):
        raise PermissionDenied()
    return signed_in


def user_opd_id(user: Actor) -> int | None:
    if not is_signed_in(user):
        return None
    profile = getattr(user, "profile", None)
    return profile.opd_id if profile is not None else None


def can_access_opd(user: Actor, opd_id: int | None) -> bool:
    """City-wide roles reach every OPD; anyone else only their own."""
    if not is_signed_in(user):
        return False
    if user_roles(user) & CITYWIDE_ROLES:
        return True
    own = user_opd_id(user)
    return own is not None and own == opd_id


def check_opd_access(user: Actor, opd_id: int | None) -> None:
    require_login(user)
    if not can_access_opd(user, opd_id):
        raise OtherOpd()


def opd_scope(user: Actor) -> int | None | bool:
    """For selectors: True = all OPDs; an id = only that OPD; None = none."""
    if user_roles(user) & CITYWIDE_ROLES:
        return True
    return user_opd_id(user)


def admin_view_permissions(user: User) -> frozenset[str]:
    """Every model's `view_` permission (`app_label.view_model`), cached on the user object for the
    request: what the city administrator may see in Django's `/admin/`."""
    from django.contrib.auth.models import Permission

    cached: frozenset[str] | None = getattr(user, "_kp_admin_view_perms", None)
    if cached is None:
        rows = Permission.objects.filter(codename__startswith="view_").values_list(
            "content_type__app_label", "codename"
        )
        cached = frozenset(f"{app}.{codename}" for app, codename in rows)
        setattr(user, "_kp_admin_view_perms", cached)  # noqa: B010 - a per-request cache on the user object
    return cached
