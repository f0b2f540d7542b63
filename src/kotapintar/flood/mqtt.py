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
- **One message never stops the stream.** A message is read defensively: its size is capped before
  anything else (`MAX_PAYLOAD`), its topic must be ``<prefix>/<station>/<parameter>``, its bytes UTF-8,
  its nesting of arrays and objects is measured without recursion before the JSON parser sees it
  (`MAX_DEPTH`), NaN and infinities are refused while it is parsed; any other exception while it is
  read quarantines it as ``parse_error``. A refused message is quarantined (topic, payload prefix and
  size, reason code, time) and acknowledged. A message that cannot be stored is tried alone up to
  ``MQTT_STORE_MAX_TRIES`` times, then quarantined whole as ``store_failed`` and acknowledged; a
  database that does not answer is waited out instead (no message counts a try then).
- Several consumers share the stream through a shared subscription (``--share-group`` /
  ``MQTT_SHARE_GROUP``, filter ``$share/<group>/<prefix>/#``); the broker delivers each message to one
  of them, under the publisher's topic.
- The network thread of paho reconnects with back-off; while the broker is away the loop logs and waits.
- SIGTERM/SIGINT: finish and acknowledge the batch in hand, disconnect, exit 0.
- Heartbeat row ``mqtt-ingest:<client id>`` every few seconds; periodic checks (silent stations,
  re-issue of expiring alerts, due notification retries) once a minute.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kotapintar.flood import services

log = logging.getLogger("kotapintar.flood.mqtt")

#: The largest message read; a larger one is quarantined unread (its size and first bytes kept).
MAX_PAYLOAD = 64 * 1024
#: The broker does not send us messages larger than this at all (MQTT 5 Maximum Packet Size).
MAX_PACKET = 8 * 1024 * 1024
#: Arrays and objects nested deeper than this are refused before the JSON parser (which recurses) runs.
MAX_DEPTH = 16
MAX_READINGS = 1000
#: The keys `parse_message` sets from the topic.
TOPIC_KEYS = ("station", "parameter")
#: How much of a refused message the quarantine keeps (a message that could not be stored is kept whole).
QUARANTINE_PREFIX = 4000
SESSION_EXPIRY_S = 7 * 86400
RECEIVE_MAXIMUM = 1000


@dataclass
class Message:
    topic: str
    payload: bytes
    mid: int
    qos: int
    #: Size of the message as received, when `payload` holds only its first bytes.
    size: int | None = None
    #: Times this message alone failed to be stored.
    tries: int = 0

    @property
    def nbytes(self) -> int:
        return len(self.payload) if self.size is None else self.size


@dataclass
class Stats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    store_failed: int = 0
    batches: int = 0
    connected: bool = False
    errors: int = 0
    started: float = field(default_factory=time.time)


class Refused(Exception):
    """One message cannot be read: its reason code (`REJECT_REASONS`) and a short detail."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


#: A JSON string (consumed whole, so brackets inside it do not count), a bracket, or a quote that opens
#: a string which never closes (the rest of the text is inside it: the JSON is invalid anyway).
_JSON_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]|"', re.DOTALL)


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects deeper than `limit`, found in one pass, no recursion.

    Linear in the text (about 10 ms for 64 KiB of brackets); a usual reading, with fewer opening
    brackets than `limit`, is answered by two counts.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        part = match.group()
        if part == "[" or part == "{":
            depth += 1
            if depth > limit:
                return True
        elif part == "]" or part == "}":
            depth -= 1
        elif part == '"':
            break
    return False


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused("not_finite", text[:40])
    return value


def _no_constant(name: str) -> Any:
    raise Refused("not_finite", name)


def topic_levels(prefix: str, topic: str) -> tuple[str, str]:
    """Station and parameter from ``<prefix>/<station>/<parameter>`` (a ``+`` prefix level matches any)."""
    levels = topic.split("/")
    wanted = prefix.split("/") if prefix else []
    if (
        len(levels) != len(wanted) + 2
        or any(want not in ("+", level) for want, level in zip(wanted, levels, strict=False))
        or not levels[-2]
        or not levels[-1]
    ):
        raise Refused("bad_topic")
    return levels[-2], levels[-1]


def parse_message(prefix: str, topic: str, payload: bytes, size: int | None = None) -> list[dict[str, Any]]:
    """The readings of one message, each a dict with the station and parameter of the topic.

    Raises `Refused` with the reason when the message as a whole cannot be read; the checks that
    need no parsing come first, so a hostile message costs at most one linear pass over 64 KiB.
    """
    nbytes = len(payload) if size is None else size
    if nbytes > MAX_PAYLOAD:
        raise Refused("message_too_large", f"{nbytes} > {MAX_PAYLOAD} bytes")
    station, parameter = topic_levels(prefix, topic)
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused("bad_utf8", f"byte {exc.start}") from None
    if nesting_exceeds(text):
        raise Refused("too_deep", f"> {MAX_DEPTH}")
    try:
        body = json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except ValueError:  # JSONDecodeError, or an integer with more digits than Python converts
        raise Refused("malformed") from None
    if isinstance(body, dict) and isinstance(body.get("readings"), list):
        body = body["readings"]
    items = body if isinstance(body, list) else [body]
    if not items or len(items) > MAX_READINGS or not all(isinstance(item, dict) for item in items):
        raise Refused("malformed")
    return [{**item, "station": station, "parameter": parameter} for item in items]


def subscription(prefix: str, share_group: str = "") -> tuple[str, str]:
    """(prefix, share group) from the options; a prefix written ``$share/<group>/<prefix>`` (the form of
    a shared subscription filter) names its group itself."""
    prefix = prefix.strip("/")
    if prefix.startswith("$share/"):
        _share, group, *rest = prefix.split("/", 2)
        if share_group and share_group != group:
            raise ValueError(f"two share groups: {group!r} in the prefix and {share_group!r}")
        prefix, share_group = (rest[0] if rest else ""), group
    for name, value in (("prefix", prefix), ("share group", share_group)):
        if "#" in value or "\x00" in value:
            raise ValueError(f"the {name} {value!r} holds a character a topic level cannot")
    if "/" in share_group or "+" in share_group:
        raise ValueError(f"the share group {share_group!r} holds a character a share name cannot")
    return prefix, share_group


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
        share_group: str = "",
        username: str = "",
        password: str = "",
        batch_size: int = 500,
        periodic_s: float = 60.0,
        heartbeat_s: float = 5.0,
        store_max_tries: int = 5,
        retry_wait_s: float = 1.0,
        on_batch: Callable[[Stats], None] | None = None,
    ) -> None:
        self.prefix, self.share_group = subscription(prefix, share_group)
        self.client_id = client_id
        self.batch_size = batch_size
        self.periodic_s = periodic_s
        self.heartbeat_s = heartbeat_s
        self.store_max_tries = max(1, store_max_tries)
        self.retry_wait_s = retry_wait_s
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
        self.client.on_subscribe = self._on_subscribe
        self.client.on_connect_fail = self._on_connect_fail

    @property
    def topic_filter(self) -> str:
        topics = f"{self.prefix}/#" if self.prefix else "#"
        return f"$share/{self.share_group}/{topics}" if self.share_group else topics

    @property
    def stale_filters(self) -> list[str]:
        """Filters an earlier version or configuration of this consumer may have left in its persistent
        session (each would deliver every message once more)."""
        own = f"{self.prefix}/" if self.prefix else ""
        return [f for f in (f"{own}+/+", f"{own}#") if f != self.topic_filter]

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
        if session:
            client.unsubscribe(self.stale_filters)
        client.subscribe(self.topic_filter, qos=1)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: list[Any], properties: Any
    ) -> None:
        if any(getattr(r, "is_failure", False) for r in reasons):
            log.error("MQTT subscription to %s refused: %s", self.topic_filter, reasons)
        else:
            log.info("MQTT subscribed to %s", self.topic_filter)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self.stats.connected = False
        if not self.stop_event.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason)

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        log.warning("MQTT broker %s:%s not reachable; retrying", self.host, self.port)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        payload = message.payload
        if len(payload) > MAX_PAYLOAD:  # keep only what the quarantine shows, not megabytes in the queue
            self.queue.put(
                Message(
                    message.topic, bytes(payload[:QUARANTINE_PREFIX]), message.mid, message.qos, len(payload)
                )
            )
        else:
            self.queue.put(Message(message.topic, bytes(payload), message.mid, message.qos))

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
        # flight to us (mosquitto's max_inflight_messages applies to MQTT 3.1.1 clients); the broker
        # discards, instead of sending, a message larger than MAX_PACKET.
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: no annotations
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        props.MaximumPacketSize = MAX_PACKET
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=props)
        self.client.loop_start()

    def _acknowledge(self, batch: list[Message]) -> None:
        for msg in batch:
            if msg.qos > 0:
                self.client.ack(msg.mid, msg.qos)

    def _quarantine(self, msg: Message, code: str, detail: str = "", whole: bool = False) -> None:
        keep = MAX_PAYLOAD if whole else QUARANTINE_PREFIX
        services.quarantine_add(
            source="mqtt",
            topic=msg.topic,
            payload=msg.payload[:keep].decode("utf-8", "backslashreplace"),
            payload_size=msg.nbytes,
            code=code,
            detail=detail,
            max_chars=keep,
        )

    def process(self, batch: list[Message]) -> None:
        """Store a batch in one transaction, then acknowledge every message in it.

        A message that cannot be read is quarantined with its reason in the same transaction; a
        reading that is refused is quarantined by the ingestion service. Raises when the transaction
        fails (nothing is acknowledged then).
        """
        readings: list[dict[str, Any]] = []
        raws: list[str] = []
        topics: list[str] = []
        refused: list[tuple[Message, Refused]] = []
        for msg in batch:
            try:
                items = parse_message(self.prefix, msg.topic, msg.payload, msg.size)
                if len(items) == 1:
                    texts = [msg.payload.decode("utf-8")]
                else:  # a refused reading of a gateway's list is kept alone, not with the whole list
                    texts = [json.dumps({k: v for k, v in i.items() if k not in TOPIC_KEYS}) for i in items]
            except Refused as exc:
                refused.append((msg, exc))
                continue
            except Exception as exc:  # noqa: BLE001 - whatever breaks reading one message quarantines it
                log.warning("message on %s could not be read: %r", msg.topic, exc)
                refused.append((msg, Refused("parse_error", type(exc).__name__)))
                continue
            readings += items
            raws += texts
            topics += [msg.topic] * len(items)
        with transaction.atomic():
            for msg, refusal in refused:
                self._quarantine(msg, refusal.code, refusal.detail)
            result = (
                services.readings_ingest(
                    readings=readings,
                    source="mqtt",
                    quarantine=True,
                    raw_payloads=raws,
                    topic=topics[0] if len(set(topics)) == 1 else "",
                    topics=topics,
                )
                if readings
                else None
            )
        self._acknowledge(batch)
        self.stats.received += len(batch)
        self.stats.rejected += len(refused)
        if result is not None:
            self.stats.stored += result.stored
            self.stats.duplicates += result.duplicates
            self.stats.rejected += len(result.rejected)
        self.stats.batches += 1
        if self.on_batch is not None:
            self.on_batch(self.stats)

    def database_up(self) -> bool:
        """Whether the database answers (a failed batch is then the messages' fault, not an outage)."""
        close_old_connections()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return False
        return True

    def store(self, batch: list[Message]) -> list[Message]:
        """Store a batch; return the messages to try again (none when all went well).

        When the batch fails and the database answers, each message is stored alone, so the good ones
        go through now; a message that fails alone `store_max_tries` times is quarantined whole as
        ``store_failed`` and acknowledged. When the database does not answer, every message waits and
        none counts a try.
        """
        try:
            self.process(batch)
            return []
        except Exception:
            self.stats.errors += 1
            log.exception("storing %d message(s) failed", len(batch))
        if not self.database_up():
            log.warning("the database does not answer; %d message(s) wait", len(batch))
            return batch
        if len(batch) == 1:
            return self._tried(batch[0])
        left: list[Message] = []
        for i, msg in enumerate(batch):
            try:
                self.process([msg])
                continue
            except Exception:
                self.stats.errors += 1
                log.exception("storing a message on %s failed", msg.topic)
            if not self.database_up():
                return left + batch[i:]
            left += self._tried(msg)
        return left

    def _tried(self, msg: Message) -> list[Message]:
        """Count a failed try of one message; after the last, quarantine and acknowledge it."""
        msg.tries += 1
        if msg.tries < self.store_max_tries:
            return [msg]
        try:
            with transaction.atomic():
                self._quarantine(msg, "store_failed", f"{msg.tries}×", whole=True)
        except Exception:
            self.stats.errors += 1
            log.exception("could not quarantine a message that cannot be stored; it waits")
            return [msg]
        self._acknowledge([msg])
        self.stats.received += 1
        self.stats.store_failed += 1
        log.error("a message on %s could not be stored %d times: quarantined", msg.topic, msg.tries)
        return []

    def _periodic(self) -> None:
        try:
            services.silent_check()
            services.alerts_reissue()
            services.deliveries_retry_due()
            services.history_maintain(now=timezone.now())
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
                    "store_failed": self.stats.store_failed,
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
                    pending = self.store(pending)
                    if pending:
                        self.stop_event.wait(self.retry_wait_s)
                now = time.monotonic()
                if now - last_beat >= self.heartbeat_s:
                    self._heartbeat()
                    last_beat = now
                if self.periodic_s > 0 and now - last_periodic >= self.periodic_s:
                    self._periodic()
                    last_periodic = now
            if pending and self.store(pending):
                log.warning("could not store the last messages; the broker will redeliver them")
            # Messages still queued were never acknowledged: the broker keeps them for the next run.
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self._heartbeat()
