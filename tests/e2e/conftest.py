"""The demo city for browser tests that walk the platform as its demo roles."""

import io

import pytest
from django.core.management import call_command

DEMO_PASSWORD = "Demo-Pekalongan-2018"


@pytest.fixture
def demo(settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page, username):
    """Sign a demo user in through the real login form."""
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("networkidle")
