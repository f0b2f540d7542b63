"""The one outbound HTTP client: every request the platform makes to another server goes through here.

Why: a URL an operator types (a webhook, a bot API base URL) must not make the server talk to the
inside of its own network (SSRF): loopback, private and link-local ranges, cloud metadata at
169.254.169.254, multicast, reserved and documentation ranges, carrier-grade NAT, and IPv6 forms that
lead back to those (IPv4-mapped and -compatible, 6to4, Teredo and NAT64 of a refused IPv4 address).

How:

- The host is put in one canonical form first: IDNA (so fullwidth digits and dots fold to ASCII),
  trailing dot dropped, and every IPv4 spelling a resolver or browser accepts read as the address it
  means (decimal ``2130706433``, octal ``0177.0.0.1``, hex ``0x7f.1``, short ``127.1``) by the WHATWG URL
  rules; bracketed IPv6 is parsed by :mod:`ipaddress`; zone ids are refused.
- A name is resolved (:func:`resolve`); *every* address it resolves to must pass :func:`refusal`, and
  the socket is opened to one of exactly those addresses (no second lookup, so a DNS answer that
  changes between the check and the connection — DNS rebinding — cannot slip through). The HTTP
  ``Host`` header and the TLS SNI/certificate check keep the name.
- Redirects are followed only for GET/HEAD and only when the caller asks (``max_redirects``); each hop
  goes through the same check. POSTs never follow a redirect.
- Every request has a timeout per socket operation and a deadline for reading the answer, and the
  answer is capped (``OUTBOUND_MAX_RESPONSE_BYTES``).

Exceptions: the server operator lists hosts the platform may reach although they are inside
(``OUTBOUND_ALLOW_HOSTS``: ``host`` or ``host:port``, e.g. the city's own TSA, a BSrE service on
10.x), and a caller talking to a service the server operator configured in settings (``BSRE_BASE_URL``,
``SITE_URL``) passes that URL's host in ``allow=`` (:func:`service_hosts`) — never a URL a user gave.

Refusals raise :class:`OutboundRefused`, a failed lookup :class:`Unresolvable`, an oversized answer
:class:`ResponseTooLarge` — all ``OSError``, like every other network failure, so callers that retry
or report network errors treat them the same way. ``tests/core/test_net.py`` proves no other module
opens a connection of its own.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Re-exported so that callers name HTTP protocol errors without importing http.client themselves.
HTTPException = http.client.HTTPException
HTTPConnection = http.client.HTTPConnection

REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class OutboundRefused(OSError):
    """The URL is not one the platform may call; ``reason`` is a stable word (``loopback``, ``private``,
    ``link_local``, ``multicast``, ``reserved``, ``unspecified``, ``shared``, ``documentation``,
    ``ipv4_mapped``, ``ipv4_compatible``, ``bad_url``, ``bad_host``, ``scheme``, ``credentials``)."""

    def __init__(self, reason: str, target: str) -> None:
        super().__init__(f"{reason}: {target}")
        self.reason = reason
        self.target = target


class Unresolvable(OSError):
    """The host name has no address (or the resolver failed)."""


class ResponseTooLarge(OSError):
    """The answer is larger than the cap, or took longer than the deadline to arrive."""


# ---------------------------------------------------------------------------------------------
# The address classifier


def _nets(*rows: tuple[str, str]) -> tuple[tuple[Any, str], ...]:
    return tuple((ipaddress.ip_network(net), reason) for net, reason in rows)


#: IPv4 ranges that are not public unicast (IANA special-purpose registry, conservatively).
_V4_REFUSED = _nets(
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared"),  # carrier-grade NAT (RFC 6598)
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link_local"),  # cloud metadata lives here
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),  # 6to4 relay anycast, deprecated
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),  # benchmarking
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # includes the broadcast address
)

#: IPv6 ranges refused outright. Checked in order, before the tunnels that embed an IPv4 address.
_V6_REFUSED = _nets(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "ipv4_mapped"),
    ("::/96", "ipv4_compatible"),
    ("64:ff9b:1::/48", "private"),  # local-use NAT64
    ("100::/64", "reserved"),  # discard-only
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "private"),  # unique local
    ("fe80::/10", "link_local"),
    ("fec0::/10", "private"),  # site-local, deprecated
    ("ff00::/8", "multicast"),
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_TEREDO = ipaddress.ip_network("2001::/32")
_IETF_V6 = ipaddress.ip_network("2001::/23")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def refusal(address: Address) -> str | None:
    """Why the platform may not connect to ``address`` (a reason word), or None for a public address.

    IPv6 tunnels are judged by the IPv4 address they lead to: NAT64 (64:ff9b::/96, as DNS64 hands out
    for public hosts), 6to4 (2002::/16) and Teredo (the client address); anything else outside the
    global unicast range 2000::/3 is reserved.
    """
    if isinstance(address, ipaddress.IPv4Address):
        for net, reason in _V4_REFUSED:
            if address in net:
                return reason
        return None
    if address.scope_id:
        return "link_local"
    for net, reason in _V6_REFUSED:
        if address in net:
            return reason
    if address in _NAT64:
        return refusal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address in _TEREDO:
        teredo = address.teredo
        assert teredo is not None
        return refusal(teredo[0]) or refusal(teredo[1])
    if address in _IETF_V6:
        return "reserved"
    if address in _SIX_TO_FOUR:
        six_to_four = address.sixtofour
        assert six_to_four is not None
        return refusal(six_to_four)
    if address not in _GLOBAL_UNICAST:
        return "reserved"
    return None


# ---------------------------------------------------------------------------------------------
# Host names


_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)
_NUMBER = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")


def _ipv4_number(part: str) -> int | None:
    if not _NUMBER.match(part):
        return None
    if part[:2] in ("0x", "0X"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if all(c in "01234567" for c in part) else None
    return int(part)


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL IPv4 parser: a host whose last label is a number is an IPv4 address in one of
    the forms inet_aton accepts (1 to 4 parts, each decimal, octal with a leading 0 or hex with 0x).
    None when the host is a name; OutboundRefused when it looks numeric but is no address."""
    parts = host.split(".")
    if not _NUMBER.match(parts[-1]):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise OutboundRefused("bad_host", host)
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise OutboundRefused("bad_host", host)
    value = values[-1]
    for i, n in enumerate(values[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def canonical_host(host: str) -> str | Address:
    """The host as the platform will connect to it: an address, or a lower-case ASCII name without
    trailing dot. Refuses zone ids, empty labels and anything that is neither."""
    if not host or any(c.isspace() or ord(c) < 0x20 for c in host):
        raise OutboundRefused("bad_host", host)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        if "%" in host:
            raise OutboundRefused("link_local", host)
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise OutboundRefused("bad_host", host) from None
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise OutboundRefused("bad_host", host) from None
    ascii_host = ascii_host.rstrip(".")  # a fullwidth trailing dot folds to "." only now
    if not ascii_host:
        raise OutboundRefused("bad_host", host)
    address = _ipv4(ascii_host)
    if address is not None:
        return address
    if not _NAME.match(ascii_host):
        raise OutboundRefused("bad_host", host)
    return ascii_host


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to for a TCP connection (tests replace this function)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"{host}: {exc}") from exc
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unresolvable(host)
    return addresses


# ---------------------------------------------------------------------------------------------
# The allow-list


def _entry(entry: str) -> tuple[str, int | None]:
    """``host`` or ``host:port`` (``[v6]:port``) from OUTBOUND_ALLOW_HOSTS, in canonical form."""
    try:
        parts = urllib.parse.urlsplit("//" + entry.strip())
        host, port = parts.hostname, parts.port
        if not host or parts.username is not None or parts.path:
            raise ValueError(entry)
        return str(canonical_host(host)), port
    except (ValueError, OutboundRefused) as exc:
        raise ImproperlyConfigured(f"OUTBOUND_ALLOW_HOSTS: {entry!r} is not host or host:port") from exc


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check (registered by the core app): every OUTBOUND_ALLOW_HOSTS entry is host or
    host:port, so that a typo shows at start-up, not at the first alert."""
    problems: list[checks.CheckMessage] = []
    for entry in getattr(settings, "OUTBOUND_ALLOW_HOSTS", ()):
        try:
            _entry(entry)
        except ImproperlyConfigured as exc:
            problems.append(checks.Error(str(exc), id="kotapintar.E001"))
    return problems


def service_hosts(*urls: str) -> tuple[str, ...]:
    """``host:port`` of URLs the server operator configured in settings, for ``allow=``."""
    hosts = []
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        if parts.hostname:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
            hosts.append(f"{host}:{port}")
    return tuple(hosts)


def allowed(host: str | Address, port: int, extra: Iterable[str] = ()) -> bool:
    """Whether the (canonical) host and port are on OUTBOUND_ALLOW_HOSTS or in ``extra``."""
    name = str(host)
    for entry in [*getattr(settings, "OUTBOUND_ALLOW_HOSTS", ()), *extra]:
        entry_host, entry_port = _entry(entry)
        if entry_host == name and entry_port in (None, port):
            return True
    return False


def checked_addresses(host: str, port: int, allow: Iterable[str] = ()) -> list[Address]:
    """The addresses the platform may connect to for ``host``: resolved once, every one checked.

    Raises OutboundRefused when the host, or any address it resolves to, is refused, and
    Unresolvable when a name has no address. Allow-listed hosts are resolved but not checked.
    """
    canonical = canonical_host(host)
    if isinstance(canonical, str):
        addresses = resolve(canonical, port)
    else:
        addresses = [canonical]
    if allowed(canonical, port, allow):
        return addresses
    for address in addresses:
        reason = refusal(address)
        if reason is not None:
            raise OutboundRefused(reason, f"{host} ({address})")
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # canonical: an address as text or an ASCII name
    port: int
    path: str  # path and query, as sent in the request line


def parse_url(url: str) -> Target:
    """Split an http(s) URL into what a request needs; refuses other schemes, user:password@ and
    anything malformed. Does not resolve the host (see :func:`check_url`)."""
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        raise OutboundRefused("bad_url", url)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused("bad_url", url) from None
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused("scheme", url)
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused("credentials", url)
    if not parts.hostname:
        raise OutboundRefused("bad_host", url)
    host = canonical_host(parts.hostname)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        scheme=parts.scheme,
        host=str(host),
        port=port or (443 if parts.scheme == "https" else 80),
        path=path,
    )


def check_url(url: str, *, allow: Iterable[str] = ()) -> Target:
    """Refuse now what a request to ``url`` would refuse (e.g. when an operator saves a channel)."""
    target = parse_url(url)
    checked_addresses(target.host, target.port, allow)
    return target


# ---------------------------------------------------------------------------------------------
# Connections


def _open_socket(
    host: str, port: int, timeout: float | None, source: tuple[str, int] | None, allow: tuple[str, ...]
) -> socket.socket:
    """A TCP connection to one of the checked addresses of ``host``, tried in order. The socket is
    made by hand: socket.create_connection would hand the address to getaddrinfo again."""
    last: OSError | None = None
    for address in checked_addresses(host, port, allow):
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect((str(address), port))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        return sock
    assert last is not None
    raise last


class _Guarded:
    """Replaces http.client's socket.create_connection with :func:`_open_socket`: the connection
    goes to a checked address while ``self.host`` (Host header, SNI, certificate name) stays the name."""

    _allow: tuple[str, ...] = ()
    host: str
    port: int

    def _guarded_connection(
        self, address: tuple[str, int], timeout: float | None = None, source: tuple[str, int] | None = None
    ) -> socket.socket:
        return _open_socket(address[0], address[1], timeout, source, self._allow)


class GuardedHTTPConnection(_Guarded, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, timeout: float, allow: Iterable[str] = ()) -> None:
        super().__init__(host, port, timeout=timeout)
        self._allow = tuple(allow)
        self._create_connection = self._guarded_connection


class GuardedHTTPSConnection(_Guarded, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, timeout: float, allow: Iterable[str] = ()) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._allow = tuple(allow)
        self._create_connection = self._guarded_connection


def connection(
    url: str, *, timeout: float | None = None, allow: Iterable[str] = ()
) -> tuple[http.client.HTTPConnection, str]:
    """An unopened connection to ``url``'s server and the path to request. ``connect()`` (or the
    first request) resolves and checks the host; for callers that must tell "could not connect"
    from "sent, no answer" (BSrE signing). Use :func:`request` otherwise."""
    target = parse_url(url)
    seconds = float(timeout if timeout is not None else settings.OUTBOUND_TIMEOUT_S)
    cls = GuardedHTTPSConnection if target.scheme == "https" else GuardedHTTPConnection
    return cls(target.host, target.port, timeout=seconds, allow=allow), target.path


def read_capped(
    response: http.client.HTTPResponse, *, max_bytes: int | None = None, deadline: float | None = None
) -> bytes:
    """The body of ``response``, refusing more than ``max_bytes`` (OUTBOUND_MAX_RESPONSE_BYTES) or a
    body still arriving at ``deadline`` (a time.monotonic() value)."""
    cap = int(max_bytes if max_bytes is not None else settings.OUTBOUND_MAX_RESPONSE_BYTES)
    length = response.getheader("Content-Length")
    if length is not None and length.isdigit() and int(length) > cap:
        raise ResponseTooLarge(f"answer of {length} bytes, more than {cap}")
    chunks: list[bytes] = []
    size = 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise ResponseTooLarge("the answer took longer than the deadline")
        chunk = response.read(min(_CHUNK, cap + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            raise ResponseTooLarge(f"answer larger than {cap} bytes")


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str  # the URL that answered (after redirects)


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int = 0,
    allow: Iterable[str] = (),
) -> Response:
    """One HTTP request through the guard; the answer whatever its status (the caller judges it).

    ``timeout`` bounds each socket operation and, twice over, the whole read of the answer;
    ``max_redirects`` > 0 follows that many redirects of a GET or HEAD, each hop checked again.
    """
    seconds = float(timeout if timeout is not None else settings.OUTBOUND_TIMEOUT_S)
    allow = tuple(allow)
    for _hop in range(max_redirects + 1):
        conn, path = connection(url, timeout=seconds, allow=allow)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            data = read_capped(response, max_bytes=max_bytes, deadline=time.monotonic() + 2 * seconds)
            answer = Response(
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=data,
                url=url,
            )
        finally:
            conn.close()
        location = answer.headers.get("location")
        if answer.status not in REDIRECTS or method not in ("GET", "HEAD") or not location:
            return answer
        url = urllib.parse.urljoin(url, location)
    return answer
