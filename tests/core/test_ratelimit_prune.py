"""Rate-limit buckets of clients long gone are deleted; the ones a window still counts stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kotapintar.core import ratelimit, worker
from kotapintar.core.models import RateLimitBucket

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _bucket(key: str, started: datetime) -> None:
    RateLimitBucket.objects.create(key=key, window_start=started, count=3)


def test_a_bucket_older_than_every_window_is_deleted() -> None:
    _bucket("login:old", NOW - timedelta(days=2))

    assert ratelimit.prune(now=NOW) == 1
    assert not RateLimitBucket.objects.filter(key="login:old").exists()


def test_a_bucket_a_window_still_counts_is_kept() -> None:
    _bucket("login:recent", NOW - timedelta(hours=2))

    assert ratelimit.prune(now=NOW) == 0
    assert RateLimitBucket.objects.filter(key="login:recent").exists()


def test_a_long_configured_window_keeps_its_buckets(settings: Any) -> None:
    settings.LOGIN_LONG_WINDOW_S = 3 * 86400
    _bucket("login:long", NOW - timedelta(days=4))

    assert ratelimit.prune(now=NOW) == 0


def test_the_worker_sweep_prunes_once_an_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def prune(**_: Any) -> int:
        calls.append(1)
        return 0

    monkeypatch.setattr(ratelimit, "prune", prune)
    monkeypatch.setattr(ratelimit, "_pruned_at", 0.0)

    worker.worker_sweep()
    worker.worker_sweep()

    assert calls == [1]
