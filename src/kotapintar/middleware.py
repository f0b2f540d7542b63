"""The request guard: what every request must satisfy before a view (or the API) sees it.

- **No NUL character** in the path, the query string, a header (cookies too), a form field or a JSON string:
  PostgreSQL cannot store one in text, so without this check a NUL reaching a query is a 500. The answer
  is a 422 with the declared code `nul_character` (JSON under /api/, the 400 page elsewhere).
- **Uploads bounded while they stream.** Each upload endpoint has its own limit (`upload_limits()`,
  keyed by URL route); any other request may send at most `DATA_UPLOAD_MAX_MEMORY_SIZE` (UPLOAD_MAX_BYTES).
  A declared Content-Length above the limit is refused before a byte is read; otherwise a counting
  upload handler stops the multipart parser as soon as the file parts pass the limit, so nothing larger
  is spooled to disk. The answer is a 413 with the declared code `too_large`.

It runs before the CSRF middleware, so its limits apply to the first read of the body.

A view that needs the raw body (a webhook's signature, an OCSP or TSA request, a JSON batch) reads it
with `raw_body`: when a form was sent instead, the body has already been parsed as a form and is gone,
which is a 415 `unsupported_media_type`, not a 500. A DomainError a plain (non-API) view lets through is
answered with its status on the 400 page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import render

from kotapintar.core.errors import DomainError, NulCharacter, TooLarge, UnsupportedMediaType

NUL = "\x00"
#: Room for the multipart boundaries, part headers and small form fields next to the file itself.
MULTIPART_OVERHEAD = 64 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UploadTooLarge(MultiPartParserError):
    """The multipart body passed the endpoint's limit while it was being read."""


def upload_limits() -> dict[str, int]:
    """The file bytes each upload endpoint accepts, by URL route (`request.resolver_match.route`)."""
    from kotapintar.esign.documents import max_upload_bytes
    from kotapintar.flood.services import CSV_MAX_BYTES, PHOTO_MAX_BYTES
    from kotapintar.masterplan.xlsx import MAX_BYTES as XLSX_MAX_BYTES

    pdf = max_upload_bytes()
    return {
        "api/v1/esign/documents": pdf,
        "api/v1/esign/verify": pdf,
        "tte/dokumen/unggah/": pdf,
        "tte/verifikasi/": pdf,
        "tte/dokumen/<uuid:public_id>/selesaikan/": pdf,
        "api/v1/flood/readings/csv": CSV_MAX_BYTES,
        "api/v1/flood/reports": PHOTO_MAX_BYTES,
        "banjir/lapor/": PHOTO_MAX_BYTES,
        "masterplan/opd/<slug:opd_code>/unggah/": XLSX_MAX_BYTES,
        # Anonymous public JSON writes take no file: their whole body fits in MULTIPART_OVERHEAD.
        "api/v1/wallet/qris/decode": 0,
        "api/v1/wallet/cards/verify-token": 0,
    }


def upload_limit(request: HttpRequest) -> int:
    match = request.resolver_match
    limit = upload_limits().get(match.route) if match is not None else None
    return limit if limit is not None else int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**31)


class CountingUploadHandler(FileUploadHandler):
    """First in the chain of upload handlers: counts the file bytes and stops the parser at the limit."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._discard_files()
            raise UploadTooLarge(f"upload larger than {self.limit} bytes")
        return raw_data

    def _discard_files(self) -> None:
        """Close (and so delete) what the handlers after this one spooled so far (at most the limit)."""
        for handler in self.request.upload_handlers if self.request is not None else []:
            upload = getattr(handler, "file", None)
            if handler is not self and upload is not None:
                upload.close()

    def file_complete(self, file_size: int) -> None:
        return None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _query_has_nul(query: Any) -> bool:
    return any(NUL in key or any(NUL in v for v in query.getlist(key)) for key in query)


def _json_has_nul(body: bytes) -> bool:
    if b"\\u0000" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the API answers bad_json


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if (
            NUL in request.path_info
            or _query_has_nul(request.GET)
            or any(NUL in str(v) for k, v in request.META.items() if k.startswith("HTTP_"))
        ):
            return _refuse(request, NulCharacter())
        limit = upload_limit(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_OVERHEAD:
            return _refuse(request, TooLarge(detail={"max_bytes": limit}))
        request.upload_handlers.insert(0, CountingUploadHandler(request, limit))
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        content_type = request.content_type or ""
        try:
            if request.method == "POST" and content_type in FORM_TYPES:
                if _query_has_nul(request.POST):
                    return _refuse(request, NulCharacter())
            elif content_type == "application/json" or content_type.endswith("+json"):
                if _json_has_nul(request.body):
                    return _refuse(request, NulCharacter())
        except UploadTooLarge:
            return _refuse(request, TooLarge(detail={"max_bytes": limit}))
        except (MultiPartParserError, RequestDataTooBig) as exc:
            if not request.path_info.startswith("/api/"):
                raise  # Django answers both with its 400 page
            from kotapintar.api import api

            return api.on_exception(request, exc)  # the API's table of framework errors
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return _refuse(request, exception)
        return None


def raw_body(request: HttpRequest) -> bytes:
    """The request's body as sent; UnsupportedMediaType when it was a form already parsed (and consumed)."""
    try:
        return request.body
    except RawPostDataException:
        raise UnsupportedMediaType() from None


def _refuse(request: HttpRequest, error: DomainError) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        from kotapintar.api import error_response

        return error_response(request, error.status, error.code, str(error.message), error.detail)
    return render(
        request, "400.html", {"message": error.message, "status": error.status}, status=error.status
    )
