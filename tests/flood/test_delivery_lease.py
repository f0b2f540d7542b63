"""Delivery leases: one claim at a time, an expired lease is claimable again, the id is stable."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kotapintar.flood import services, transports
from kotapintar.flood.models import Delivery
from tests.flood.conftest import T0, reading
from tests.flood.receiver import Receiver

pytestmark = pytest.mark.django_db

LEASE_S = 120


@pytest.fixture(autouse=True)
def lease(settings):
    settings.WORK_LEASE_S = LEASE_S
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]  # the receiver is on loopback (issue 12.4's guard)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def delivery(river, receiver) -> Delivery:
    """A planned webhook delivery whose first send has not run (its task never started)."""
    services.channel_create(actor=None, name="BPBD hook", kind="webhook", target=receiver.url)
    alert = services.readings_ingest(readings=[reading("loji-1", 170, T0)], source="http").alerts[0]
    return Delivery.objects.get(alert=alert)


def crashed_claim(delivery: Delivery) -> Delivery:
    """What a worker killed mid-send leaves behind: claimed, attempts counted, never finished."""
    claimed = services.delivery_claim(delivery_id=delivery.pk)
    assert claimed is not None
    return claimed


def test_a_claim_records_who_and_when_and_holds_a_lease(delivery):
    claimed = crashed_claim(delivery)
    assert claimed.attempts == 1
    assert claimed.claimed_by == f"{socket.gethostname()}:{os.getpid()}"
    assert claimed.claimed_at is not None
    assert claimed.lease_until == claimed.claimed_at + timedelta(seconds=LEASE_S)


def test_a_held_lease_refuses_a_second_claim(delivery, receiver):
    crashed_claim(delivery)
    assert services.delivery_claim(delivery_id=delivery.pk) is None
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.requests == []


def test_a_held_lease_is_not_due(delivery):
    crashed_claim(delivery)
    assert services.deliveries_retry_due(now=timezone.now() + timedelta(seconds=LEASE_S - 5)) == 0


def test_an_expired_lease_is_retried_and_sent_once(delivery, receiver):
    crashed_claim(delivery)
    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_S + 1)):
        assert services.deliveries_retry_due() == 1
        assert services.deliveries_retry_due() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.lease_until) == ("sent", 2, None)
    assert receiver.completed_ids() == [str(delivery.public_id)]


def test_every_attempt_carries_the_same_delivery_id(delivery, receiver):
    services.delivery_attempt(delivery_id=delivery.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        Delivery.objects.filter(pk=delivery.pk).update(status="pending")  # as if the answer was lost
        services.delivery_attempt(delivery_id=delivery.pk)
    assert [r.delivery_id for r in receiver.requests] == [str(delivery.public_id)] * 2


def test_a_late_outcome_of_an_expired_claim_is_not_recorded(delivery, receiver, monkeypatch):
    """A sender that hangs past its lease (paused, not dead) while another process delivers must not
    overwrite the delivery with its own late failure."""
    real_send = transports.send

    def hang_past_the_lease_then_fail(channel: object, alert: object, **kwargs: object) -> None:
        monkeypatch.setattr(transports, "send", real_send)
        with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_S + 1)):
            services.delivery_attempt(delivery_id=delivery.pk)  # the other process takes over
        raise OSError("timed out")

    monkeypatch.setattr(transports, "send", hang_past_the_lease_then_fail)
    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert receiver.completed_ids() == [str(delivery.public_id)]


def test_the_last_attempt_lost_in_a_crash_gives_up(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=services.DELIVERY_MAX_ATTEMPTS, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.delivery_claim(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_delivery_whose_task_was_lost_is_due_after_a_lease(delivery, receiver):
    assert services.deliveries_retry_due() == 0, "its task is still queued"
    with time_machine.travel(timezone.now() + timedelta(seconds=LEASE_S + 1)):
        assert services.deliveries_retry_due() == 1
    assert receiver.completed_ids() == [str(delivery.public_id)]
