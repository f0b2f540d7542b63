"""Every error code of the open data app, declared once.

The platform's own API answers with these (`{"code", "message", "detail"}`). The CKAN-compatible
Action API answers as CKAN does instead (`{"success": false, "error": {"__type", "message"}}`): its
error types are the `CkanError` classes below, also declared here once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict, NotFound, ValidationFailed, declare

DatasetUnknown = declare("dataset_unknown", NotFound, _("No such dataset."))
OpdUnknown = declare("opd_unknown", NotFound, _("No such OPD."))
DatasetPersonal = declare(
    "dataset_personal", Conflict, _("This dataset holds personal data and can never be made public.")
)

CatalogBadPage = declare("catalog_bad_page", ValidationFailed, _("The page must be a whole number from 1."))
BadModifiedSince = declare(
    "bad_modified_since", ValidationFailed, _("modified_since must be an ISO 8601 date and time.")
)


class CkanError(Exception):
    """An error of the CKAN Action API, shaped as CKAN shapes it."""

    type = "Internal Error"
    status = 500

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {"__type": self.type, "message": self.message}
        error.update(self.fields)
        return error


class CkanNotFound(CkanError):
    type = "Not Found Error"
    status = 404


class CkanValidation(CkanError):
    type = "Validation Error"
    status = 409


class CkanSearchError(CkanError):
    type = "Search Query Error"
    status = 409


class CkanBadRequest(CkanError):
    type = "Bad request"
    status = 400
