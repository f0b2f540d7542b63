"""IP addresses and networks: the trusted-proxy list and the walk along X-Forwarded-For.

Pure helpers (no Django): settings.py validates TRUSTED_PROXIES with them at start-up, and
kotapintar.core.clientip applies them to each request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: A forwarded header longer than this is not read at all (a proxy chain is a few hops).
MAX_FORWARDED_CHARS = 2000


def parse_networks(items: Iterable[str], *, setting: str = "TRUSTED_PROXIES") -> tuple[IPNetwork, ...]:
    """Addresses or CIDRs (IPv4 or IPv6) as networks; host bits in a CIDR are dropped (10.0.0.7/8 → 10/8).

    A bad entry raises ValueError naming the setting and the entry, so a typo stops the start instead
    of silently trusting nothing (or everything)."""
    networks: list[IPNetwork] = []
    for raw in items:
        item = raw.strip()
        try:
            if not item:
                raise ValueError("empty entry")
            network = ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ValueError(f"{setting}: {raw!r} is not an IP address or CIDR ({exc})") from None
        if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
            mapped = network.network_address.ipv4_mapped
            if mapped is not None:  # ::ffff:10.0.0.2 is 10.0.0.2
                network = ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")
        networks.append(network)
    return tuple(networks)


def parse_address(text: str) -> IPAddress | None:
    """One address as a client sends it, or None when it is not exactly an address.

    IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes the IPv4 address, so both spellings are one client.
    Ports, brackets, host names and anything else are not addresses."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def forwarded_client(peer: IPAddress, forwarded_for: str, trusted: Sequence[IPNetwork]) -> IPAddress:
    """The client of a request whose TCP peer is `peer`: the right-most untrusted hop.

    The header is believed only while the hop that appended it is trusted: starting at the peer, each
    trusted hop vouches for the entry to its left. The first untrusted address is the client. A
    malformed (or over-long) entry ends the walk at the last address we could vouch for, so nothing
    written to its left, which the client may have forged, is ever used."""
    current = peer
    if not is_trusted(current, trusted) or len(forwarded_for) > MAX_FORWARDED_CHARS:
        return current
    for entry in reversed(forwarded_for.split(",")):
        hop = parse_address(entry)
        if hop is None:
            return current
        current = hop
        if not is_trusted(current, trusted):
            return current
    return current
