import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kotapintar.core import metrics
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


# The apps whose demo feeds the registered metrics (kotapintar.core.metrics): right after seeding, on
# any date, none of them is stale or empty. Seeding moments far from today and from each other (a weekday
# morning in 2027, late evening WIB of a Sunday in 2031), so nothing depends on today's date. A seed takes
# about a minute: one moment each for the two behaviours.
METRIC_APPS = ("core", "esign", "batik", "wallet", "flood")
SEED_MOMENTS = [datetime(2027, 6, 14, 3, 0, tzinfo=UTC), datetime(2031, 11, 30, 16, 30, tzinfo=UTC)]


def _seed_metric_apps():
    call_command("seed_demo", "--only", *METRIC_APPS, stdout=io.StringIO())


def _demo_counts():
    from kotapintar.batik.models import CheckIn, EventSession, Stamp, Ticket, TicketOrder
    from kotapintar.flood.models import CitizenReport
    from kotapintar.wallet.models import Payment, TopUp, Transfer

    models = (TicketOrder, Ticket, CheckIn, Stamp, EventSession, Payment, TopUp, Transfer, CitizenReport)
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.slow
def test_right_after_seeding_no_metric_is_stale_or_empty(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    with time_machine.travel(SEED_MOMENTS[1]):
        _seed_metric_apps()
        readings = [metrics.read(m) for m in metrics.metrics()]
    assert [r.metric.code for r in readings if r.stale or r.value is None] == []


@pytest.mark.slow
def test_seeding_the_live_demo_twice_adds_nothing(settings):
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    with time_machine.travel(SEED_MOMENTS[0]):
        _seed_metric_apps()
        first = _demo_counts()
        _seed_metric_apps()
    assert _demo_counts() == first
