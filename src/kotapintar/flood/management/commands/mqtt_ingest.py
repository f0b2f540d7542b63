"""`kotapintar mqtt-ingest`: store sensor readings from the MQTT broker (see kotapintar.flood.mqtt)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotapintar.core.heartbeats import heartbeat_stop
from kotapintar.flood.mqtt import Consumer


class Command(BaseCommand):
    help = "Consume sensor readings from MQTT (topic <prefix>/<station>/<parameter>, QoS 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.MQTT_URL, help="mqtt://host:port (MQTT_URL)")
        parser.add_argument(
            "--client-id", default="kotapintar-ingest", help="fixed id of the persistent session"
        )
        parser.add_argument("--prefix", default="kotapintar", help="topic prefix")
        parser.add_argument(
            "--share-group",
            default=settings.MQTT_SHARE_GROUP,
            help="share the stream with the other consumers of this group: $share/<group>/<prefix>/# "
            "(MQTT_SHARE_GROUP)",
        )
        parser.add_argument(
            "--store-max-tries",
            type=int,
            default=settings.MQTT_STORE_MAX_TRIES,
            help="a message that cannot be stored this many times is quarantined (MQTT_STORE_MAX_TRIES)",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--periodic-s", type=float, default=60.0, help="silence/re-issue checks; 0 = off")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        try:
            consumer = Consumer(
                url=options["url"],
                client_id=options["client_id"],
                prefix=options["prefix"],
                share_group=options["share_group"],
                username=settings.MQTT_USERNAME,
                password=settings.MQTT_PASSWORD,
                batch_size=max(1, options["batch_size"]),
                periodic_s=options["periodic_s"],
                store_max_tries=options["store_max_tries"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        consumer.install_signal_handlers()
        self.stdout.write(
            f"mqtt-ingest: {consumer.host}:{consumer.port} {consumer.topic_filter} as {consumer.client_id}"
        )
        consumer.run()
        heartbeat_stop(name=f"mqtt-ingest:{consumer.client_id}")  # a clean stop: not expected any more
        s = consumer.stats
        self.stdout.write(
            f"mqtt-ingest stopped: received={s.received} stored={s.stored} duplicates={s.duplicates} "
            f"rejected={s.rejected} store_failed={s.store_failed}"
        )
