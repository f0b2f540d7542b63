"""The system status the administration console shows: what `/healthz` computes (database,
migrations, every process's heartbeat: `selectors.health`), plus the task queue's depth, the MQTT
consumers' broker connection, the last sensor reading and the free disk space.

Reads only, and no network call: the broker connection is what each running MQTT consumer reported
in its last heartbeat (`connected`), which is the connection that matters for the readings.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotapintar.core import selectors
from kotapintar.core.models import Heartbeat
from kotapintar.flood import selectors as flood_selectors
from kotapintar.flood.models import Latest

#: Below this share of free space a disk is shown as low.
DISK_LOW_RATIO = 0.10
#: A reading older than this is shown as late (sensors report every few minutes).
READING_LATE = timedelta(minutes=30)


@dataclass(frozen=True)
class QueueDepth:
    due: int  # waiting and due now
    scheduled: int  # waiting for a later time (e.g. the next audit anchor)
    running: int
    failed_24h: int
    oldest_due_age_s: float | None


@dataclass(frozen=True)
class BrokerLink:
    consumer: str
    connected: bool
    stale: bool
    age_s: float


@dataclass(frozen=True)
class Disk:
    label: str
    path: str
    total: int
    free: int

    @property
    def free_ratio(self) -> float:
        return self.free / self.total if self.total else 0.0

    @property
    def low(self) -> bool:
        return self.free_ratio < DISK_LOW_RATIO


@dataclass(frozen=True)
class SystemStatus:
    health: dict[str, Any]
    queue: QueueDepth
    broker: list[BrokerLink]
    last_reading: Latest | None
    reading_late: bool
    disks: list[Disk] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Short keys of what needs attention (empty: all is well)."""
        found = [] if self.health["ok"] else ["health"]
        if self.broker and not all(b.connected and not b.stale for b in self.broker):
            found.append("broker")
        if self.reading_late:
            found.append("reading")
        if any(d.low for d in self.disks):
            found.append("disk")
        return found


def queue_depth(*, now: datetime) -> QueueDepth:
    tasks = DBTaskResult.objects.all()
    due = tasks.filter(status="READY", run_after__lte=now)
    oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return QueueDepth(
        due=due.count(),
        scheduled=tasks.filter(status="READY", run_after__gt=now).count(),
        running=tasks.filter(status="RUNNING").count(),
        failed_24h=tasks.filter(status="FAILED", finished_at__gte=now - timedelta(hours=24)).count(),
        oldest_due_age_s=round((now - oldest).total_seconds(), 1) if oldest else None,
    )


def broker_links(*, now: datetime) -> list[BrokerLink]:
    return [
        BrokerLink(
            consumer=hb.name,
            connected=bool((hb.info or {}).get("connected")),
            stale=(now - hb.beat_at).total_seconds() > settings.HEARTBEAT_STALE_S,
            age_s=round((now - hb.beat_at).total_seconds(), 1),
        )
        for hb in Heartbeat.objects.filter(role="mqtt-ingest").order_by("name")
    ]


def disks() -> list[Disk]:
    """Free space where the platform writes: the media folder (uploads, signed PDFs) and, on
    SQLite, the database file's folder."""
    places = [("media", Path(settings.MEDIA_ROOT))]
    if connection.vendor == "sqlite":
        places.append(("database", Path(str(settings.DATABASES["default"]["NAME"])).parent))
    found = []
    for label, path in places:
        existing = path
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        usage = shutil.disk_usage(existing)
        found.append(Disk(label=label, path=str(path), total=usage.total, free=usage.free))
    return found


def system_status(*, now: datetime | None = None) -> SystemStatus:
    now = now or timezone.now()
    reading = flood_selectors.reading_newest()
    return SystemStatus(
        health=selectors.health(),
        queue=queue_depth(now=now),
        broker=broker_links(now=now),
        last_reading=reading,
        reading_late=reading is not None and now - reading.received_at > READING_LATE,
        disks=disks(),
    )
