"""Fixed-window rate limits stored in the database, so every web process shares them.

Keys name the limit and the client; the client address comes from kotapintar.core.clientip.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kotapintar.core.errors import RateLimited
from kotapintar.core.models import RateLimitBucket


def hit(key: str, *, limit: int, window_s: int) -> int:
    """Count one hit against `key`; return the count in the current window."""
    now = timezone.now()
    with transaction.atomic():
        bucket, created = RateLimitBucket.objects.select_for_update().get_or_create(
            key=key[:200], defaults={"window_start": now, "count": 1}
        )
        if created:
            return 1
        if bucket.window_start <= now - timedelta(seconds=window_s):
            RateLimitBucket.objects.filter(pk=bucket.pk).update(window_start=now, count=1)
            return 1
        RateLimitBucket.objects.filter(pk=bucket.pk).update(count=F("count") + 1)
        return bucket.count + 1


def locked_for(key: str, *, limit: int, window_s: int) -> int:
    """Seconds until `key` may be used again: 0 while its window holds fewer than `limit` hits."""
    bucket = RateLimitBucket.objects.filter(key=key[:200]).first()
    if bucket is None or bucket.count < limit:
        return 0
    remaining = (bucket.window_start + timedelta(seconds=window_s) - timezone.now()).total_seconds()
    return max(0, math.ceil(remaining))


def is_limited(key: str, *, limit: int, window_s: int) -> bool:
    return locked_for(key, limit=limit, window_s=window_s) > 0


def check(key: str, *, limit: int, window_s: int, error: type[RateLimited] = RateLimited) -> None:
    """Count a hit and raise `error` (with Retry-After) when the window is already full."""
    if hit(key, limit=limit, window_s=window_s) > limit:
        raise error(retry_after=max(1, locked_for(key, limit=limit, window_s=window_s)))


def reset(key: str) -> None:
    RateLimitBucket.objects.filter(key=key[:200]).delete()


#: A bucket whose window started longer ago than this is over in every limit (the longest window is
#: LOGIN_LONG_WINDOW_S, an hour by default); `prune` deletes it, so the table holds recent clients only.
BUCKET_KEEP = timedelta(days=1)
_PRUNE_EVERY_S = 3600.0
_pruned_at = 0.0


def buckets_keep() -> timedelta:
    longest = max(settings.LOGIN_LONG_WINDOW_S, settings.LOGIN_RATE_WINDOW_S)
    return max(BUCKET_KEEP, timedelta(seconds=2 * longest))


def prune(*, now: datetime | None = None) -> int:
    """Delete the buckets no window can still count (every client that ever knocked leaves one)."""
    cutoff = (now or timezone.now()) - buckets_keep()
    deleted, _ = RateLimitBucket.objects.filter(window_start__lt=cutoff).delete()
    return deleted


def prune_now_and_then() -> int:
    """`prune` at most once an hour per process (the worker calls it at every beat)."""
    global _pruned_at
    if time.monotonic() - _pruned_at < _PRUNE_EVERY_S and _pruned_at:
        return 0
    _pruned_at = time.monotonic()
    return prune()
