"""The platform's public address: every absolute link (QR codes, certificate URLs, CAP, e-mail) is
built here from ``SITE_URL``, never from a request's Host header or a hard-coded host."""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host

DEFAULT = "http://127.0.0.1:8000"


def site_url() -> str:
    """``SITE_URL`` without its trailing slash."""
    return str(getattr(settings, "SITE_URL", "") or DEFAULT).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (``/tte/verifikasi/…``) on the platform's public address."""
    return f"{site_url()}/{path.lstrip('/')}"


def local_next(value: object, *, prefix: str = "/") -> str | None:
    """A form's ``next`` when it is a path of this site under ``prefix`` (``/masterplan/``), else None.

    Only a plain path is taken back: no scheme or host, no ``//`` or backslash anywhere (browsers read
    ``/\\evil.example`` as another host), no control characters."""
    text = str(value or "")
    if (
        not text.startswith(prefix)
        or "//" in text
        or "\\" in text
        or any(ord(c) < 0x20 or c == "\x7f" for c in text)
    ):
        return None
    parts = urllib.parse.urlsplit(text)
    return text if not parts.scheme and not parts.netloc else None


def hostname() -> str:
    """The host name of ``SITE_URL`` (``kota.example``), for e-mail senders and iCalendar UIDs."""
    return urllib.parse.urlsplit(site_url()).hostname or "localhost"


def for_bind(host: str, port: str | int) -> str:
    """The ``SITE_URL`` of a server bound to ``host:port`` (``kotapintar run``, ``make run``).
    A wildcard bind is reached on the loopback address."""
    if host in ("", "0.0.0.0"):  # noqa: S104 -- reading a bind address, not binding
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Deployment check: the host of ``SITE_URL`` is one ALLOWED_HOSTS serves, or every link the
    platform hands out (QR codes, certificate URLs, CAP) answers 400."""
    netloc = urllib.parse.urlsplit(site_url()).netloc.rpartition("@")[2]
    domain, _port = split_domain_port(netloc)
    if domain and validate_host(domain, list(settings.ALLOWED_HOSTS)):
        return []
    return [
        checks.Warning(
            f"SITE_URL {site_url()} has a host ({domain or netloc!r}) that is not in ALLOWED_HOSTS "
            f"{list(settings.ALLOWED_HOSTS)}: QR codes, certificate URLs and CAP links would be refused.",
            hint="Set SITE_URL to the address the public reaches the platform at and add its host to "
            "ALLOWED_HOSTS (docs/deployment.md, 'Public address').",
            id="kotapintar.W010",
        )
    ]
