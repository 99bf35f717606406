"""The client's IP address, for the audit trail and the login lockout.

Behind a reverse proxy (the Nginx of the deployment notes) every request comes from the proxy,
so ``REMOTE_ADDR`` is the proxy's address. The proxy appends the address it saw to
``X-Forwarded-For``; that header is read only when the peer is one of ``settings.TRUSTED_PROXIES``
(addresses or networks). The header is read right to left, skipping trusted hops: the first
address that is not a trusted proxy is the client. Anything left of it was written by the client
itself and is never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address
type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # Keyed by the setting's value, so a changed setting is never answered from an old parse.
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the peer, or, behind trusted proxies, the hop before them."""
    if request is None:
        return None
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    nearest = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A hop that is not an address: nothing left of it can be placed; the last
            # trusted hop is the best-known client.
            break
        nearest = address
        if not _trusted(address, networks):
            break
    return str(nearest)
