"""Writes of the flood app, one module per concept:

- `stations`: stations, datastreams, threshold versions, datum offsets, tide constituents
- `ingest`: the one path every reading takes (validate, store once, latest values), CSV back-fill
- `history`: monthly partitions of the readings, hourly/daily rollups, raw retention
- `alarms`: thresholds with hysteresis, rain and silent-sensor alarms, the alerts they raise
- `incidents`: level changes grouped into incidents (opened … closed), their acknowledgement
- `deliveries`: notification channels and the sending of each alert, with retries (its task too)
- `rob`: rob (tidal flooding) forecast windows and their early-warning alarm
- `reports`: citizen reports and their review
- `assets`: pump houses, shelters, station maintenance

The names below are re-exported so that callers write `services.readings_ingest(...)`. The import
order is the dependency order: `deliveries` ← `alarms` ← `ingest`, `rob`; `stations` ← `ingest`,
`reports`; nothing here imports `flood.tasks` or is imported by `flood.selectors`.
"""

from kotapintar.flood.services.alarms import (
    alert_acknowledge,
    alerts_reissue,
    silent_check,
)
from kotapintar.flood.services.assets import maintenance_log_add, pump_state_set, shelter_update
from kotapintar.flood.services.deliveries import (
    DELIVERY_MAX_ATTEMPTS,
    channel_create,
    deliveries_retry_due,
    delivery_attempt,
    delivery_claim,
)
from kotapintar.flood.services.history import (
    history_maintain,
    partitions_ahead,
    raw_retention_apply,
    rollups_rebuild,
)
from kotapintar.flood.services.incidents import incidents_acknowledge
from kotapintar.flood.services.ingest import (
    CSV_MAX_BYTES,
    FUTURE_TOLERANCE,
    MAX_BATCH,
    IngestResult,
    gc_paused,
    heartbeat,
    quarantine_add,
    readings_csv_import,
    readings_ingest,
)
from kotapintar.flood.services.reports import (
    PHOTO_MAX_BYTES,
    citizen_report_create,
    citizen_report_review,
)
from kotapintar.flood.services.rob import rob_forecast_refresh
from kotapintar.flood.services.stations import (
    DatastreamSpec,
    datastream_add,
    datum_offset_create,
    station_create,
    station_tide_set,
    threshold_set_create,
)

__all__ = [
    "CSV_MAX_BYTES",
    "DELIVERY_MAX_ATTEMPTS",
    "FUTURE_TOLERANCE",
    "MAX_BATCH",
    "PHOTO_MAX_BYTES",
    "DatastreamSpec",
    "IngestResult",
    "alert_acknowledge",
    "alerts_reissue",
    "channel_create",
    "citizen_report_create",
    "citizen_report_review",
    "datastream_add",
    "datum_offset_create",
    "deliveries_retry_due",
    "delivery_attempt",
    "delivery_claim",
    "gc_paused",
    "heartbeat",
    "incidents_acknowledge",
    "history_maintain",
    "maintenance_log_add",
    "partitions_ahead",
    "pump_state_set",
    "quarantine_add",
    "raw_retention_apply",
    "readings_csv_import",
    "readings_ingest",
    "rob_forecast_refresh",
    "rollups_rebuild",
    "shelter_update",
    "silent_check",
    "station_create",
    "station_tide_set",
    "threshold_set_create",
]
