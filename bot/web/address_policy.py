"""Vetting IP addresses before any connection: by default only public unicast addresses pass.

Hosts are read the way C resolvers read them (`127.1`, `0x7f.1`, `0177.0.0.1`, `2130706433`
all mean 127.0.0.1), and IPv6 forms that carry an IPv4 address (mapped, compatible, 6to4,
NAT64, Teredo) are judged by the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, IPv6Address, ip_network

from bot import errors
from bot.config import Settings

IPAddress = IPv4Address | IPv6Address
# Decides whether a connection to one address is allowed; the fetcher's seam for tests.
AddressCheck = Callable[[IPAddress], bool]

_CGNAT = ip_network("100.64.0.0/10")
_IPV4_COMPATIBLE = ip_network("::/96")
_NAT64 = (ip_network("64:ff9b::/96"), ip_network("64:ff9b:1::/48"))
_HEX = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL = re.compile(r"0[0-7]+")
_DECIMAL = re.compile(r"[1-9][0-9]*|0")


def _parse_number(part: str) -> int | None:
    """One dotted part in C `inet_aton` notation: decimal, 0x-hex or 0-octal."""
    if _HEX.fullmatch(part):
        return int(part[2:] or "0", 16)
    if _OCTAL.fullmatch(part):
        return int(part, 8)
    if _DECIMAL.fullmatch(part):
        return int(part, 10)
    return None


def _parse_ipv4_loose(host: str) -> IPv4Address | None:
    """An IPv4 address in any `inet_aton` form (1 to 4 parts, the last filling the remaining bytes)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    return IPv4Address((value << (8 * (4 - len(head)))) | last)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host names directly (`127.1`, `[::1]`, `0x7f.1` …), or None for a name."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    return _parse_ipv4_loose(host.removesuffix("."))


# Where clouds hand out instance credentials: all of link-local (AWS, GCP, Azure, OpenStack metadata,
# ECS and EKS credential agents), AWS and GCP's IPv6 metadata ranges, Azure's WireServer and Alibaba
# Cloud's metadata. Never fetched, even where private networks are allowed.
CLOUD_METADATA = tuple(
    ip_network(n)
    for n in (
        "169.254.0.0/16",
        "fe80::/10",
        "fd00:ec2::/32",
        "fd20:ce::/32",
        "168.63.129.16/32",
        "100.100.100.200/32",
    )
)


def is_cloud_metadata(ip: IPAddress) -> bool:
    """True for the addresses where cloud instances fetch their credentials."""
    return any(ip.version == net.version and ip in net for net in CLOUD_METADATA)


def embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 transition form carries, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public_ipv4(ip: IPv4Address) -> bool:
    special = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip in _CGNAT
    special = special or is_cloud_metadata(ip)  # Azure's WireServer is a public address
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


def is_public_address(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses (the default policy)."""
    if isinstance(ip, IPv4Address):
        return _is_public_ipv4(ip)
    carried = embedded_ipv4(ip)
    if carried is not None:
        return _is_public_ipv4(carried)
    special = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_site_local or ip.is_multicast
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


def is_connectable_address(ip: IPAddress) -> bool:
    """The permissive policy (private networks allowed): anything but multicast, unspecified and
    the cloud metadata services, which hand out credentials to whoever asks."""
    carried = embedded_ipv4(ip) if isinstance(ip, IPv6Address) else None
    return not any(
        a.is_multicast or a.is_unspecified or is_cloud_metadata(a) for a in (ip, carried) if a is not None
    )


def address_check_for(settings: Settings) -> AddressCheck:
    """The policy the operator chose: public only, unless private networks are allowed."""
    return is_connectable_address if settings.allow_private_networks else is_public_address


def vet_addresses(host: str, addresses: Iterable[str], allowed: AddressCheck) -> list[IPAddress]:
    """Parse resolved addresses and refuse the host if any of them is not allowed.

    One bad address is enough to refuse: a name that resolves to both a public and an
    internal address is how DNS tricks reach internal services.
    """
    vetted: list[IPAddress] = []
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError as exc:
            raise errors.FetchFailed(f"I couldn't find the site {host}.") from exc
        if not allowed(ip):
            raise errors.PrivateAddress()
        if ip not in vetted:
            vetted.append(ip)
    if not vetted:
        raise errors.FetchFailed(f"I couldn't find the site {host}.")
    return vetted
