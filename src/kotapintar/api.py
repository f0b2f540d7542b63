"""The one JSON API: `/api/v1/`, one router per app, one error body everywhere.

Every error is `{"code", "message", "detail"}` with a 4xx status; the message is translated into the
caller's language (Accept-Language, the language cookie, or Indonesian by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from kotapintar.batik.api import router as batik_router
from kotapintar.core.api import router as core_router
from kotapintar.core.errors import (
    BadJson,
    BadUpload,
    CsrfFailed,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooLarge,
    ValidationFailed,
    error_codes,
)
from kotapintar.core.errors import (
    HttpError as HttpErrorCode,
)
from kotapintar.esign.api import router as esign_router
from kotapintar.flood.api import router as flood_router
from kotapintar.masterplan.api import router as masterplan_router
from kotapintar.middleware import UploadTooLarge
from kotapintar.opendata.api import router as opendata_router
from kotapintar.wallet.api import router as wallet_router


class KotaPintarAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document names every error code an operation can answer with."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        codes = error_codes()
        error = schema["components"]["schemas"]["ErrorOut"]
        error["description"] = (
            "Every error answer. `code` is one of the codes the apps declare in their errors.py; "
            "`x-error-codes` gives each code's HTTP status and its message (in English; the answer "
            "carries it in the caller's language)."
        )
        error["properties"]["code"]["enum"] = [e.code for e in codes]
        error["x-error-codes"] = {e.code: {"status": e.status, "message": _msgid(e.message)} for e in codes}
        return schema


def _msgid(message: object) -> str:
    """The English message id of a lazily translated string (the schema does not depend on language)."""
    from django.utils import translation

    with translation.override("en"):
        return str(message)


api = KotaPintarAPI(
    title="Kota Pintar API",
    version="1",
    description=(
        "The smart-city platform's JSON API. Authenticate with `Authorization: Bearer <token>` "
        "(create a token on your profile page) or a browser session. Errors are "
        '`{"code", "message", "detail"}` with a 4xx status.'
    ),
    urls_namespace="api-1",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, detail: Any = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "detail": detail}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, str(exc.message), exc.detail)
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {
            "loc": [str(p) for p in err.get("loc", [])],
            "msg": str(err.get("msg", "")),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    return error_response(request, 422, ValidationFailed.code, str(ValidationFailed.default_message), detail)


#: Exceptions raised by Django or ninja below our services, answered as the declared error they mean.
FRAMEWORK_ERRORS: list[tuple[type[Exception], type[DomainError]]] = [
    (AuthenticationError, NotAuthenticated),
    (AuthorizationError, PermissionDenied),
    (DjangoPermissionDenied, PermissionDenied),
    (Http404, NotFound),
    (MultiPartParserError, BadUpload),
    (UploadTooLarge, TooLarge),
    (RequestDataTooBig, TooLarge),
    (SuspiciousOperation, DomainError),
]


def _answer_as(error: type[DomainError]) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handler(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(request, error.status, error.code, str(error.default_message))

    return handler


for _exc_class, _error in FRAMEWORK_ERRORS:
    api.add_exception_handler(_exc_class, _answer_as(_error))


#: ninja's own HttpErrors (English text, no code), by the start of their text → the declared error.
NINJA_HTTP_ERRORS: list[tuple[str, type[DomainError]]] = [
    ("CSRF check Failed", CsrfFailed),
    ("Cannot parse request body", BadJson),
]


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    text = str(exc)
    for start, error in NINJA_HTTP_ERRORS:
        if text.startswith(start):
            return error_response(request, error.status, error.code, str(error.default_message))
    return error_response(request, exc.status_code, HttpErrorCode.code, str(HttpErrorCode.default_message))


api.add_router("/core/", core_router)
api.add_router("/masterplan/", masterplan_router)
api.add_router("/esign/", esign_router)
api.add_router("/batik/", batik_router)
api.add_router("/wallet/", wallet_router)
api.add_router("/flood/", flood_router)
api.add_router("/opendata/", opendata_router)
