"""The console's user services: create, edit roles and OPD, deactivate and reactivate, each audited."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kotapintar.core import useradmin
from kotapintar.core.errors import BadEmail, BadUsername, OpdNotFound, UnknownRole, UsernameTaken
from kotapintar.core.models import AuditEntry, Role
from tests.factories import PASSWORD


def _last_audit(action):
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def test_a_new_user_has_roles_opd_and_no_usable_password(admin_user, opd):
    user = useradmin.user_create(
        actor=admin_user, username="staf.baru", full_name="Sri Rahayu", roles=[Role.OPD], opd_id=opd.pk
    )
    assert list(user.groups.values_list("name", flat=True)) == ["opd"]
    assert user.profile.opd == opd
    assert user.get_full_name() == "Sri Rahayu"
    assert not user.has_usable_password()


def test_creating_a_user_is_audited_with_the_administrator_as_actor(admin_user, opd):
    user = useradmin.user_create(actor=admin_user, username="staf.baru", roles=[Role.OPD], opd_id=opd.pk)
    entry = _last_audit("core.user_create")
    assert (entry.actor_id, entry.object_id) == (admin_user.pk, str(user.pk))
    assert entry.data == {"username": "staf.baru", "roles": ["opd"], "opd": opd.code}


def test_a_taken_username_is_refused_whatever_its_case(admin_user, make_user):
    make_user(Role.OPD, username="staf")
    with pytest.raises(UsernameTaken):
        useradmin.user_create(actor=admin_user, username="STAF", roles=[])


@pytest.mark.parametrize("username", ["ab", "nama dengan spasi", "nama/miring", ""])
def test_a_malformed_username_is_refused(admin_user, username):
    with pytest.raises(BadUsername):
        useradmin.user_create(actor=admin_user, username=username, roles=[])


def test_an_unknown_role_is_refused(admin_user):
    with pytest.raises(UnknownRole):
        useradmin.user_create(actor=admin_user, username="staf", roles=["raja"])


def test_a_malformed_email_is_refused(admin_user):
    with pytest.raises(BadEmail):
        useradmin.user_create(actor=admin_user, username="staf", roles=[], email="bukan-surel")


def test_an_unknown_opd_is_refused(admin_user, make_user):
    user = make_user(Role.OPD)
    with pytest.raises(OpdNotFound):
        useradmin.user_update(
            actor=admin_user, user_id=user.pk, full_name="", email="", roles=[Role.OPD], opd_id=987654
        )


def test_assigning_roles_and_opd_records_both_changes(admin_user, make_user, opd, other_opd):
    user = make_user(Role.OPD, opd=opd)
    useradmin.user_update(
        actor=admin_user,
        user_id=user.pk,
        full_name=user.get_full_name(),
        email=user.email,
        roles=[Role.OPD, Role.MENTOR],
        opd_id=other_opd.pk,
    )
    user.refresh_from_db()
    assert sorted(user.groups.values_list("name", flat=True)) == ["mentor", "opd"]
    assert user.profile.opd == other_opd
    assert _last_audit("core.user_update").data == {
        "roles": {"from": ["opd"], "to": ["mentor", "opd"]},
        "opd": {"from": opd.code, "to": other_opd.code},
    }


def test_the_admin_role_brings_the_staff_flag_for_django_admin(admin_user, make_user):
    user = make_user(Role.OPD)
    useradmin.user_update(
        actor=admin_user, user_id=user.pk, full_name="", email="", roles=[Role.ADMIN_KOTA], opd_id=None
    )
    user.refresh_from_db()
    assert user.is_staff


def test_a_deactivated_user_can_no_longer_sign_in(admin_user, make_user, client):
    user = make_user(Role.OPD, username="staf")
    useradmin.user_deactivate(actor=admin_user, user_id=user.pk)
    response = client.post(reverse("login"), {"username": "staf", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # the form again, with its error


def test_a_deactivated_users_session_ends(admin_user, make_user, login_client):
    user = make_user(Role.OPD)
    browser = login_client(user)
    useradmin.user_deactivate(actor=admin_user, user_id=user.pk)
    assert browser.get(reverse("account")).status_code == 302  # back to the sign-in page


def test_a_deactivated_users_api_token_stops_working(admin_user, make_user, token_client):
    user = make_user(Role.OPD)
    api = token_client(user)
    assert api.get("/api/v1/core/me").status_code == 200
    useradmin.user_deactivate(actor=admin_user, user_id=user.pk)
    assert api.get("/api/v1/core/me").status_code == 401


def test_a_reactivated_user_signs_in_again(admin_user, make_user, client):
    user = make_user(Role.OPD, username="staf")
    useradmin.user_deactivate(actor=admin_user, user_id=user.pk)
    useradmin.user_reactivate(actor=admin_user, user_id=user.pk)
    client.post(reverse("login"), {"username": "staf", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_deactivating_and_reactivating_are_audited(admin_user, make_user):
    user = make_user(Role.OPD)
    useradmin.user_deactivate(actor=admin_user, user_id=user.pk)
    useradmin.user_reactivate(actor=admin_user, user_id=user.pk)
    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk), object_type="auth.user")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["core.user_deactivate", "core.user_reactivate"]


def test_the_console_creates_a_user_and_opens_its_page(admin_client, opd):
    response = admin_client.post(
        reverse("kelola:user_new"),
        {"username": "staf.dlh", "full_name": "Budi", "roles": ["opd"], "opd": opd.pk},
    )
    user = get_user_model().objects.get(username="staf.dlh")
    assert response["Location"] == reverse("kelola:user", args=[user.pk])


def test_the_console_shows_a_refusal_beside_its_field(admin_client, make_user):
    make_user(Role.OPD, username="staf")
    response = admin_client.post(reverse("kelola:user_new"), {"username": "staf"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [str(UsernameTaken.default_message)]


def test_the_user_list_finds_by_name(admin_client, make_user):
    make_user(Role.OPD, username="sri", first_name="Sri", last_name="Rahayu")
    make_user(Role.OPD, username="budi", first_name="Budi", last_name="Santoso")
    response = admin_client.get(reverse("kelola:users"), {"q": "rahayu"})
    assert [u.username for u in response.context["page"]] == ["sri"]


def test_the_user_list_filters_by_role_and_status(admin_client, admin_user, make_user):
    make_user(Role.OPD, username="aktif")
    make_user(Role.OPD, username="pergi", is_active=False)
    make_user(Role.MENTOR, username="mentor")
    response = admin_client.get(reverse("kelola:users"), {"peran": "opd", "status": "nonaktif"})
    assert [u.username for u in response.context["page"]] == ["pergi"]
