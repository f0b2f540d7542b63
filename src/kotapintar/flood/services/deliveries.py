"""Notification delivery: channels, one delivery per alert and channel, sending with retries.

The background task that sends a delivery (`delivery_send`) is declared here, next to the service it
runs, so that planning a delivery enqueues it without importing `flood.tasks` (which re-exports it):
`tasks` → `services.deliveries`, never back.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend, task

from kotapintar.core import audit, net
from kotapintar.core.models import Role
from kotapintar.core.notifications import notify, users_with_role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.flood import transports
from kotapintar.flood.errors import BadChannel, ChannelTargetRefused
from kotapintar.flood.models import Alert, Channel, ChannelKind, Delivery, Station

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


def deliveries_plan(alert: Alert, station: Station) -> None:
    """Tell the operators in the app (a new alert, not a re-issue) and send it on every channel whose
    minimum level it reaches; the sends start once the alert is committed."""
    top = max(alert.level, alert.previous_level)
    if alert.reissue_of_id is None:
        notify(
            recipients=users_with_role(Role.OPERATOR_BPBD),
            message=alert.message,
            url=f"/banjir/stasiun/{station.code}/",
            kind="flood.alert",
        )
    for channel in Channel.objects.filter(active=True, min_level__lte=top):
        pk = Delivery.objects.create(alert=alert, channel=channel).pk
        transaction.on_commit(functools.partial(delivery_send.enqueue, pk))


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send one delivery through its channel; on failure schedule a retry with back-off."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("alert__station", "channel")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    try:
        transports.send(delivery.channel, delivery.alert)
    except transports.FAILURES as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        now = timezone.now()
        if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=error)
        else:
            delay = timedelta(seconds=30 * 2 ** (delivery.attempts - 1))
            Delivery.objects.filter(pk=delivery.pk).update(last_error=error, next_attempt_at=now + delay)
            delivery_retry_later(delivery.pk, now + delay)
        delivery.refresh_from_db()
        return delivery
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    delivery.refresh_from_db()
    return delivery


def deliveries_retry_due(*, now: datetime | None = None) -> int:
    """Attempt every pending delivery whose retry time has come; the number attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
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
