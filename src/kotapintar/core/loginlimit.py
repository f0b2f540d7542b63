"""Sign-in limits: failed passwords counted per identity and client, with a way in for the real user.

Every password sign-in (the site's form, /admin/login/, any future form) goes through Django's
`authenticate()`, and so through `RateLimitedModelBackend`, the only authentication backend. It
refuses a locked attempt before the password is looked at, counts a failure, and forgets the client's
failures on a success. The policy (docs/security.md):

- The identity is the username as Django matches it, NFKC-normalised and case-folded, so `ａｄmin`,
  `Admin` and `admin` share one budget.
- A client is the browser's *device cookie* when it carries a valid one for this identity (set on
  each successful sign-in, signed with SECRET_KEY), else its address (kotapintar.core.clientip).
- Failures per identity and client: LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW_S. Per identity from all
  unknown clients together: LOGIN_IDENTITY_RATE_LIMIT per LOGIN_LONG_WINDOW_S; per address over all
  identities (password spraying): LOGIN_ADDRESS_RATE_LIMIT per LOGIN_LONG_WINDOW_S. The last two do
  not apply to a known device, so an attacker who locks an account from elsewhere does not lock out
  the official's own browser.
- A lock lifts when its window ends; the answer is 429 with Retry-After. Successes are never counted.

API tokens are 256-bit random values, so a valid one is never a guess; invalid bearer tokens are counted
per client address (TOKEN_FAILURE_LIMIT per LOGIN_RATE_WINDOW_S) and answered 429 past the limit.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from kotapintar.core import ratelimit
from kotapintar.core.clientip import client_ip, client_key
from kotapintar.core.errors import LoginLocked, RateLimited, TokenAttemptsLimited
from kotapintar.core.models import Role
from kotapintar.core.permissions import admin_view_permissions, has_role

log = logging.getLogger(__name__)

DEVICE_COOKIE = "kp_perangkat"
_DEVICE_SALT = "kotapintar.core.loginlimit.device"


def identity(username: str) -> str:
    """The username as one budget: NFKC (as Django's forms and user model normalise it), case-folded."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())
    return folded.strip()


def _digest(*parts: str) -> str:
    """Bucket keys carry no usernames (people type passwords into the username field) and fit 200 chars."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


@dataclass(frozen=True)
class Budget:
    key: str
    limit: int
    window_s: int


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: who it is for and where it comes from."""

    identity: str
    address: str  # the client_key: IPv4 address or IPv6 /64
    device: str | None  # the nonce of a valid device cookie for this identity, else None

    @property
    def client_budget(self) -> Budget:
        who = (
            f"d:{_digest(self.identity, self.device)}"
            if self.device
            else f"c:{_digest(self.identity, self.address)}"
        )
        return Budget(f"login:{who}", settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW_S)

    @property
    def identity_budget(self) -> Budget:
        key = f"login:i:{_digest(self.identity)}"
        return Budget(key, settings.LOGIN_IDENTITY_RATE_LIMIT, settings.LOGIN_LONG_WINDOW_S)

    @property
    def address_budget(self) -> Budget:
        key = f"login:a:{_digest(self.address)}"
        return Budget(key, settings.LOGIN_ADDRESS_RATE_LIMIT, settings.LOGIN_LONG_WINDOW_S)

    def guarding(self) -> list[Budget]:
        """The budgets that can lock this attempt: a known device answers only for itself."""
        if self.device:
            return [self.client_budget]
        return [self.client_budget, self.identity_budget, self.address_budget]

    def counting(self) -> list[Budget]:
        """The budgets a failure uses up: a known device's failures still count against the account."""
        return [self.client_budget, self.identity_budget, *([] if self.device else [self.address_budget])]


def _device_of(request: HttpRequest, ident: str) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("i") != _digest(ident) or not isinstance(value.get("n"), str):
        return None
    return str(value["n"])


def attempt_for(request: HttpRequest, username: str) -> Attempt:
    ident = identity(username)
    return Attempt(identity=ident, address=client_key(request), device=_device_of(request, ident))


def check(attempt: Attempt) -> None:
    """Raise LoginLocked (with the seconds to wait) when any budget guarding the attempt is spent."""
    wait = max(ratelimit.locked_for(b.key, limit=b.limit, window_s=b.window_s) for b in attempt.guarding())
    if wait:
        raise LoginLocked(retry_after=wait)


def failed(attempt: Attempt) -> None:
    for b in attempt.counting():
        ratelimit.hit(b.key, limit=b.limit, window_s=b.window_s)


def succeeded(attempt: Attempt) -> None:
    """A success is not counted; it clears this client's failures (not the account's)."""
    ratelimit.reset(attempt.client_budget.key)


# --- per-request state: the lock to answer with, the device cookie to give ------------------------


@dataclass
class _Outcome:
    locked: RateLimited | None = None
    device_for: str | None = field(default=None)


_OUTCOMES: weakref.WeakKeyDictionary[HttpRequest, _Outcome] = weakref.WeakKeyDictionary()


def _outcome(request: HttpRequest) -> _Outcome:
    return _OUTCOMES.setdefault(request, _Outcome())


def lock_of(request: HttpRequest) -> RateLimited | None:
    found = _OUTCOMES.get(request)
    return found.locked if found is not None else None


class RateLimitedModelBackend(ModelBackend):
    """Django's ModelBackend behind the sign-in limits. A call without a request (an internal check,
    the test client's `login()`) has no client to count against and is not limited."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        attempt = attempt_for(request, str(username))
        try:
            check(attempt)
        except LoginLocked as exc:
            _outcome(request).locked = exc
            log.warning(
                "sign-in refused while locked: client %s, retry after %ss",
                client_ip(request),
                exc.retry_after,
            )
            raise PermissionDenied from exc  # authenticate() stops here: the password is not tried
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            failed(attempt)
        else:
            succeeded(attempt)
            _outcome(request).device_for = attempt.identity
        return user

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Django's, plus every model's view permission for the city administrator: the `/admin/`
        site then shows them all the data, read-only (changes go through the console's audited
        services, or need a Django permission given explicitly)."""
        perms: set[str] = super().get_all_permissions(user_obj, obj)
        if obj is None and user_obj.is_active and has_role(user_obj, Role.ADMIN_KOTA):
            return perms | admin_view_permissions(user_obj)
        return perms


class _LockMessageMixin:
    """A form whose refusal by the lock says so (login_locked), instead of "wrong password"."""

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc, no-any-return]
        except ValidationError:
            locked = lock_of(self.request) if self.request is not None else None
            if locked is None:
                raise
            raise ValidationError(str(locked.message), code=locked.code) from None


