"""Domain errors: a stable machine code, a translated message, an HTTP status and optional detail.

Every app declares each code it raises once, in its own `errors.py`, as a one-line table row:

    DimensionNotFound = declare("dimension_not_found", NotFound, _("Unknown dimension."))

`declare` makes a subclass of the given base (its status: NotFound → 404, Conflict → 409, …) and
enters the code in one registry. A service raises the declared class (`raise DimensionNotFound()`,
optionally with `detail=` or a more specific translated message); there is no other way to give an
error a code, so a code cannot be raised without being declared. The API turns every DomainError into
`{"code", "message", "detail"}` with its status, and the OpenAPI schema (`Error`) lists every code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ErrorCode:
    """One row of the registry: what a client may see in `code`, with its status and message."""

    code: str
    status: int
    message: str | Promise
    module: str


#: code → its declaration. Filled as each app's errors module is imported.
REGISTRY: dict[str, ErrorCode] = {}


def _register(cls: type[DomainError]) -> None:
    entry = ErrorCode(cls.code, cls.status, cls.default_message, cls.__module__)
    known = REGISTRY.get(cls.code)
    if known is not None and known.module != entry.module:
        raise TypeError(f"error code {cls.code!r} is declared twice: in {known.module} and {entry.module}")
    REGISTRY[cls.code] = entry


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message: str | Promise = _("The request could not be processed.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            _register(cls)

    def __init__(self, message: str | Promise | None = None, *, detail: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


E = TypeVar("E", bound="DomainError")


def declare(code: str, base: type[E], message: str | Promise) -> type[E]:
    """Declare one error code of an app: a subclass of `base` (which fixes the status) named after it."""
    name = "".join(part.title() for part in code.split("_"))
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    return type(name, (base,), {"code": code, "default_message": message, "__module__": module})


def error_codes() -> list[ErrorCode]:
    """Every declared code, sorted; import the API (kotapintar.api) first to load every app's errors."""
    return sorted(REGISTRY.values(), key=lambda e: e.code)


