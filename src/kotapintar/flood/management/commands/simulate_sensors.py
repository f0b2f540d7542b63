"""`kotapintar simulate-sensors`: publish realistic readings of every station, now, over MQTT or HTTP.

Tide from the gauge's seeded constituents, an afternoon rain event and the rising rivers that follow
it (kotapintar.flood.simulate). With no broker (or no web server) it logs and retries: `make run`
keeps going without one.
"""

from __future__ import annotations

import json
import logging
import secrets
import signal
import threading
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from paho.mqtt.enums import CallbackAPIVersion

from kotapintar.core import net, siteurl
from kotapintar.core import services as core_services
from kotapintar.core.models import Role
from kotapintar.flood import simulate
from kotapintar.flood.models import Station
from kotapintar.flood.mqtt import broker_address

log = logging.getLogger("kotapintar.flood.simulate")


class Command(BaseCommand):
    help = "Publish simulated sensor readings (tide, rain event, rising river) over MQTT or HTTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--transport", choices=["mqtt", "http"], default="mqtt")
        parser.add_argument("--url", default="", help="broker URL (mqtt) or site URL (http)")
        parser.add_argument("--prefix", default="kotapintar", help="MQTT topic prefix")
        parser.add_argument("--token", default="", help="API token of an operator (http)")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
        parser.add_argument("--count", type=int, default=0, help="rounds to send; 0 = until stopped")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        send = self._mqtt(options, stop) if options["transport"] == "mqtt" else self._http(options)
        rounds = 0
        while not stop.is_set():
            stations = list(Station.objects.all())
            now = datetime.now(tz=UTC).replace(microsecond=0)
            readings = simulate.readings_for(
                stations, [now], step_s=int(options["interval"]), seed=options["seed"]
            )
            try:
                send(readings)
                self.stdout.write(f"{now.isoformat()} sent {len(readings)} readings")
            except OSError as exc:
                log.warning("could not send readings (%s); retrying next round", exc)
            rounds += 1
            if options["count"] and rounds >= options["count"]:
                break
            stop.wait(options["interval"])
        self.stdout.write("simulate-sensors stopped")

    def _mqtt(self, options: dict[str, Any], stop: threading.Event) -> Any:
        host, port, tls = broker_address(options["url"] or settings.MQTT_URL)
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
        if settings.MQTT_USERNAME:
            client.username_pw_set(settings.MQTT_USERNAME, settings.MQTT_PASSWORD or None)
        if tls:
            client.tls_set()
        client.max_queued_messages_set(10_000)
        client.reconnect_delay_set(1, 30)
        client.on_connect = lambda c, u, f, r, p: log.info("MQTT connected to %s:%s (%s)", host, port, r)
        client.on_disconnect = lambda c, u, f, r, p: log.warning("MQTT not reachable (%s); retrying", r)
        client.connect_async(host, port, keepalive=30)
        client.loop_start()
        prefix = options["prefix"].strip("/")

        def send(readings: list[dict[str, Any]]) -> None:
            if not client.is_connected():
                log.warning(
                    "MQTT broker %s:%s not connected; readings are queued and sent on reconnect", host, port
                )
            for r in readings:
                body = json.dumps({"time": r["time"], "value": r["value"]})
                client.publish(f"{prefix}/{r['station']}/{r['parameter']}", body, qos=1)

        return send

    def _http(self, options: dict[str, Any]) -> Any:
        base = (options["url"] or siteurl.site_url()).rstrip("/")
        token = options["token"]
        if not token:
            token = _gateway_token()
        url = f"{base}/api/v1/flood/readings"
        # The target is this platform (SITE_URL or the operator's --url): its host is allowed even
        # when inside, through the one outbound client like every other request.
        allow = net.service_hosts(base)

        def send(readings: list[dict[str, Any]]) -> None:
            response = net.request(
                "POST",
                url,
                body=json.dumps(readings).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                timeout=30,
                allow=allow,
            )
            if not 200 <= response.status < 300:
                raise CommandError(f"{url}: HTTP {response.status} {response.body[:200]!r}")
            body = json.loads(response.body)
            log.info(
                "stored %s, duplicates %s, rejected %s",
                body["stored"],
                body["duplicates"],
                len(body["rejected"]),
            )

        return send


def _gateway_token() -> str:
    """A token for the demo field gateway (a user with the BPBD operator role), made on first use."""
    user, _created = core_services.user_ensure(
        username="gateway-sensor",
        password=secrets.token_urlsafe(32),
        roles=[Role.OPERATOR_BPBD],
        full_name="Gateway sensor (simulasi)",
    )
    _token, raw = core_services.api_token_create(user=user, name="simulate-sensors")
    return raw
