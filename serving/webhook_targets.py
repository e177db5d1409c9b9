"""Where a callback may go, judged by the addresses its host resolves to, not by its name alone.

The allow-list names hosts; a name on it can still resolve to 127.0.0.1, a cloud metadata address
(169.254.169.254) or the office network, so the host is resolved and every address it has must be global
unless `LEXRISK_WEBHOOK_ALLOW_PRIVATE` says otherwise (a receiver on the same host or network). The delivery
then connects to an address that was checked, not to whatever a second lookup returns (DNS rebinding): the
URL is pinned to it, with the original name in the Host header and as the TLS server name."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from serving.errors import InvalidInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnresolvableHost(Exception):
    """The callback host has no address now (a DNS failure may pass: the delivery tries again later)."""


@dataclass(frozen=True)
class Target:
    """A callback URL pinned to a checked address: POST to `url` with `host` as the Host header and
    `server_name` as the TLS server name (SNI and certificate check)."""

    url: str
    host: str
    server_name: str


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (a literal address is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnresolvableHost(f"{host} could not be resolved ({exc})") from None
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def check_addresses(host: str, addresses: list[Address], allow_private: bool) -> None:
    """Refuse a host any of whose addresses is not global: loopback, link-local, private, shared, reserved."""
    if allow_private:
        return
    for address in addresses:
        if not address.is_global:
            kind = ("loopback" if address.is_loopback else "link-local" if address.is_link_local
                    else "private" if address.is_private else "non-public")
            raise InvalidInput(f"callback host {host} resolves to {address}, a {kind} address; callbacks go to "
                               "public addresses only (LEXRISK_WEBHOOK_ALLOW_PRIVATE)", code="callback_not_allowed")


Resolver = Callable[[str, int], list[Address]]


def pinned(url: str, allow_private: bool, resolver: Resolver = resolve) -> list[Target]:
    """`url` resolved, checked and pinned to each of its addresses, in the resolver's order (a delivery tries
    the next when one refuses the connection). Raises InvalidInput (not allowed) or UnresolvableHost."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolver(host, port)
    if not addresses:
        raise UnresolvableHost(f"{host} has no address")
    check_addresses(host, addresses, allow_private)
    host_header = parts.netloc.rpartition("@")[2]
    targets = []
    for address in addresses:
        shown = f"[{address}]" if address.version == 6 else str(address)
        netloc = f"{shown}:{parts.port}" if parts.port else shown
        targets.append(Target(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), host_header, host))
    return targets
