"""Role and object-level permission helpers used by every module.

Roles are Django groups (see `Role`). `admin_kota` may do everything a role may. An OPD user touches
only objects of their own OPD: use `check_opd_access(user, opd_id)` in every service that changes
OPD-owned objects, and `opd_scope(user)` in selectors.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import NotAuthenticated, PermissionDenied
from kotapintar.core.models import Role

SUPER_ROLES = frozenset({Role.ADMIN_KOTA.value})
CITYWIDE_ROLES = frozenset({Role.ADMIN_KOTA.value, Role.BAPPEDA.value})


def is_signed_in(user: Any) -> bool:
    """True for a signed-in user; False for None, the anonymous user or anything else."""
    return bool(getattr(user, "is_authenticated", False))


def user_roles(user: Any) -> frozenset[str]:
    if not is_signed_in(user):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_kp_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | SUPER_ROLES
        user._kp_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    held = user_roles(user)
    return bool(held & SUPER_ROLES) or any(role in held for role in roles)


def require_login(user: Any) -> None:
    if not is_signed_in(user):
        raise NotAuthenticated()


def require_role(user: Any, *roles: str) -> None:
    require_login(user)
    if not has_role(user, *roles):
        raise PermissionDenied()


def user_opd_id(user: Any) -> int | None:
    if not is_signed_in(user):
        return None
    profile = getattr(user, "profile", None)
    return profile.opd_id if profile is not None else None


def can_access_opd(user: Any, opd_id: int | None) -> bool:
    """City-wide roles reach every OPD; anyone else only their own."""
    if not is_signed_in(user):
        return False
    if user_roles(user) & CITYWIDE_ROLES:
        return True
    own = user_opd_id(user)
    return own is not None and own == opd_id


def check_opd_access(user: Any, opd_id: int | None) -> None:
    require_login(user)
    if not can_access_opd(user, opd_id):
        raise PermissionDenied(_("You can only act on the work of your own OPD."), code="other_opd")


def opd_scope(user: Any) -> int | None | bool:
    """For selectors: True = all OPDs; an id = only that OPD; None = none."""
    if user_roles(user) & CITYWIDE_ROLES:
        return True
    return user_opd_id(user)