# Django's own wording puts "%(username)s" (the field's name, "nama pengguna") after "nama pengguna" in
# its Indonesian catalogue: "Masukkan nama pengguna nama pengguna dan sandi…". Ours names the fields once.
_INVALID_LOGIN = gettext_lazy("Wrong username or password. Both are case-sensitive.")
_INVALID_STAFF_LOGIN = gettext_lazy(
    "Wrong username or password, or the account may not use the administration. Both are case-sensitive."
)


class LoginForm(_LockMessageMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": _INVALID_LOGIN}


class AdminLoginForm(_LockMessageMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": _INVALID_STAFF_LOGIN}


class LoginLimitMiddleware:
    """Answers a refused sign-in with 429 and Retry-After; gives a device cookie after a success."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        outcome = _OUTCOMES.pop(request, None)
        if outcome is None:
            return response
        if outcome.locked is not None:
            if response.status_code == 200:  # the form shown again, with the lock's message
                response.status_code = 429
            response["Retry-After"] = str(outcome.locked.retry_after or 1)
        if outcome.device_for is not None:
            value = signing.dumps(
                {"i": _digest(outcome.device_for), "n": secrets.token_urlsafe(16)}, salt=_DEVICE_SALT
            )
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=settings.LOGIN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def token_failed(request: HttpRequest) -> None:
    """Count an invalid bearer token from this client; raise TokenAttemptsLimited past the limit."""
    key = f"token-fail:{_digest(client_key(request))}"
    ratelimit.check(
        key,
        limit=settings.TOKEN_FAILURE_LIMIT,
        window_s=settings.LOGIN_RATE_WINDOW_S,
        error=TokenAttemptsLimited,
    )
