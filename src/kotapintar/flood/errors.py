"""Every error code of the flood app, declared once (code, HTTP status by base class, translated message).

`REJECT_REASONS` is the other table: why ingestion refused one reading. A reason is reported per reading
(`rejected[].code` in the ingest answer, `reason_code` on a quarantine row), never as the code of an
error response, except `bad_time`, which is also declared here as an error.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict, TooLarge, ValidationFailed, declare

# Stations, thresholds, datum offsets, tide constituents.
BadLocation = declare("bad_location", ValidationFailed, _("The location is not valid."))
OutsideCity = declare("outside_city", ValidationFailed, _("The location is outside the city."))
StationExists = declare("station_exists", Conflict, _("A station with this code exists already."))
BadParameter = declare("bad_parameter", ValidationFailed, _("Unknown parameter."))
BadInterval = declare(
    "bad_interval", ValidationFailed, _("The expected interval must be at least 10 seconds.")
)
BadTime = declare(
    "bad_time", ValidationFailed, _("The time is not an ISO 8601 date and time with a time zone.")
)
BadLimits = declare("bad_limits", ValidationFailed, _("Limits must be finite and Waspada < Siaga < Awas."))
BadAliases = declare("bad_aliases", ValidationFailed, _("Give four level names (Normal to Awas)."))
ThresholdExists = declare("threshold_exists", Conflict, _("A threshold set with this start exists already."))
BadOffset = declare("bad_offset", ValidationFailed, _("The offset is not valid."))
DatumExists = declare("datum_exists", Conflict, _("A datum offset with this start exists already."))
BadConstituents = declare("bad_constituents", ValidationFailed, _("The constituents are not valid."))

# Ingestion (HTTP batch and CSV back-fill).
MalformedJson = declare("malformed_json", ValidationFailed, _("The body is not valid JSON."))
UploadTooLarge = declare("upload_too_large", TooLarge, _("The upload is too large."))
BadCsv = declare("bad_csv", ValidationFailed, _("The file is not UTF-8 text."))
BadCsvHeader = declare(
    "bad_csv_header", ValidationFailed, _("The CSV needs the columns station, parameter, time and value.")
)
TooManyRows = declare("too_many_rows", ValidationFailed, _("The CSV has too many rows."))

# Alerts and notification channels.
AlreadyAcknowledged = declare(
    "already_acknowledged", Conflict, _("This alert has been acknowledged already.")
)
BadNote = declare("bad_note", ValidationFailed, _("The note is longer than 500 characters."))
NoIncidents = declare("no_incidents", ValidationFailed, _("Choose at least one open incident."))
BadThresholdFile = declare(
    "bad_threshold_file",
    ValidationFailed,
    _("The threshold file is not a JSON object of station codes to Waspada, Siaga and Awas limits."),
)
BadChannel = declare("bad_channel", ValidationFailed, _("Unknown channel kind."))
ChannelTargetRefused = declare(
    "channel_target_refused",
    ValidationFailed,
    _(
        "This channel address is not allowed: it leads inside the network (loopback, private, "
        "link-local, multicast or reserved address). Ask the server operator to allow-list the host."
    ),
)

# Citizen reports.
PhotoTooLarge = declare("photo_too_large", ValidationFailed, _("The photo is larger than 5 MB."))
PhotoType = declare("photo_type", ValidationFailed, _("The photo must be a JPEG, PNG or WebP image."))
BadDepth = declare("bad_depth", ValidationFailed, _("The water depth must be between 0 and 500 cm."))
TextTooLong = declare("text_too_long", ValidationFailed, _("The description is too long."))
AlreadyReviewed = declare("already_reviewed", Conflict, _("This report has been reviewed already."))

# Pumps, shelters, maintenance.
BadState = declare("bad_state", ValidationFailed, _("The pump state must be on, off or fault."))
StaleState = declare("stale_state", Conflict, _("A newer pump state is recorded already."))
BadOccupancy = declare(
    "bad_occupancy", ValidationFailed, _("The occupancy is not plausible for this shelter.")
)
BadStatus = declare("bad_status", ValidationFailed, _("Unknown status."))
BadAction = declare("bad_action", ValidationFailed, _("Describe the work done."))

#: Reasons a reading is refused: code → translated message. Quarantine rows keep the code.
REJECT_REASONS = {
    "malformed": _("The reading is not a JSON object with station, parameter, time and value."),
    "unknown_station": _("Unknown station."),
    "unknown_parameter": _("The station has no datastream for this parameter."),
    "bad_time": BadTime.default_message,
    "future_time": _("The time is too far in the future."),
    "too_old": _("The time is before 1990."),
    "not_numeric": _("The value is not a number."),
    "impossible_value": _("The value is outside the physically possible range for this parameter."),
    "bad_quality": _("The quality flag is not one of good, suspect or estimated."),
    # Whole MQTT messages (`kotapintar.flood.mqtt`): refused before or while their JSON is read.
    "message_too_large": _("The message is larger than the consumer accepts."),
    "bad_topic": _("The topic is not <prefix>/<station>/<parameter>."),
    "bad_utf8": _("The message is not UTF-8 text."),
    "too_deep": _("The message nests arrays or objects too deeply."),
    "not_finite": _("The message holds NaN or an infinite number."),
    "parse_error": _("The message could not be read."),
    "store_failed": _("The message could not be stored after several tries."),
}
