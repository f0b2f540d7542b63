"""The mayor's office (role `kantor_walikota`): it reads the control room, its home section leads
there, and it may not manage the trusted displays (Bappeda and admin_kota only)."""

from __future__ import annotations

import pytest

from kotapintar.controlroom import services
from kotapintar.controlroom.errors import NotRoomManager
from kotapintar.controlroom.models import DisplayToken
from kotapintar.core import myhome
from kotapintar.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mayor(make_user):
    return make_user(Role.WALIKOTA, username="kantor_walikota")


def test_the_mayors_office_opens_the_room(worksheet, mayor, client):
    client.force_login(mayor)
    r = client.get("/ruang-kendali/")
    assert r.status_code == 200 and b'id="displays"' not in r.content  # no display management
    assert client.get("/ruang-kendali/data.json").status_code == 200


def test_the_mayors_office_gets_403_on_creating_a_display(worksheet, mayor, client):
    client.force_login(mayor)
    assert client.post("/ruang-kendali/layar/baru/", {"name": "Layar"}).status_code == 403
    assert not DisplayToken.objects.exists()
    with pytest.raises(NotRoomManager):
        services.display_create(actor=mayor, name="Layar")


def test_the_mayors_office_gets_403_on_revoking_a_display(worksheet, mayor, bappeda_user, client):
    display, _token = services.display_create(actor=bappeda_user, name="Ruang rapat")
    client.force_login(mayor)
    assert client.post(f"/ruang-kendali/layar/{display.public_id}/cabut/").status_code == 403
    display.refresh_from_db()
    assert display.revoked_at is None


def test_the_mayors_office_home_leads_to_the_control_room(worksheet, mayor):
    sections = myhome.sections_for(mayor)
    assert [s.key for s in sections] == ["walikota"]
    assert sections[0].more_url == "/ruang-kendali/"
