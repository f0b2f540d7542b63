"""kotapintar.core.pgbackend: Django's health check, skipped for a connection that just served a request.

The wrapper is built without connecting: `connection` is a stand-in and `is_usable` counts the pings.
The clock is pinned (no timing)."""

from __future__ import annotations

import pytest

from kotapintar.core.pgbackend import base as pgbackend


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(pgbackend, "_now", c)
    return c


class Pings:
    """Stands in for `is_usable`: counts the health checks that reach the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> bool:
        self.count += 1
        return True


@pytest.fixture
def wrapper(monkeypatch):
    db = pgbackend.DatabaseWrapper(
        {
            "NAME": "kp",
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "OPTIONS": {},
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TIME_ZONE": None,
            "TEST": {},
        }
    )
    db.connection = object()
    db.__dict__["health_check_enabled"] = True  # set by connect(), which is not called here
    db.close_at = None
    pings = Pings()
    monkeypatch.setattr(db, "is_usable", pings)
    monkeypatch.setattr(db, "get_autocommit", lambda: True)
    return db, pings


def serve_request(db) -> None:
    """What Django does around a request that uses the database."""
    db.close_if_unusable_or_obsolete()  # request_started
    db.close_if_health_check_failed()  # first query of the request
    db.close_if_unusable_or_obsolete()  # request_finished


def test_a_connection_that_served_a_request_just_now_is_not_pinged(wrapper, clock):
    wrapper, pings = wrapper
    serve_request(wrapper)
    assert pings.count == 1
    clock.now += pgbackend.RECENT_S / 2
    serve_request(wrapper)
    assert pings.count == 1


def test_a_connection_idle_for_longer_is_pinged(wrapper, clock):
    wrapper, pings = wrapper
    serve_request(wrapper)
    clock.now += pgbackend.RECENT_S + 0.1
    serve_request(wrapper)
    assert pings.count == 2


def test_after_a_request_with_a_database_error_the_next_one_is_pinged(wrapper, clock):
    wrapper, pings = wrapper
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()
    wrapper.errors_occurred = True  # e.g. a refused payment
    wrapper.close_if_unusable_or_obsolete()  # Django pings here and keeps the connection
    before = pings.count
    clock.now += pgbackend.RECENT_S / 2
    serve_request(wrapper)
    assert pings.count == before + 1


def test_a_request_that_ran_no_query_does_not_count_as_serving_one(wrapper, clock):
    wrapper, pings = wrapper
    serve_request(wrapper)
    clock.now += pgbackend.RECENT_S + 0.1
    wrapper.close_if_unusable_or_obsolete()  # a request without a query starts and ends
    wrapper.close_if_unusable_or_obsolete()
    serve_request(wrapper)
    assert pings.count == 2
