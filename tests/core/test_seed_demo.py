import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kotapintar.core.models import OPD, AuditEntry, Kecamatan, Kelurahan, Role

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Kecamatan.objects.count(),
        Kelurahan.objects.count(),
        OPD.objects.count(),
        get_user_model().objects.count(),
        AuditEntry.objects.count(),
    )


def test_seed_demo_loads_pekalongan(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    kec, kel, opd, users, _audit = _counts()
    assert (kec, kel) == (4, 27)
    assert OPD.objects.filter(code="bappeda").exists()
    for role in Role:
        assert get_user_model().objects.filter(groups__name=role.value).exists(), role


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    assert _counts() == first


def test_seed_demo_prints_a_generated_password_once(settings, capsys):
    settings.DEMO_PASSWORD = ""
    call_command("seed_demo", "--only", "core")
    assert "password" in capsys.readouterr().out
    call_command("seed_demo", "--only", "core")
    assert "password" not in capsys.readouterr().out


def test_demo_user_signs_in_with_the_configured_password(settings, client):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    assert client.login(username="bappeda", password="Demo-Pekalongan-2018")
