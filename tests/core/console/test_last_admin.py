"""The platform keeps an active administrator: changes that would leave none are refused."""

import pytest
from django.urls import reverse

from kotapintar.core import useradmin
from kotapintar.core.errors import LastAdmin, OwnAccount, PermissionDenied
from kotapintar.core.models import Role


def _drop_admin_role(actor, user):
    return useradmin.user_update(
        actor=actor, user_id=user.pk, full_name="", email="", roles=[Role.OPD], opd_id=None
    )


def test_the_last_administrator_cannot_drop_their_own_role(admin_user):
    with pytest.raises(LastAdmin):
        _drop_admin_role(admin_user, admin_user)
    assert admin_user.groups.filter(name=Role.ADMIN_KOTA).exists()


def test_an_administrator_may_drop_their_role_when_another_remains(admin_user, make_user):
    make_user(Role.ADMIN_KOTA, username="admin2")
    _drop_admin_role(admin_user, admin_user)
    assert not admin_user.groups.filter(name=Role.ADMIN_KOTA).exists()


def test_a_deactivated_administrator_does_not_count(admin_user, make_user):
    make_user(Role.ADMIN_KOTA, username="admin2", is_active=False)
    with pytest.raises(LastAdmin):
        _drop_admin_role(admin_user, admin_user)


def test_the_last_active_administrator_cannot_deactivate_themselves(admin_user):
    with pytest.raises(LastAdmin):
        useradmin.user_deactivate(actor=admin_user, user_id=admin_user.pk)
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_two_administrators_cannot_deactivate_each_other(admin_user, make_user):
    other = make_user(Role.ADMIN_KOTA, username="admin2")
    useradmin.user_deactivate(actor=admin_user, user_id=other.pk)
    with pytest.raises(PermissionDenied):  # `other`'s request arrives with its user loaded before
        useradmin.user_deactivate(actor=other, user_id=admin_user.pk)
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_a_superuser_keeps_the_platform_administered(admin_user, make_user):
    make_user(username="root", is_superuser=True)
    _drop_admin_role(admin_user, admin_user)
    assert not admin_user.groups.filter(name=Role.ADMIN_KOTA).exists()


def test_an_administrator_cannot_deactivate_their_own_account(admin_user, make_user):
    make_user(Role.ADMIN_KOTA, username="admin2")
    with pytest.raises(OwnAccount):
        useradmin.user_deactivate(actor=admin_user, user_id=admin_user.pk)


def test_the_console_shows_the_refusal_and_changes_nothing(admin_client, admin_user):
    response = admin_client.post(
        reverse("kelola:user", args=[admin_user.pk]), {"roles": ["opd"], "full_name": "Admin"}, follow=True
    )
    assert str(LastAdmin.default_message) in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.groups.filter(name=Role.ADMIN_KOTA).exists()
    assert admin_user.first_name != "Admin"
