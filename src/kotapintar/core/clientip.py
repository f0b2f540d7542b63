"""The client address of a request: `client_ip` for records and logs, `client_key` for rate limits.

`REMOTE_ADDR` is the client unless it is one of the TRUSTED_PROXIES; then X-Forwarded-For is read
from the right and the right-most untrusted hop is the client (see kotapintar.lib.ipnets). With the
default (no trusted proxies) the header is never believed. No other module reads REMOTE_ADDR.
"""

from __future__ import annotations

import functools
import ipaddress

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


#: An IPv6 subscriber gets a whole /64 (often more): a limit per address would be no limit at all.
IPV6_BUCKET_PREFIX = 64


def client_key(request: HttpRequest | object) -> str:
    """The client as every rate limit counts it: its IPv4 address, or its IPv6 /64 network."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:  # "unknown"
        return address
    if parsed.version == 4:
        return address
    host_bits = 128 - IPV6_BUCKET_PREFIX
    return str(ipaddress.IPv6Network((int(parsed) >> host_bits << host_bits, IPV6_BUCKET_PREFIX)))
