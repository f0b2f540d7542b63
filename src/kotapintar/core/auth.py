"""API authentication: `Authorization: Bearer <token>` for clients, the session (with CSRF) for browsers.

CSRF protects what a browser sends with its cookies. A request without the session cookie carries no
ambient authority, so the session check does not ask it for a CSRF token: a non-browser client can call
the public writes (citizen reports, verification, QRIS decode, token verify) with no cookie at all, while
a request that does carry the session cookie must bring its CSRF token (403 `csrf_failed`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kotapintar.core.loginlimit import token_failed
from kotapintar.core.services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(raw=token)
        if user is None:
            token_failed(request)  # counted per client; past the limit: 429 instead of 401
        else:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser session; CSRF is checked only when the request carries the session cookie."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        key: str | None = super()._get_key(request)
        return key


class Anonymous:
    """Lets a public operation through while still identifying a signed-in caller."""

    def __call__(self, request: HttpRequest) -> bool:
        return True


bearer_auth = BearerTokenAuth()
session_auth = BrowserSessionAuth()

#: Operations that need a signed-in user or a token.
AUTH: list[Any] = [bearer_auth, session_auth]
#: Public operations: anyone may call; a token or session identifies the caller when present.
PUBLIC: list[Any] = [bearer_auth, session_auth, Anonymous()]
