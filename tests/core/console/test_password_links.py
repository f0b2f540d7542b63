"""One-time password links: signed, expiring, single use; issued and used with an audit entry."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from kotapintar.core import resetlinks
from kotapintar.core.errors import NoEmail, PasswordLinkInvalid, PasswordRejected
from kotapintar.core.models import AuditEntry, Role

NEW_PASSWORD = "Batik-Kauman-2026!"


@pytest.fixture
def staff(make_user):
    return make_user(Role.OPD, username="staf")


def _parts(url):
    _empty, _akun, _sandi, uidb64, token, _end = urlsplit(url).path.split("/")
    return uidb64, token


def test_a_link_sets_the_password(admin_user, staff):
    link = resetlinks.password_link_create(actor=admin_user, user_id=staff.pk)
    uidb64, token = _parts(link.url)
    resetlinks.password_link_redeem(uidb64=uidb64, token=token, password=NEW_PASSWORD)
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)


def test_a_link_works_only_once(admin_user, staff):
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    resetlinks.password_link_redeem(uidb64=uidb64, token=token, password=NEW_PASSWORD)
    with pytest.raises(PasswordLinkInvalid):
        resetlinks.password_link_redeem(uidb64=uidb64, token=token, password="Lain-Lagi-Sandi-99")


def _later(monkeypatch, seconds):
    """The token generator's clock (its `_now`, Django's hook for tests) moved `seconds` ahead."""
    now = resetlinks.tokens._now()
    monkeypatch.setattr(resetlinks.tokens, "_now", lambda: now + timedelta(seconds=seconds))


def test_a_link_expires(admin_user, staff, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    _later(monkeypatch, 3602)
    with pytest.raises(PasswordLinkInvalid):
        resetlinks.password_link_redeem(uidb64=uidb64, token=token, password=NEW_PASSWORD)


def test_a_link_still_works_just_before_it_expires(admin_user, staff, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    _later(monkeypatch, 3500)
    resetlinks.password_link_redeem(uidb64=uidb64, token=token, password=NEW_PASSWORD)


def test_a_link_with_an_altered_token_is_refused(admin_user, staff):
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    with pytest.raises(PasswordLinkInvalid):
        resetlinks.password_link_redeem(uidb64=uidb64, token=forged, password=NEW_PASSWORD)


def test_a_link_for_another_user_is_refused(admin_user, staff, make_user):
    other = make_user(Role.OPD, username="lain")
    _uid, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    other_uid, _token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=other.pk).url)
    with pytest.raises(PasswordLinkInvalid):
        resetlinks.password_link_redeem(uidb64=other_uid, token=token, password=NEW_PASSWORD)


def test_a_link_of_a_deactivated_user_is_refused(admin_user, staff):
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    staff.is_active = False
    staff.save()
    with pytest.raises(PasswordLinkInvalid):
        resetlinks.password_link_user(uidb64=uidb64, token=token)


def test_a_weak_password_is_refused_and_the_link_stays_usable(admin_user, staff):
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    with pytest.raises(PasswordRejected):
        resetlinks.password_link_redeem(uidb64=uidb64, token=token, password="12345")
    assert resetlinks.password_link_user(uidb64=uidb64, token=token) == staff


def test_issuing_and_using_a_link_are_audited_without_the_token(admin_user, staff):
    uidb64, token = _parts(resetlinks.password_link_create(actor=admin_user, user_id=staff.pk).url)
    resetlinks.password_link_redeem(uidb64=uidb64, token=token, password=NEW_PASSWORD)
    entries = AuditEntry.objects.filter(action__startswith="core.password_link").order_by("seq")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("core.password_link_create", admin_user.pk),
        ("core.password_link_redeem", staff.pk),
    ]
    assert all(token not in str(e.data) for e in entries)


def test_a_link_can_be_sent_by_email(admin_user, staff):
    link = resetlinks.password_link_create(actor=admin_user, user_id=staff.pk, send_email=True)
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert link.url in mail.outbox[0].body


def test_sending_to_a_user_without_email_is_refused(admin_user, make_user):
    user = make_user(Role.OPD, email="")
    with pytest.raises(NoEmail):
        resetlinks.password_link_create(actor=admin_user, user_id=user.pk, send_email=True)


def test_the_console_shows_the_link_once(admin_client, staff):
    admin_client.post(reverse("kelola:user_password_link", args=[staff.pk]))
    page = reverse("kelola:user", args=[staff.pk])
    first = admin_client.get(page)
    assert first.context["link"]["url"].startswith("http")
    assert admin_client.get(page).context["link"] is None


def test_the_link_page_sets_the_password_and_sends_to_sign_in(admin_user, staff, client):
    link = resetlinks.password_link_create(actor=admin_user, user_id=staff.pk)
    path = urlsplit(link.url).path
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("login")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)


def test_the_link_page_of_a_spent_link_says_so(admin_user, staff, client):
    link = resetlinks.password_link_create(actor=admin_user, user_id=staff.pk)
    path = urlsplit(link.url).path
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(path)
    assert response.status_code == 400