_register(DomainError)


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    default_message = _("The data sent is not valid.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("You need to sign in or send a valid API token.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please wait a moment and try again.")

    def __init__(
        self, message: str | Promise | None = None, *, detail: Any = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        #: Seconds until the limit lifts; the answer carries it as Retry-After.
        self.retry_after = retry_after


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    default_message = _("This address does not take a form. Send the body its documentation describes.")


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _("The upload is larger than allowed.")


# The core app's own codes.
BadUpload = declare(
    "bad_upload", DomainError, _("The uploaded data could not be read. Send a valid multipart form.")
)
HttpError = declare("http_error", DomainError, _("The request could not be processed."))
OtherOpd = declare("other_opd", PermissionDenied, _("You can only act on the work of your own OPD."))
CityMissing = declare(
    "city_missing",
    NotFound,
    _("No city is set up yet: run `kotapintar city-init` (or `seed-demo` for the demo)."),
)
IdempotencyKeyReused = declare(
    "idempotency_key_reused", Conflict, _("This Idempotency-Key was already used with different parameters.")
)
UserNotFound = declare("user_not_found", NotFound, _("Unknown user."))
BatchTooLarge = declare(
    "batch_too_large", ValidationFailed, _("The batch holds more items than one upload may.")
)
BadKind = declare("bad_kind", ValidationFailed, _("Unknown kind."))
LoginLocked = declare(
    "login_locked", RateLimited, _("Too many failed sign-in attempts. Please try again in a few minutes.")
)
TokenAttemptsLimited = declare(
    "token_attempts_limited",
    RateLimited,
    _("Too many invalid API tokens from this address. Please wait before trying again."),
)
NulCharacter = declare(
    "nul_character", ValidationFailed, _("The request contains a NUL character, which is not allowed.")
)
CsrfFailed = declare(
    "csrf_failed",
    PermissionDenied,
    _("The form has expired or was not sent from this site. Reload the page and try again."),
)
BadJson = declare("bad_json", DomainError, _("The request body is not valid JSON."))

# Backup and restore (`kotapintar backup` / `kotapintar restore`).
BackupFolderNotEmpty = declare(
    "backup_folder_not_empty", Conflict, _("The backup folder is not empty: give a new or empty folder.")
)
BackupToolMissing = declare(
    "backup_tool_missing",
    NotFound,
    _("A PostgreSQL client tool (pg_dump or pg_restore) was not found on PATH: install postgresql-client."),
)
BackupToolTooOld = declare(
    "backup_tool_too_old",
    Conflict,
    _("The PostgreSQL client tools are older than the server: install the client of the same major version."),
)
BackupToolFailed = declare("backup_tool_failed", Conflict, _("The database tool failed; see the detail."))
BackupPassphraseMissing = declare(
    "backup_passphrase_missing", ValidationFailed, _("No passphrase was given for the backup's keys.")
)
BackupPassphraseWeak = declare(
    "backup_passphrase_weak",
    ValidationFailed,
    _("The backup passphrase must be at least 12 characters long."),
)
BackupNotFound = declare(
    "backup_not_found", NotFound, _("This folder holds no backup (manifest.json is missing).")
)
BackupInvalid = declare(
    "backup_invalid", ValidationFailed, _("The backup's manifest cannot be read or is of an unknown format.")
)
BackupCorrupt = declare(
    "backup_corrupt",
    Conflict,
    _("The backup is damaged or was altered: a file does not match its manifest. Nothing was restored."),
)
BackupWrongPassphrase = declare(
    "backup_wrong_passphrase",
    PermissionDenied,
    _("Wrong passphrase, or the backup's manifest was altered. Nothing was restored."),
)
BackupEngineMismatch = declare(
    "backup_engine_mismatch",
    Conflict,
    _("The backup comes from another database engine than the one configured here."),
)
BackupFromNewerVersion = declare(
    "backup_from_newer_version",
    Conflict,
    _("The backup holds migrations this version does not know: install the version that made it."),
)
RestoreTargetNotEmpty = declare(
    "restore_target_not_empty",
    Conflict,
    _("The target is not empty: restore into an empty database and media folder, or pass --force."),
)
RestoreSecretsDiffer = declare(
    "restore_secrets_differ",
    Conflict,
    _(
        "This server's secrets differ from the backup's: "
        "pass --secrets-out FILE to write them for the environment."
    ),
)

# The administration console (`/kelola/`): users, roles, OPD, one-time password links.
LastAdmin = declare(
    "last_admin",
    Conflict,
    _(
        "This would leave the platform without an active administrator: "
        "make another user an administrator first."
    ),
)
OwnAccount = declare(
    "own_account", Conflict, _("You cannot deactivate your own account: ask another administrator.")
)
UsernameTaken = declare("username_taken", Conflict, _("This username is already taken."))
BadUsername = declare(
    "bad_username",
    ValidationFailed,
    _("A username holds 3 to 150 letters, digits and the characters . _ - only."),
)
BadEmail = declare("bad_email", ValidationFailed, _("This is not a valid e-mail address."))
UnknownRole = declare("unknown_role", ValidationFailed, _("Unknown role."))
OpdNotFound = declare("opd_not_found", NotFound, _("Unknown OPD."))
OpdCodeTaken = declare("opd_code_taken", Conflict, _("Another OPD already has this code."))
BadOpd = declare(
    "bad_opd", ValidationFailed, _("An OPD needs a code (letters, digits, - and _), a name and a short name.")
)
PasswordRejected = declare(
    "password_rejected", ValidationFailed, _("The password does not meet the rules; see the detail.")
)
PasswordLinkInvalid = declare(
    "password_link_invalid",
    DomainError,
    _("This password link is invalid, has expired or was already used: ask an administrator for a new one."),
)
NoEmail = declare("no_email", ValidationFailed, _("This user has no e-mail address to send the link to."))
TokenNotFound = declare("token_not_found", NotFound, _("Token not found."))
# Setting up a city (`kotapintar city-init`): the inputs are refused with the feature or row and the reason.
CityCodeInvalid = declare(
    "city_code_invalid",
    ValidationFailed,
    _("The Kemendagri code of a city is two groups of two digits, e.g. 33.76."),
)
CityNameInvalid = declare(
    "city_name_invalid", ValidationFailed, _("Give the city's name, e.g. “Kota Tegal”.")
)
CityExists = declare(
    "city_exists",
    Conflict,
    _("A city is already set up in this database: one installation serves one city."),
)
GeojsonInvalid = declare(
    "geojson_invalid", ValidationFailed, _("The file is not a GeoJSON FeatureCollection of polygons.")
)
BoundaryGeometryInvalid = declare(
    "boundary_geometry_invalid", ValidationFailed, _("A boundary is not a valid polygon.")
)
BoundaryRingOpen = declare(
    "boundary_ring_open",
    ValidationFailed,
    _("A boundary polygon does not close: its last point must be its first."),
)
BoundaryOutsideRange = declare(
    "boundary_outside_range",
    ValidationFailed,
    _("A boundary lies outside Indonesia (longitude 94–142, latitude −11.5–6.5, WGS 84)."),
)
BoundaryCodeInvalid = declare(
    "boundary_code_invalid",
    ValidationFailed,
    _("A feature's Kemendagri code is missing or does not fit the city."),
)
BoundaryCodeDuplicate = declare(
    "boundary_code_duplicate", ValidationFailed, _("Two features carry the same Kemendagri code.")
)
BoundaryNameInvalid = declare(
    "boundary_name_invalid",
    ValidationFailed,
    _("A feature's name is missing, or repeats a name in its kecamatan."),
)
BoundaryKecamatanMissing = declare(
    "boundary_kecamatan_missing",
    ValidationFailed,
    _("A kelurahan's kecamatan is not named or not in the kecamatan file."),
)
BoundaryValueInvalid = declare(
    "boundary_value_invalid",
    ValidationFailed,
    _("A feature's population or area is not a number of the right kind."),
)
OpdSheetInvalid = declare(
    "opd_sheet_invalid", ValidationFailed, _("The OPD list is not a readable .xlsx or .csv file.")
)
OpdSheetColumnsMissing = declare(
    "opd_sheet_columns_missing",
    ValidationFailed,
    _("The OPD list lacks required columns: code, name and short_name."),
)
OpdSheetRowInvalid = declare(
    "opd_sheet_row_invalid", ValidationFailed, _("A row of the OPD list is not valid.")
)
