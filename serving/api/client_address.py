"""The client's address, as the failed-authentication lockout keys it: the connection's peer, unless that
peer is a proxy named in `LEXRISK_TRUSTED_PROXIES`; then the nearest address in X-Forwarded-For that is
not one of them.

uvicorn trusted X-Forwarded-For from loopback by default, so a client on the same host (or behind any local
proxy) could rotate the header and never meet the lockout. `lexrisk serve` now turns uvicorn's rewriting off
and this module decides, from the setting alone, whose word counts: by default no one's."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    """The setting's entries (addresses or CIDR blocks) as networks; settings validation refuses bad ones."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _trusted(address: str, trusted: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(scope: Scope, trusted_proxies: list[str]) -> str:
    """The address the request came from. Proxies append the address they saw to X-Forwarded-For, so the
    header is read from the right: each trusted proxy vouches for the address before it, and the first
    address that is not a trusted proxy is the client (anything left of it, the client may have written)."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not trusted_proxies:
        return peer
    trusted = networks(tuple(trusted_proxies))
    if not _trusted(peer, trusted):
        return peer
    forwarded = Headers(scope=scope).getlist("x-forwarded-for")
    hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # garbage where an address should be: the last proxy's peer is all we know
                return peer
    return hops[0] if hops else peer
