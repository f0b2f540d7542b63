"""A wrong password is answered in plain Indonesian: the field names said once (Django's own
Indonesian wording read "Masukkan nama pengguna nama pengguna dan sandi yang benar")."""

import pytest

pytestmark = pytest.mark.django_db


def test_wrong_password_names_each_field_once(client, make_user):
    make_user("bappeda", username="bappeda")
    page = client.post("/masuk/", {"username": "bappeda", "password": "salah"}, HTTP_ACCEPT_LANGUAGE="id")
    text = page.content.decode()
    assert "Nama pengguna atau kata sandi salah." in text
    assert "nama pengguna nama pengguna" not in text.lower()


def test_wrong_password_in_english(client, make_user):
    make_user("bappeda", username="bappeda")
    page = client.post("/masuk/", {"username": "bappeda", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Wrong username or password." in page.content.decode()
