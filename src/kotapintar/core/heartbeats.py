"""Heartbeats: every long-running process (task worker, MQTT consumer, `kotapintar run`) says it is alive.

A process owns one `Heartbeat` row (name, role, host, pid, last beat), renewed every quarter of
`HEARTBEAT_STALE_S`; it deletes the row when it stops cleanly. So a row whose beat is older than
`HEARTBEAT_STALE_S` is a process that died without stopping (kill -9, OOM, a lost machine), and
`/healthz` is unhealthy while such a row exists (`selectors.health`). A process that replaces a dead
one on the same host removes the dead one's row (`heartbeats_forget_dead`); a process lost with its
machine stays reported until an operator deletes its row (admin, or `kotapintar heartbeats --forget`).
"""

from __future__ import annotations

import logging
import os
import platform
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from kotapintar.core.models import Heartbeat

log = logging.getLogger(__name__)


def process_host() -> str:
    return platform.node()[:255]


def process_identity() -> str:
    """Who this process is, for a claim: `host:pid`."""
    return f"{process_host()}:{os.getpid()}"


def beat_interval_s() -> float:
    return max(0.25, settings.HEARTBEAT_STALE_S / 4)


def heartbeat_beat(*, name: str, role: str, info: dict[str, Any] | None = None) -> None:
    """Renew this process's heartbeat row (created on the first beat)."""
    Heartbeat.objects.update_or_create(
        name=name[:100],
        defaults={
            "role": role[:40],
            "host": process_host(),
            "pid": os.getpid(),
            "beat_at": timezone.now(),
            "info": info or {},
        },
    )


def heartbeat_stop(*, name: str) -> None:
    """A clean stop: the process is not expected any more, so its row goes."""
    Heartbeat.objects.filter(name=name[:100]).delete()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def heartbeats_forget_dead(*, now: datetime | None = None) -> list[str]:
    """Remove the stale rows of processes of this host that no longer exist (they were killed and
    have been replaced, or are gone for good); the names removed. Fresh rows are never touched, so a
    live process sharing the host name (another container) keeps its row."""
    now = now or timezone.now()
    stale = Heartbeat.objects.filter(
        host=process_host(), beat_at__lt=now - timedelta(seconds=settings.HEARTBEAT_STALE_S)
    ).exclude(pid=os.getpid())
    dead = [hb.name for hb in stale if hb.pid is not None and not _pid_alive(hb.pid)]
    if dead:
        Heartbeat.objects.filter(name__in=dead, host=process_host()).delete()
        log.warning("forgot the heartbeats of dead processes on this host: %s", ", ".join(dead))
    return dead


class Beater:
    """Beats for a process from a background thread, and runs `sweep` (if any) at every beat.

    The thread beats as long as the process lives, even while its main thread runs a long task: the
    heartbeat is the lease of everything the process has claimed.
    """

    def __init__(
        self,
        *,
        name: str,
        role: str,
        info: Callable[[], dict[str, Any]] | None = None,
        sweep: Callable[[], object] | None = None,
        interval_s: float | None = None,
    ) -> None:
        self.name = name[:100]
        self.role = role
        self.info = info
        self.sweep = sweep
        self.interval_s = interval_s if interval_s is not None else beat_interval_s()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat:{self.name}", daemon=True)

    def beat_once(self) -> None:
        heartbeat_beat(name=self.name, role=self.role, info=self.info() if self.info else None)
        if self.sweep is not None:
            self.sweep()

    def start(self) -> None:
        """Beat (and sweep) once before returning, then keep beating in the background; a database
        that is not there yet (not migrated, restarting) is retried by the thread."""
        try:
            self.beat_once()
        except DatabaseError:
            log.exception("heartbeat %s failed; trying again in %.1f s", self.name, self.interval_s)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval_s):
                close_old_connections()
                try:
                    self.beat_once()
                except Exception:  # a database outage must not end the heartbeat thread
                    log.exception("heartbeat %s failed; trying again in %.1f s", self.name, self.interval_s)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval_s + 5)
        heartbeat_stop(name=self.name)
