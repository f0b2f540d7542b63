"""Each console page answers the administrator in Indonesian; the header and "Beranda saya" link it."""

import pytest
from django.urls import reverse

from kotapintar.core.models import Role

PAGES = ["index", "users", "user_new", "opds", "tokens", "audit", "audit_verify", "status"]


@pytest.mark.parametrize("name", PAGES)
def test_each_console_page_opens_for_the_administrator(admin_client, city, name):
    response = admin_client.get(reverse(f"kelola:{name}"))
    assert response.status_code == 200
    assert b'class="console-tabs"' in response.content


def test_the_user_page_opens_for_the_administrator(admin_client, make_user, city):
    user = make_user(Role.OPD, username="staf.dlh")
    response = admin_client.get(reverse("kelola:user", args=[user.pk]))
    assert response.status_code == 200
    assert b"staf.dlh" in response.content


def test_the_header_links_the_console_for_the_administrator(admin_client, city):
    response = admin_client.get("/")
    assert b'data-nav="kelola"' in response.content


def test_the_header_does_not_link_the_console_for_other_roles(login_client, make_user, city):
    response = login_client(make_user(Role.BAPPEDA)).get("/")
    assert b'data-nav="kelola"' not in response.content


def test_my_home_of_the_administrator_opens_with_the_console(admin_client, city):
    response = admin_client.get("/")
    sections = response.context["my_sections"]
    assert sections[0].key == "admin"
    assert sections[0].more_url == reverse("kelola:index")
