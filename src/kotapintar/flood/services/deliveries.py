"""Notification delivery: channels, one delivery per alert and channel, sending with retries.

The background task that sends a delivery (`delivery_send`) is declared here, next to the service it
runs, so that planning a delivery enqueues it without importing `flood.tasks` (which re-exports it):
`tasks` → `services.deliveries`, never back.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend, task

from kotapintar.core import audit, net
from kotapintar.core.heartbeats import process_identity
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.flood import transports
from kotapintar.flood.errors import BadChannel, ChannelTargetRefused
from kotapintar.flood.models import Alert, Channel, ChannelKind, Delivery, IncidentStep, Station
from kotapintar.lib import incidents as incident_logic

log = logging.getLogger(__name__)

DELIVERY_MAX_ATTEMPTS = 5


def channel_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    target: str,
    secret: str = "",
    base_url: str = "",
    min_level: int = 1,
) -> Channel:
    if actor is not None:
        require_role(actor, Role.OPERATOR_BPBD)
    if kind not in ChannelKind.values:
        raise BadChannel()
    if kind == ChannelKind.WEBHOOK and not target.startswith(("http://", "https://")):
        raise BadChannel(_("A webhook needs an http(s) URL."))
    if not 0 <= min_level <= 3:
        raise BadChannel(_("The minimum level is 0 to 3."))
    for url in (
        target if kind == ChannelKind.WEBHOOK else "",
        base_url if kind == ChannelKind.TELEGRAM else "",
    ):
        if url:
            _check_channel_url(url)
    with transaction.atomic():
        channel = Channel.objects.create(
            name=name, kind=kind, target=target, secret=secret, base_url=base_url, min_level=min_level
        )
        audit.record(
            action="flood.channel_create", actor=actor, obj=channel, data={"kind": kind, "name": name}
        )
    return channel


def _check_channel_url(url: str) -> None:
    """Refuse a channel URL the delivery would refuse (inside the network); checked again at delivery."""
    try:
        net.check_url(url)
    except net.OutboundRefused as exc:
        raise ChannelTargetRefused(detail={"reason": exc.reason}) from exc
    except net.Unresolvable as exc:
        raise ChannelTargetRefused(
            _("The host name of this channel address cannot be resolved."), detail={"reason": "unresolvable"}
        ) from exc


def deliveries_plan(alert: Alert, station: Station, *, step: IncidentStep | None = None) -> None:
    """Tell the operators in the app (a new alert, not a re-issue) and send it on every channel whose
    minimum level it reaches; the sends start once the alert is committed.

    An incident's de-escalation is not sent on a channel that was sent a step of the same incident
    less than the channel's quiet period before (by the readings' time, `lib.incidents.notify_step`);
    openings, escalations and closes always go out."""
    top = max(alert.level, alert.previous_level)
    if alert.reissue_of_id is None:
        notify(
            recipients=users_with_role(Role.OPERATOR_BPBD),
            message=alert.message,
            url=f"/banjir/stasiun/{station.code}/",
            kind="flood.alert",
        )
    last_sent: dict[int, datetime] = {}
    if step is not None and step.kind == incident_logic.DEESCALATED:
        for channel_id, at in (
            Delivery.objects.filter(alert__incident_step__incident_id=step.incident_id)
            .exclude(alert=alert)
            .values_list("channel_id", "alert__phenomenon_time")
        ):
            last_sent[channel_id] = max(at, last_sent.get(channel_id, at))
    for channel in Channel.objects.filter(active=True, min_level__lte=top):
        if step is not None and not incident_logic.notify_step(
            step.kind, step.at, last_sent.get(channel.pk), timedelta(seconds=channel.deescalation_quiet_s)
        ):
            continue
        pk = Delivery.objects.create(alert=alert, channel=channel).pk
        transaction.on_commit(functools.partial(delivery_send.enqueue, pk))


def _claimable(now: datetime) -> Q:
    """Pending, and nobody holds an unexpired lease on it."""
    return Q(status=Delivery.Status.PENDING) & (Q(lease_until__isnull=True) | Q(lease_until__lte=now))


def delivery_claim(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Take the lease of one attempt (a conditional UPDATE, so two processes never both win); the
    delivery, or None when it is sent, failed or held by another process's unexpired lease."""
    now = now or timezone.now()
    me = process_identity()
    claimed = Delivery.objects.filter(
        _claimable(now), pk=delivery_id, attempts__lt=DELIVERY_MAX_ATTEMPTS
    ).update(
        attempts=F("attempts") + 1,
        claimed_by=me,
        claimed_at=now,
        lease_until=now + timedelta(seconds=settings.WORK_LEASE_S),
    )
    if not claimed:
        # The last attempt's worker died mid-send: no attempt is left, so it is given up.
        Delivery.objects.filter(_claimable(now), pk=delivery_id, attempts__gte=DELIVERY_MAX_ATTEMPTS).update(
            status=Delivery.Status.FAILED, lease_until=None
        )
        return None
    return (
        Delivery.objects.select_related("alert__station", "channel")
        .filter(pk=delivery_id, claimed_by=me, claimed_at=now)
        .first()
    )


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send one delivery through its channel under a lease; on failure schedule a retry with back-off.

    The lease (`WORK_LEASE_S`, longer than a send's timeout) is what makes a crash harmless: a worker
    killed mid-send leaves the delivery pending with its lease running out, and once it has, the
    delivery is claimable again (the re-run task, or `deliveries_retry_due`). Every attempt carries
    the delivery's id (`X-Kotapintar-Delivery`, `Idempotency-Key`), so a receiver that got the cut-off
    attempt can tell the retry is the same delivery. The outcome is recorded only by the holder of
    the claim (fenced on `claimed_by`, `claimed_at`).
    """
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        _retry_after_lease(delivery_id)
        return None
    mine = Delivery.objects.filter(
        pk=delivery.pk,
        status=Delivery.Status.PENDING,
        claimed_by=delivery.claimed_by,
        claimed_at=delivery.claimed_at,
    )
    try:
        transports.send(delivery.channel, delivery.alert, delivery_id=str(delivery.public_id))
    except transports.FAILURES as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        now = timezone.now()
        if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
            mine.update(status=Delivery.Status.FAILED, last_error=error, lease_until=None)
        else:
            delay = timedelta(seconds=30 * 2 ** (delivery.attempts - 1))
            mine.update(last_error=error, next_attempt_at=now + delay, lease_until=None)
            delivery_retry_later(delivery.pk, now + delay)
        delivery.refresh_from_db()
        return delivery
    mine.update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", lease_until=None)
    delivery.refresh_from_db()
    return delivery


def _retry_after_lease(delivery_id: int) -> None:
    """Not claimable now: if another process's lease holds it, come back when the lease ends (the
    holder may have died; if it finishes, the retry finds the delivery sent and does nothing)."""
    held = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, lease_until__isnull=False)
        .values_list("lease_until", flat=True)
        .first()
    )
    if held is not None:
        delivery_retry_later(delivery_id, held + timedelta(seconds=1))


def deliveries_retry_due(*, now: datetime | None = None) -> int:
    """Attempt every pending delivery that is due: its retry time has come, its lease ran out (the
    process that claimed it died), or it was never attempted for a whole lease (its task was lost);
    the number attempted."""
    now = now or timezone.now()
    overdue = now - timedelta(seconds=settings.WORK_LEASE_S)
    due = list(
        Delivery.objects.filter(_claimable(now))
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(lease_until__isnull=False)
            | Q(attempts=0, created_at__lte=overdue)
        )
        .values_list("pk", flat=True)
    )
    for pk in due:
        delivery_attempt(delivery_id=pk)
    return len(due)


@task()
def delivery_send(delivery_id: int) -> None:
    """Background work: one attempt at a delivery (retries are enqueued by the attempt itself)."""
    delivery_attempt(delivery_id=delivery_id)


def delivery_retry_later(delivery_id: int, when: datetime) -> None:
    """Enqueue a retry at `when` where the backend can defer; otherwise the periodic loop retries it
    (`kotapintar flood-check` / mqtt-ingest call `deliveries_retry_due`)."""
    if getattr(default_task_backend, "supports_defer", False):
        delivery_send.using(run_after=when).enqueue(delivery_id)
    else:
        log.info("delivery %s: retry at %s by the periodic check", delivery_id, when.isoformat())
