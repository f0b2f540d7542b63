"""The admin shows flood records read-only (writes go through the audited services)."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_lists_stations_but_offers_no_edit(client, admin_user, river):
    admin_user.is_staff = True
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/admin/flood/station/").status_code == 200
    assert client.get("/admin/flood/station/add/").status_code == 403
