"""API authentication: `Authorization: Bearer <token>` for clients, the session (with CSRF) for browsers."""

from __future__ import annotations

from typing import Any

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


class Anonymous:
    """Lets a public operation through while still identifying a signed-in caller."""

    def __call__(self, request: HttpRequest) -> bool:
        return True


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()

#: Operations that need a signed-in user or a token.
AUTH: list[Any] = [bearer_auth, session_auth]
#: Public operations: anyone may call; a token or session identifies the caller when present.
PUBLIC: list[Any] = [bearer_auth, session_auth, Anonymous()]
