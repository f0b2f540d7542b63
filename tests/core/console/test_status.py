"""The console's system status: /healthz's figures plus queue depth, broker link, last reading, disk."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kotapintar.core import sysstatus
from kotapintar.core.heartbeats import heartbeat_beat
from kotapintar.core.models import Heartbeat


def _task(status, *, run_after):
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kotapintar.core.tasks.audit_anchor",
        backend_name="default",
        queue_name="default",
        run_after=run_after,
    )


def test_queue_depth_counts_due_and_scheduled_tasks_apart(db):
    now = timezone.now()
    _task("READY", run_after=now - timedelta(minutes=3))
    _task("READY", run_after=now + timedelta(hours=1))
    _task("RUNNING", run_after=now - timedelta(minutes=1))
    depth = sysstatus.queue_depth(now=now)
    assert (depth.due, depth.scheduled, depth.running) == (1, 1, 1)


def test_the_broker_link_is_what_the_consumer_reported(db):
    heartbeat_beat(name="mqtt-ingest:a", role="mqtt-ingest", info={"connected": False})
    links = sysstatus.broker_links(now=timezone.now())
    assert [(b.consumer, b.connected) for b in links] == [("mqtt-ingest:a", False)]


def test_a_broker_link_of_a_dead_consumer_is_stale(db, settings):
    heartbeat_beat(name="mqtt-ingest:a", role="mqtt-ingest", info={"connected": True})
    later = timezone.now() + timedelta(seconds=settings.HEARTBEAT_STALE_S + 1)
    assert sysstatus.broker_links(now=later)[0].stale


def test_a_stale_process_makes_the_status_need_attention(db, settings):
    heartbeat_beat(name="worker:x", role="worker")
    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_S + 5))
    assert sysstatus.system_status().problems == ["health"]


def test_the_disks_report_free_space_of_the_media_folder(db):
    media = next(d for d in sysstatus.disks() if d.label == "media")
    assert 0 < media.free <= media.total


def test_the_status_page_lists_the_processes(admin_client):
    heartbeat_beat(name="worker:uji", role="worker")
    response = admin_client.get(reverse("kelola:status"))
    assert b"worker:uji" in response.content
