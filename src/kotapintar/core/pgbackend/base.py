"""Django's PostgreSQL backend, except that a busy connection is not health-checked on every request.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request that reuses
a connection: a round trip to the database per request, one of four in a POS payment (issue 15).
Here a connection that served a request without a database error less than RECENT_S seconds ago
is taken as alive; one idle for longer, or after an error, is checked as before. What that gives
up: if the database restarts, a request that comes within RECENT_S of the previous one on the same
worker fails (like the requests in flight at that moment) instead of reconnecting; its
Idempotency-Key makes the client's retry safe, and Django closes the broken connection when that
request ends.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

RECENT_S = 1.0


def _now() -> float:
    return time.monotonic()


class DatabaseWrapper(base.DatabaseWrapper):
    _served_at: float | None = None  # time.monotonic() when a request that used it last ended
    _in_use = False  # a query ran since the last request boundary

    def close_if_unusable_or_obsolete(self) -> None:
        # Django calls this when a request starts and when it ends; only after a request that ran
        # a query without a database error does the connection count as just proven alive.
        if self.connection is not None and self._in_use and not self.errors_occurred:
            self._served_at = _now()
        self._in_use = False
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self) -> None:
        # Django calls this before every query; the first call of a request pings, unless recent.
        self._in_use = True
        if (
            self.connection is not None
            and self._served_at is not None
            and _now() - self._served_at < RECENT_S
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
