"""Every console page and action needs the city administrator's role: 403 for any other role, the
sign-in page for an anonymous visitor; and the services refuse a non-administrator themselves."""

import uuid

import pytest
from django.urls import reverse

from kotapintar.core import opdadmin, resetlinks, services, useradmin
from kotapintar.core.errors import PermissionDenied
from kotapintar.core.models import Role

GET_PAGES = ["index", "users", "user_new", "opds", "tokens", "audit", "audit_verify", "status"]
USER_ACTIONS = ["user", "user_deactivate", "user_reactivate", "user_password_link"]


@pytest.fixture
def planner_client(login_client, make_user):
    return login_client(make_user(Role.BAPPEDA, username="perencana"))


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_page_is_forbidden_to_another_role(planner_client, city, name):
    assert planner_client.get(reverse(f"kelola:{name}")).status_code == 403


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_page_sends_an_anonymous_visitor_to_sign_in(client, city, name):
    response = client.get(reverse(f"kelola:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_a_user_action_is_forbidden_to_another_role(planner_client, make_user, name):
    target = make_user(Role.OPD, username="sasaran")
    response = planner_client.post(reverse(f"kelola:{name}", args=[target.pk]), {"full_name": "X"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.first_name != "X"


def test_revoking_a_token_is_forbidden_to_another_role(planner_client, make_user):
    token, _raw = services.api_token_create(user=make_user(Role.OPD), name="skrip")
    response = planner_client.post(reverse("kelola:token_revoke", args=[token.public_id]))
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_editing_an_opd_is_forbidden_to_another_role(planner_client, opd):
    response = planner_client.post(
        reverse("kelola:opd_edit", args=[opd.pk]), {"code": "x", "name": "X", "short_name": "X"}
    )
    assert response.status_code == 403


def test_a_console_form_without_its_csrf_token_is_refused(admin_user, make_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    target = make_user(Role.OPD)
    assert browser.post(reverse("kelola:user_deactivate", args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active


SERVICE_CALLS = {
    "user_create": lambda actor, target: useradmin.user_create(actor=actor, username="baru", roles=[]),
    "user_update": lambda actor, target: useradmin.user_update(
        actor=actor, user_id=target.pk, full_name="", email="", roles=[], opd_id=None
    ),
    "user_deactivate": lambda actor, target: useradmin.user_deactivate(actor=actor, user_id=target.pk),
    "user_reactivate": lambda actor, target: useradmin.user_reactivate(actor=actor, user_id=target.pk),
    "password_link_create": lambda actor, target: resetlinks.password_link_create(
        actor=actor, user_id=target.pk
    ),
    "opd_create": lambda actor, target: opdadmin.opd_create(actor=actor, code="x", name="X", short_name="X"),
    "api_token_revoke_any": lambda actor, target: services.api_token_revoke_any(
        actor=actor, public_id=uuid.uuid4()
    ),
}


@pytest.mark.parametrize("service", SERVICE_CALLS)
def test_a_service_refuses_a_non_administrator(make_user, city, service):
    actor = make_user(Role.BAPPEDA)
    target = make_user(Role.OPD)
    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[service](actor, target)
