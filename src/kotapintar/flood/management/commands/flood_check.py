"""`kotapintar flood-check`: the periodic checks (run from cron/systemd timer, e.g. every minute).

Raises "sensor silent" for datastreams without data for k × their expected interval, re-issues active
alerts before they expire (CAP consumers never hold a stale alert), retries due notification
deliveries, refreshes the rob forecast of every tide gauge with constituents, creates the readings'
monthly partitions ahead (PostgreSQL) and drops raw readings past FLOOD_RAW_RETENTION_DAYS.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kotapintar.flood import selectors, services


class Command(BaseCommand):
    help = "Silent-sensor check, alert re-issue, delivery retries and rob forecast refresh."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-rob", action="store_true", help="skip the rob forecast refresh")

    def handle(self, *args: Any, **options: Any) -> None:
        silent = services.silent_check()
        reissued = services.alerts_reissue()
        retried = services.deliveries_retry_due()
        created, retention = services.history_maintain(now=timezone.now())
        windows = 0
        if not options["no_rob"]:
            for station in selectors.tide_stations():
                windows += len(services.rob_forecast_refresh(station=station))
        self.stdout.write(
            f"silent={len(silent)} reissued={len(reissued)} retried={retried} rob_windows={windows} "
            f"partitions_created={len(created)} partitions_dropped={len(retention.dropped_partitions)} "
            f"raw_rows_deleted={retention.deleted_rows}"
        )
