from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kotapintar.core import services
from kotapintar.core.models import ApiToken, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(make_user):
    return make_user(Role.BAPPEDA, username="perencana")


def test_bearer_token_authenticates(user):
    _token, raw = services.api_token_create(user=user, name="laptop")
    response = Client().get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "perencana"
    assert response.json()["roles"] == ["bappeda"]


def test_token_is_stored_hashed(user):
    token, raw = services.api_token_create(user=user, name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.prefix, stored.name)
    assert len(stored.token_hash) == 64


def test_revoked_token_is_refused(user):
    token, raw = services.api_token_create(user=user, name="laptop")
    services.api_token_revoke(user=user, public_id=token.public_id)
    response = Client().get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_a_deactivated_user_is_refused(user):
    _token, raw = services.api_token_create(user=user, name="laptop")
    user.is_active = False
    user.save()
    assert Client().get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_unknown_token_is_refused():
    response = Client().get("/api/v1/core/me", headers={"Authorization": "Bearer kp_not-a-token"})
    assert response.status_code == 401


def test_token_is_shown_once_on_creation_only(user, token_client):
    client = token_client(user)
    created = client.post("/api/v1/core/tokens", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["token"].startswith("kp_")
    listed = client.get("/api/v1/core/tokens").json()
    assert all("token" not in t for t in listed)


def test_user_cannot_revoke_someone_elses_token(user, make_user, token_client):
    other = make_user(Role.OPD, username="lain")
    token, _raw = services.api_token_create(user=other, name="milik orang lain")
    response = token_client(user).delete(f"/api/v1/core/tokens/{token.public_id}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_session_auth_needs_csrf_for_writes(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/core/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_error_messages_follow_the_callers_language(user):
    indonesian = Client().get("/api/v1/core/me").json()["message"]
    english = Client(headers={"Accept-Language": "en"}).get("/api/v1/core/me").json()["message"]
    assert "masuk" in indonesian.lower()
    assert "sign in" in english.lower()


def test_token_use_is_recorded(user):
    token, raw = services.api_token_create(user=user, name="laptop")
    assert services.api_token_authenticate(raw=raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_token_last_use_is_written_at_most_once_a_minute(user):
    token, raw = services.api_token_create(user=user, name="laptop")
    recent = timezone.now() - timedelta(seconds=services.TOKEN_TOUCH_S - 5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    services.api_token_authenticate(raw=raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == recent


def test_token_last_use_is_refreshed_after_a_minute(user):
    token, raw = services.api_token_create(user=user, name="laptop")
    old = timezone.now() - timedelta(seconds=services.TOKEN_TOUCH_S + 5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    services.api_token_authenticate(raw=raw)
    last_used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert last_used is not None and last_used > old


def test_token_authenticates_to_a_complete_user(user):
    _token, raw = services.api_token_create(user=user, name="laptop")
    found = services.api_token_authenticate(raw=raw)
    assert found is not None
    assert (found.pk, found.username, found.is_active, found.date_joined) == (
        user.pk,
        user.username,
        True,
        user.date_joined,
    )


@pytest.mark.postgres
def test_token_lookup_becomes_a_prepared_statement_on_postgresql(user):
    from django.conf import settings
    from django.db import connection

    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert threshold is not None
    _token, raw = services.api_token_create(user=user, name="laptop")
    for _ in range(threshold + 1):
        assert services.api_token_authenticate(raw=raw) == user
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("token_hash" in statement for statement in prepared)
