"""Domain exceptions: a stable machine code, a translated message and optional detail.

The API turns every DomainError into `{"code", "message", "detail"}` with its 4xx status; views show
the message. Apps subclass these (or raise them directly with their own code).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message: str | Promise = _("The request could not be processed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        detail: Any = None,
        status: int | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": self.detail}


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


class BadUpload(DomainError):
    status = 400
    code = "bad_upload"
    default_message = _("The uploaded data could not be read. Send a valid multipart form.")


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _("The upload is larger than allowed.")
