"""The role and OPD matrix of core.permissions, which every module uses."""

import pytest

from kotapintar.core import permissions
from kotapintar.core.errors import NotAuthenticated, PermissionDenied
from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_has_itself_and_not_the_others(role, make_user):
    user = make_user(role)
    for other in ALL_ROLES:
        expected = other == role or role == Role.ADMIN_KOTA
        assert permissions.has_role(user, other) is expected, (role, other)


def test_anonymous_has_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.has_role(AnonymousUser(), Role.OPD)
    with pytest.raises(NotAuthenticated):
        permissions.require_role(AnonymousUser(), Role.OPD)


def test_require_role_refuses_a_wrong_role(make_user):
    with pytest.raises(PermissionDenied):
        permissions.require_role(make_user(Role.MERCHANT), Role.BAPPEDA)


def test_opd_user_reaches_only_own_opd(make_user, opd, other_opd):
    user = make_user(Role.OPD, opd=opd)
    assert permissions.can_access_opd(user, opd.pk)
    assert not permissions.can_access_opd(user, other_opd.pk)
    with pytest.raises(PermissionDenied) as excinfo:
        permissions.check_opd_access(user, other_opd.pk)
    assert excinfo.value.code == "other_opd"


def test_opd_user_without_opd_reaches_none(make_user, opd):
    user = make_user(Role.OPD)
    assert not permissions.can_access_opd(user, opd.pk)
    assert permissions.opd_scope(user) is None


@pytest.mark.parametrize("role", [Role.BAPPEDA, Role.ADMIN_KOTA])
def test_citywide_roles_reach_every_opd(role, make_user, opd, other_opd):
    user = make_user(role)
    assert permissions.can_access_opd(user, opd.pk) and permissions.can_access_opd(user, other_opd.pk)
    assert permissions.opd_scope(user) is True


@pytest.mark.parametrize("role", [Role.MENTOR, Role.DEWAN, Role.MERCHANT, Role.OPERATOR_BPBD])
def test_other_roles_do_not_reach_opd_work(role, make_user, opd):
    assert not permissions.can_access_opd(make_user(role), opd.pk)


def test_audit_log_api_is_for_city_administrators_only(make_user, token_client):
    assert token_client(make_user(Role.BAPPEDA)).get("/api/v1/core/audit").status_code == 403
    assert (
        token_client(make_user(Role.ADMIN_KOTA, username="adm")).get("/api/v1/core/audit").status_code == 200
    )
