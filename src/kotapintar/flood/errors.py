"""Domain errors of the flood app (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import DomainError, ValidationFailed

#: Reasons a reading is refused: code → translated message. Quarantine rows keep the code.
REJECT_REASONS = {
    "malformed": _("The reading is not a JSON object with station, parameter, time and value."),
    "unknown_station": _("Unknown station."),
    "unknown_parameter": _("The station has no datastream for this parameter."),
    "bad_time": _("The time is not an ISO 8601 date and time with a time zone."),
    "future_time": _("The time is too far in the future."),
    "too_old": _("The time is before 1990."),
    "not_numeric": _("The value is not a number."),
    "impossible_value": _("The value is outside the physically possible range for this parameter."),
    "bad_quality": _("The quality flag is not one of good, suspect or estimated."),
}


class ReadingRejected(ValidationFailed):
    code = "reading_rejected"


class UploadTooLarge(DomainError):
    status = 413
    code = "upload_too_large"
    default_message = _("The upload is too large.")
