"""The client address of a request: the one function every rate limit and audit record uses.

`REMOTE_ADDR` is the client unless it is one of the TRUSTED_PROXIES; then X-Forwarded-For is read
from the right and the right-most untrusted hop is the client (see kotapintar.lib.ipnets). With the
default (no trusted proxies) the header is never believed.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest

from kotapintar.lib.ipnets import IPNetwork, forwarded_client, parse_address, parse_networks

UNKNOWN = "unknown"


@functools.lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def client_ip(request: HttpRequest | object) -> str:
    """The client's IP address as text (IPv6 compressed, IPv4-mapped as IPv4), or "unknown"."""
    meta = getattr(request, "META", {})
    peer = parse_address(str(meta.get("REMOTE_ADDR", "") or ""))
    if peer is None:
        return UNKNOWN
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", "") or "")
    return str(forwarded_client(peer, forwarded, trusted_proxies()) if forwarded else peer)
