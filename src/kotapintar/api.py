"""The one JSON API: `/api/v1/`, one router per app, one error body everywhere.

Every error is `{"code", "message", "detail"}` with a 4xx status; the message is translated into the
caller's language (Accept-Language, the language cookie, or Indonesian by default).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from kotapintar.batik.api import router as batik_router
from kotapintar.core.api import router as core_router
from kotapintar.core.errors import (
    BadUpload,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationFailed,
)
from kotapintar.esign.api import router as esign_router
from kotapintar.flood.api import router as flood_router
from kotapintar.masterplan.api import router as masterplan_router
from kotapintar.wallet.api import router as wallet_router

api = NinjaAPI(
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
    return error_response(request, exc.status, exc.code, str(exc.message), exc.detail)


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
    return error_response(request, 422, "validation_error", str(ValidationFailed.default_message), detail)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", str(NotAuthenticated.default_message))


@api.exception_handler(AuthorizationError)
def _authz_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "permission_denied", str(PermissionDenied.default_message))


@api.exception_handler(DjangoPermissionDenied)
def _perm_error(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error_response(request, 403, "permission_denied", str(PermissionDenied.default_message))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(NotFound.default_message))


@api.exception_handler(MultiPartParserError)
def _multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error_response(request, 400, "bad_upload", str(BadUpload.default_message))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", str(TooLarge.default_message))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "bad_request", str(DomainError.default_message))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


api.add_router("/core/", core_router)
api.add_router("/masterplan/", masterplan_router)
api.add_router("/esign/", esign_router)
api.add_router("/batik/", batik_router)
api.add_router("/wallet/", wallet_router)
api.add_router("/flood/", flood_router)
