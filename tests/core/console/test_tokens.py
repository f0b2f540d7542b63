"""The console's API tokens: every user's, without the secret; revoking one stops it at once."""

from django.test import Client
from django.urls import reverse

from kotapintar.core import services
from kotapintar.core.errors import TokenNotFound
from kotapintar.core.models import AuditEntry, Role


def _bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_revoked_token_stops_working(admin_client, make_user):
    token, raw = services.api_token_create(user=make_user(Role.OPD), name="skrip")
    assert _bearer(raw).get("/api/v1/core/me").status_code == 200
    admin_client.post(reverse("kelola:token_revoke", args=[token.public_id]))
    assert _bearer(raw).get("/api/v1/core/me").status_code == 401


def test_revoking_a_token_is_audited_with_its_owner(admin_client, admin_user, make_user):
    owner = make_user(Role.OPD, username="pemilik")
    token, _raw = services.api_token_create(user=owner, name="skrip")
    admin_client.post(reverse("kelola:token_revoke", args=[token.public_id]))
    entry = AuditEntry.objects.filter(action="core.token_revoke").get()
    assert (entry.actor_id, entry.object_id, entry.data) == (
        admin_user.pk,
        str(token.public_id),
        {"owner": "pemilik"},
    )


def test_the_token_list_shows_the_prefix_never_the_secret(admin_client, make_user):
    token, raw = services.api_token_create(user=make_user(Role.OPD, username="pemilik"), name="skrip")
    content = admin_client.get(reverse("kelola:tokens")).content.decode()
    assert token.prefix in content and "pemilik" in content
    assert raw not in content and token.token_hash not in content


def test_the_token_list_filters_the_active_ones(admin_client, admin_user, make_user):
    kept, _raw = services.api_token_create(user=make_user(Role.OPD), name="tetap")
    gone, _raw = services.api_token_create(user=make_user(Role.OPD), name="dicabut")
    services.api_token_revoke_any(actor=admin_user, public_id=gone.public_id)
    response = admin_client.get(reverse("kelola:tokens"), {"status": "aktif"})
    assert [t.name for t in response.context["page"]] == ["tetap"]


def test_revoking_an_unknown_token_says_so(admin_client):
    response = admin_client.post(
        reverse("kelola:token_revoke", args=["00000000-0000-4000-8000-000000000000"]), follow=True
    )
    assert [m.message for m in response.context["messages"]] == [str(TokenNotFound.default_message)]
