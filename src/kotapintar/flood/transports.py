"""Notification channels: webhook (JSON POST), e-mail (Django's mail over SMTP), Telegram-style bot.

Each transport raises on failure; the caller logs the attempt and retries with back-off.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from kotapintar.core import net
from kotapintar.flood.models import Alert, Channel, ChannelKind

TIMEOUT_S = 10

#: What a failed send raises: network, TLS and SMTP errors and timeouts (OSError, the outbound
#: client's refusal of an address inside the network among them), a broken HTTP answer
#: (HTTPException), a refused mail header (ValueError) and a non-2xx answer or a mail nobody took
#: (RuntimeError). The caller retries these; anything else is a bug and propagates.
FAILURES: tuple[type[Exception], ...] = (OSError, net.HTTPException, ValueError, RuntimeError)


def alert_payload(alert: Alert) -> dict[str, Any]:
    station = alert.station
    return {
        "id": str(alert.public_id),
        "station": station.code,
        "station_name": station.name,
        "kind": alert.kind,
        "parameter": alert.parameter,
        "level": alert.level,
        "previous_level": alert.previous_level,
        "level_name": alert.level_name,
        "value": alert.value,
        "time": alert.phenomenon_time.isoformat(),
        "expires": alert.expires_at.isoformat(),
        "message": alert.message,
        "lon": station.lon,
        "lat": station.lat,
    }


def _post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    """POST through the guarded client (kotapintar.core.net): no address inside the network, no
    redirect followed; a 3xx is a failure like any other non-2xx."""
    response = net.request(
        "POST",
        url,
        body=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", **headers},
        timeout=TIMEOUT_S,
        max_bytes=64 * 1024,
    )
    if not 200 <= response.status < 300:
        raise RuntimeError(f"HTTP {response.status}")


def delivery_headers(delivery_id: str) -> dict[str, str]:
    """The same on every attempt of one delivery, so that a receiver that got an attempt whose answer
    was lost (the worker died mid-send) can tell the retry is the same delivery and skip it."""
    return {"X-Kotapintar-Delivery": delivery_id, "Idempotency-Key": delivery_id} if delivery_id else {}


def send(channel: Channel, alert: Alert, *, delivery_id: str = "") -> None:
    if channel.kind == ChannelKind.WEBHOOK:
        headers = {"X-Kotapintar-Secret": channel.secret} if channel.secret else {}
        headers.update(delivery_headers(delivery_id))
        _post_json(channel.target, alert_payload(alert), headers)
    elif channel.kind == ChannelKind.EMAIL:
        recipients = [a.strip() for a in channel.target.split(",") if a.strip()]
        sent = send_mail(
            subject=f"[{alert.level_name}] {alert.station.name}",
            message=alert.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
            fail_silently=False,
        )
        if sent < 1:
            raise RuntimeError("no e-mail sent")
    elif channel.kind == ChannelKind.TELEGRAM:
        base = (channel.base_url or "https://api.telegram.org").rstrip("/")
        _post_json(
            f"{base}/bot{channel.secret}/sendMessage",
            {"chat_id": channel.target, "text": alert.message, "disable_web_page_preview": True},
            {},
        )
    else:
        raise ValueError(f"unknown channel kind {channel.kind}")
