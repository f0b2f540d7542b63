"""The platform's public address: `kotapintar run` hands its own to its processes unless SITE_URL is
set, links are built on SITE_URL, and the deploy check warns when ALLOWED_HOSTS would refuse it."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.management import call_command

from kotapintar.core import siteurl
from kotapintar.core.management.commands import run


class _Seen(Exception):
    pass


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, settings: Any, db: Any) -> list[str]:
    """`kotapintar run` up to the moment it starts its children: the SITE_URL they would inherit."""
    seen: list[str] = []

    class Supervisor:
        def __init__(self, commands: Any) -> None:
            seen.append(os.environ.get("SITE_URL", ""))
            raise _Seen

    monkeypatch.setattr(run, "Supervisor", Supervisor)
    settings.RUN_EXTRA_PROCESSES = False
    return seen


def test_run_gives_its_children_its_own_address(started: list[str], monkeypatch: Any) -> None:
    monkeypatch.setenv("SITE_URL", "")  # unset; restored after the test, whatever run sets
    with pytest.raises(_Seen):
        call_command("run", "--port", "8765", "--no-worker", stderr=io.StringIO())
    assert started == ["http://127.0.0.1:8765"]


def test_run_keeps_a_site_url_that_is_set(started: list[str], monkeypatch: Any) -> None:
    monkeypatch.setenv("SITE_URL", "https://smartcity.pekalongankota.go.id")
    with pytest.raises(_Seen):
        call_command("run", "--port", "8765", "--no-worker", stderr=io.StringIO())
    assert started == ["https://smartcity.pekalongankota.go.id"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8765"),
        ("0.0.0.0", "http://127.0.0.1:8765"),  # noqa: S104 -- a bind address, not binding
        ("::1", "http://[::1]:8765"),
        ("kota.local", "http://kota.local:8765"),
    ],
)
def test_the_address_of_a_bind(host: str, expected: str) -> None:
    assert siteurl.for_bind(host, 8765) == expected


def test_absolute_urls_are_on_site_url(settings: Any) -> None:
    settings.SITE_URL = "https://kota.example/"
    assert siteurl.absolute_url("/tte/verifikasi/abc") == "https://kota.example/tte/verifikasi/abc"


def test_the_deploy_check_warns_when_allowed_hosts_refuse_site_url(settings: Any) -> None:
    settings.SITE_URL = "https://smartcity.pekalongankota.go.id"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    [warning] = siteurl.check_allowed_hosts()
    assert warning.id == "kotapintar.W010"
    assert "smartcity.pekalongankota.go.id" in warning.msg


@pytest.mark.parametrize(
    ("site", "allowed"),
    [
        ("http://127.0.0.1:8765", ["127.0.0.1"]),
        ("https://smartcity.pekalongankota.go.id", [".pekalongankota.go.id"]),
        ("http://[::1]:8000", ["[::1]"]),
    ],
)
def test_the_deploy_check_is_silent_when_allowed_hosts_serve_site_url(
    settings: Any, site: str, allowed: list[str]
) -> None:
    settings.SITE_URL = site
    settings.ALLOWED_HOSTS = allowed
    assert siteurl.check_allowed_hosts() == []


@pytest.mark.django_db
def test_check_deploy_reports_it(settings: Any) -> None:
    settings.SITE_URL = "https://smartcity.pekalongankota.go.id"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    err = io.StringIO()
    call_command("check", "--deploy", "--tag", "site_url", stderr=err, stdout=io.StringIO())
    assert "kotapintar.W010" in err.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        "/masterplan/kertas-kerja/",
        "/masterplan/klinik/?minggu=2026-W49#slot",
    ],
)
def test_a_path_under_the_prefix_is_taken_back(value):
    assert siteurl.local_next(value, prefix="/masterplan/") == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "https://evil.example/masterplan/",
        "//evil.example/masterplan/",
        "/masterplan//evil.example",
        "/masterplan/\\evil.example",
        "/masterplan/\r\nSet-Cookie: x=1",
        "/batik/saya/",
        "masterplan/relative",
    ],
)
def test_anything_else_is_refused(value):
    assert siteurl.local_next(value, prefix="/masterplan/") is None
