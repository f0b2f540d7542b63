"""The MQTT consumer behind `kotapintar mqtt-ingest`.

- Topic ``<prefix>/<station>/<parameter>``, payload a JSON object ``{"time": ISO 8601, "value": n,
  "quality": "good"}`` (or a list of them, or ``{"readings": [...]}``).
- QoS 1 on a **persistent session** (MQTT 5 ``clean_start=False`` with a session expiry of a week, the
  MQTT 5 form of 3.1.1's ``clean_session=False``) under a fixed client id, so the broker keeps the
  messages that arrive while the consumer is down and delivers them when it is back. The broker's
  queue per session is bounded (mosquitto ``max_queued_messages``, default 1000): raise it to cover
  the longest outage you plan for.
- **Manual acknowledgement** (paho-mqtt 2.x ``manual_ack=True``): a message is PUBACKed only after the
  transaction that stored it has committed. A crash before the ack makes the broker redeliver; the
  unique (datastream, time) key makes the redelivery a harmless duplicate. Hence exactly-once storage
  from at-least-once delivery.
- A malformed message is quarantined with its reason and acknowledged: it never blocks the stream.
- The network thread of paho reconnects with back-off; while the broker is away the loop logs and waits.
- SIGTERM/SIGINT: finish and acknowledge the batch in hand, disconnect, exit 0.
- Heartbeat row ``mqtt-ingest:<client id>`` every few seconds; periodic checks (silent stations,
  re-issue of expiring alerts, due notification retries) once a minute.
"""

from __future__ import annotations

import json
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kotapintar.flood import services

log = logging.getLogger("kotapintar.flood.mqtt")

MAX_PAYLOAD = 64 * 1024
SESSION_EXPIRY_S = 7 * 86400
RECEIVE_MAXIMUM = 1000


@dataclass
class Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


@dataclass
class Stats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    batches: int = 0
    connected: bool = False
    errors: int = 0
    started: float = field(default_factory=time.time)


def parse_message(prefix: str, topic: str, payload: bytes) -> tuple[list[Any], list[str]]:
    """Readings from one message, plus their raw text for the quarantine.

    A message that cannot be read yields one malformed pseudo-reading (``None``) so that the
    ingestion service rejects and quarantines it with its reason.
    """
    text = payload[:MAX_PAYLOAD].decode("utf-8", errors="replace")
    parts = topic.split("/")
    prefix_parts = prefix.split("/") if prefix else []
    if len(payload) > MAX_PAYLOAD or len(parts) != len(prefix_parts) + 2:
        return [None], [text]
    station, parameter = parts[-2], parts[-1]
    try:
        body = json.loads(text)
    except ValueError:
        return [None], [text]
    if isinstance(body, dict) and isinstance(body.get("readings"), list):
        body = body["readings"]
    items = body if isinstance(body, list) else [body]
    if not items or len(items) > 1000:
        return [None], [text]
    readings: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            readings.append({**item, "station": station, "parameter": parameter})
        else:
            readings.append(None)
    return readings, [text] * len(readings)


