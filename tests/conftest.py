"""Shared fixtures: the Pekalongan city, OPD, users per role, API clients with tokens."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from kotapintar.core import services
from kotapintar.core.models import OPD, City, Role
from tests.factories import PASSWORD, OPDFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

IS_POSTGRES = "postgres" in os.environ.get("DATABASE_URL", "")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture
def city(db: Any) -> City:
    """Kota Pekalongan with its 4 kecamatan and 27 kelurahan (real boundaries)."""
    return services.wilayah_import(
        city_code="33.75",
        city_name="Kota Pekalongan",
        province="Jawa Tengah",
        folder=services.DATA_DIR / "pekalongan",
        prefix="pekalongan_",
    ).city


@pytest.fixture
def opd(city: City) -> OPD:
    return OPDFactory.create(
        city=city, code="dinkominfo", name="Dinas Komunikasi dan Informatika", short_name="Dinkominfo"
    )


@pytest.fixture
def other_opd(city: City) -> OPD:
    return OPDFactory.create(city=city, code="dlh", name="Dinas Lingkungan Hidup", short_name="DLH")


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("bappeda") or make_user(Role.OPD, opd=opd, username="x")."""

    def _make(*roles: str, opd: OPD | None = None, **kwargs: Any) -> Any:
        return UserFactory(roles=[str(r) for r in roles], opd=opd, **kwargs)

    return _make


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMIN_KOTA, username="admin_kota")


@pytest.fixture
def login_client(client: Client) -> Callable[[Any], Client]:
    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def token_client() -> Callable[[Any], Client]:
    """A Django test client that sends `Authorization: Bearer <token>` for the user."""

    def _make(user: Any) -> Client:
        _token, raw = services.api_token_create(user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return _make


@pytest.fixture
def password() -> str:
    return PASSWORD


@contextlib.contextmanager
def _connections_kept() -> Iterator[None]:
    """In-process WSGI calls without Django's per-request connection recycling: the handler closes
    "old" connections when a request starts and ends, which on PostgreSQL would close the test
    transaction's connection (or, outside a test, open one where database access is blocked).
    Django's test Client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def keep_db_connection() -> Iterator[None]:
    """For in-process WSGI calls (schemathesis) inside a test's transaction."""
    with _connections_kept():
        yield


def _schemathesis_label(item: pytest.Function) -> str:
    return str(item.__dict__.get("_schemathesis_label", item.nodeid))


def _schemathesis_relabel(item: pytest.Function, label: str) -> None:
    item.__dict__["_schemathesis_label"] = label


# schemathesis 4.32's lazy schemas (`from_fixture`) name each operation's subtest by rewriting the
# item's `_nodeid`, an attribute pytest 9.2 no longer has (the id is now `item._id`). Until schemathesis
# follows, items get a `_nodeid` that reads the real id and keeps what is written as a label only.
if not hasattr(pytest.Function, "_nodeid"):
    pytest.Function._nodeid = property(_schemathesis_label, _schemathesis_relabel)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def api_schema() -> Any:
    """The OpenAPI schema the fuzz tests generate requests from (tests/fuzzing.py), built once per run
    when the first fuzz test needs it rather than at collection."""
    from tests.fuzzing import load_schema

    with _connections_kept():
        return load_schema()


# --- Browser (Playwright driving Debian's Chromium) ------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


_static_collected: list[bool] = []


@pytest.fixture(scope="module")
def chromium() -> Any:
    """Headless Chromium for one test module. Missing browser: skip, or fail when KOTAPINTAR_REQUIRE_E2E=1.

    Module scope, not session: Playwright's sync API keeps an event loop marked as running in the
    main thread while it is up, and code that calls `asyncio.run` (pyHanko) must not see it in the
    modules that follow."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("KOTAPINTAR_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    if not _static_collected:  # the live test server serves /static/ from STATIC_ROOT only
        call_command("collectstatic", interactive=False, verbosity=0)
        _static_collected.append(True)
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Any:
    """A fresh browser page (own cookies) whose relative URLs go to the live test server."""
    context = chromium.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.console_errors = errors
    yield pg
    # Let requests the page still has in flight (map data, polling) finish before the database is
    # flushed: on SQLite a request still reading a table makes the flush fail with "table is locked".
    with contextlib.suppress(Exception):
        pg.wait_for_load_state("networkidle", timeout=5_000)
    context.close()


@pytest.fixture
def browser_login(page: Any, password: str) -> Callable[[Any], Any]:
    """Sign a user in through the real login form; returns the page."""

    def _login(user: Any) -> Any:
        page.goto("/masuk/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login
