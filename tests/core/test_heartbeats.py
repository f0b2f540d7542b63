"""Process heartbeats: /healthz reports each process's heartbeat age and is unhealthy when one is stale."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kotapintar.core import heartbeats
from kotapintar.core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_lists_a_fresh_process_with_its_age(client, settings):
    settings.HEARTBEAT_STALE_S = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        heartbeats.heartbeat_beat(name="worker:a", role="worker")
        clock.shift(timedelta(seconds=12))
        response = client.get("/healthz")
    assert response.status_code == 200
    [process] = response.json()["processes"]
    assert (process["name"], process["role"], process["pid"], process["stale"]) == (
        "worker:a",
        "worker",
        os.getpid(),
        False,
    )
    assert process["age_s"] == 12.0


def test_healthz_is_unhealthy_when_a_heartbeat_is_stale(client, settings):
    settings.HEARTBEAT_STALE_S = 60
    with time_machine.travel(timezone.now() - timedelta(seconds=61)):
        heartbeats.heartbeat_beat(name="mqtt-ingest:kotapintar-ingest", role="mqtt-ingest")
    heartbeats.heartbeat_beat(name="worker:a", role="worker")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["stale_processes"] == ["mqtt-ingest:kotapintar-ingest"]
    assert {p["name"]: p["stale"] for p in body["processes"]} == {
        "mqtt-ingest:kotapintar-ingest": True,
        "worker:a": False,
    }


def test_a_heartbeat_just_inside_the_window_is_healthy(client, settings):
    settings.HEARTBEAT_STALE_S = 60
    with time_machine.travel(timezone.now() - timedelta(seconds=55)):
        heartbeats.heartbeat_beat(name="worker:a", role="worker")
    assert client.get("/healthz").status_code == 200


def test_a_clean_stop_removes_the_process_from_health(client, settings):
    settings.HEARTBEAT_STALE_S = 1
    beater = heartbeats.Beater(name="worker:b", role="worker", interval_s=0.05)
    beater.start()
    assert Heartbeat.objects.filter(name="worker:b").exists()
    beater.stop()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert client.get("/healthz").status_code == 200
    assert not Heartbeat.objects.filter(name="worker:b").exists()


def test_the_stale_row_of_a_dead_process_on_this_host_is_forgotten(settings):
    settings.HEARTBEAT_STALE_S = 60
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        old = timezone.now() - timedelta(seconds=120)
        host = heartbeats.process_host()
        common = {"role": "worker", "beat_at": old}
        Heartbeat.objects.create(name="worker:dead", host=host, pid=dead.pid, **common)
        Heartbeat.objects.create(name="worker:stuck", host=host, pid=live.pid, **common)
        Heartbeat.objects.create(name="worker:elsewhere", host="other-host", pid=dead.pid, **common)
        Heartbeat.objects.create(
            name="worker:fresh", host=host, pid=dead.pid, role="worker", beat_at=timezone.now()
        )
        assert heartbeats.heartbeats_forget_dead() == ["worker:dead"]
        assert set(Heartbeat.objects.values_list("name", flat=True)) == {
            "worker:stuck",
            "worker:elsewhere",
            "worker:fresh",
        }
    finally:
        live.kill()
        live.wait()


def test_the_heartbeats_command_forgets_a_process_gone_for_good(settings):
    settings.HEARTBEAT_STALE_S = 60
    with time_machine.travel(timezone.now() - timedelta(seconds=600)):
        heartbeats.heartbeat_beat(name="worker:lost-machine", role="worker")
    with pytest.raises(SystemExit) as exit_:
        call_command("heartbeats", stdout=io.StringIO())
    assert exit_.value.code == 1, "a stale process: exit 1"
    call_command("heartbeats", "--forget", "worker:lost-machine", stdout=io.StringIO())
    assert not Heartbeat.objects.exists()