def broker_address(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    tls = parsed.scheme in ("mqtts", "ssl")
    return parsed.hostname or "127.0.0.1", parsed.port or (8883 if tls else 1883), tls


class Consumer:
    def __init__(
        self,
        *,
        url: str,
        client_id: str,
        prefix: str = "kotapintar",
        username: str = "",
        password: str = "",
        batch_size: int = 500,
        periodic_s: float = 60.0,
        heartbeat_s: float = 5.0,
        on_batch: Callable[[Stats], None] | None = None,
    ) -> None:
        self.prefix = prefix.strip("/")
        self.client_id = client_id
        self.batch_size = batch_size
        self.periodic_s = periodic_s
        self.heartbeat_s = heartbeat_s
        self.on_batch = on_batch
        self.stats = Stats()
        self.queue: queue.Queue[Message] = queue.Queue()
        self.stop_event = threading.Event()
        self.host, self.port, tls = broker_address(url)
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        if tls:
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_inflight_messages_set(1000)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_connect_fail = self._on_connect_fail

    @property
    def topic_filter(self) -> str:
        return f"{self.prefix}/+/+" if self.prefix else "+/+"

    # paho callbacks (network thread) -------------------------------------------------------------
    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("MQTT connection refused: %s", reason)
            return
        self.stats.connected = True
        session = getattr(flags, "session_present", False)
        log.info("MQTT connected to %s:%s (session present: %s)", self.host, self.port, session)
        client.subscribe(self.topic_filter, qos=1)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self.stats.connected = False
        if not self.stop_event.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason)

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        log.warning("MQTT broker %s:%s not reachable; retrying", self.host, self.port)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.queue.put(Message(message.topic, bytes(message.payload), message.mid, message.qos))

    # main loop ----------------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        def _stop(signum: int, frame: Any) -> None:
            log.info("signal %s: stopping after the current batch", signum)
            self.stop_event.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)

    def start(self) -> None:
        # MQTT 5: clean_start=False resumes the session; the session outlives a disconnect for
        # SESSION_EXPIRY_S; Receive Maximum lets the broker keep up to RECEIVE_MAXIMUM messages in
        # flight to us (mosquitto's max_inflight_messages applies to MQTT 3.1.1 clients).
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: no annotations
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=props)
        self.client.loop_start()

    def process(self, batch: list[Message]) -> None:
        """Store a batch in one transaction, then acknowledge every message in it."""
        readings: list[Any] = []
        raws: list[str] = []
        topics: list[str] = []
        for msg in batch:
            items, texts = parse_message(self.prefix, msg.topic, msg.payload)
            readings += items
            raws += texts
            topics += [msg.topic] * len(items)
        result = services.readings_ingest(
            readings=readings,
            source="mqtt",
            quarantine=True,
            raw_payloads=raws,
            topic=topics[0] if len(set(topics)) == 1 else "",
            topics=topics,
        )
        for msg in batch:
            if msg.qos > 0:
                self.client.ack(msg.mid, msg.qos)
        self.stats.received += len(batch)
        self.stats.stored += result.stored
        self.stats.duplicates += result.duplicates
        self.stats.rejected += len(result.rejected)
        self.stats.batches += 1
        if self.on_batch is not None:
            self.on_batch(self.stats)

    def _periodic(self) -> None:
        try:
            services.silent_check()
            services.alerts_reissue()
            services.deliveries_retry_due()
        except Exception:
            log.exception("periodic flood checks failed")

    def _heartbeat(self) -> None:
        try:
            services.heartbeat(
                name=f"mqtt-ingest:{self.client_id}"[:100],
                info={
                    "received": self.stats.received,
                    "stored": self.stats.stored,
                    "duplicates": self.stats.duplicates,
                    "rejected": self.stats.rejected,
                    "connected": self.stats.connected,
                    "errors": self.stats.errors,
                },
            )
        except Exception:
            log.exception("heartbeat failed")

    def run(self) -> None:
        self.start()
        last_beat = 0.0
        last_periodic = time.monotonic()
        pending: list[Message] = []
        try:
            while not self.stop_event.is_set():
                if not pending:
                    try:
                        pending.append(self.queue.get(timeout=0.5))
                    except queue.Empty:
                        pass
                    while len(pending) < self.batch_size:
                        try:
                            pending.append(self.queue.get_nowait())
                        except queue.Empty:
                            break
                if pending:
                    try:
                        self.process(pending)
                        pending = []
                    except Exception:
                        self.stats.errors += 1
                        log.exception("storing %d messages failed; retrying", len(pending))
                        close_old_connections()
                        self.stop_event.wait(2)
                now = time.monotonic()
                if now - last_beat >= self.heartbeat_s:
                    self._heartbeat()
                    last_beat = now
                if self.periodic_s > 0 and now - last_periodic >= self.periodic_s:
                    self._periodic()
                    last_periodic = now
            if pending:
                try:
                    self.process(pending)
                except Exception:
                    log.exception("could not store the last batch; the broker will redeliver it")
            # Messages still queued were never acknowledged: the broker keeps them for the next run.
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self._heartbeat()
