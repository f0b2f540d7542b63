"""The city administrator sees every model in Django's /admin/, read-only."""

from django.urls import reverse

from kotapintar.core.models import Role


def test_the_administrator_opens_the_django_admin(admin_client, admin_user):
    assert not admin_user.is_staff  # the role is enough
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("admin:core_auditentry_changelist") in response.content.decode()


def test_the_administrator_may_view_but_not_change_a_model(admin_user):
    admin_user.is_staff = True
    assert admin_user.has_perm("core.view_opd")
    assert not admin_user.has_perm("core.change_opd")


def test_another_staff_role_gets_no_view_permission(make_user):
    planner = make_user(Role.BAPPEDA, is_staff=True)
    assert not planner.has_perm("core.view_opd")


def test_the_demo_administrator_is_staff(db, settings):
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.has_perm("flood.view_station")


def test_another_role_does_not_open_the_django_admin(login_client, make_user):
    response = login_client(make_user(Role.BAPPEDA)).get(reverse("admin:index"))
    assert response.status_code == 302  # to the admin's sign-in page
