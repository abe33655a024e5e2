"""The client's address behind trusted reverse proxies (settings.TUOPIN_TRUSTED_PROXIES).

Used by the access log and by django-axes (AXES_CLIENT_IP_CALLABLE), so that both name
the same address. X-Forwarded-For is written by every hop, and its left part by the
client itself: only the hops appended by proxies we trust are believed. So the header is
read only when REMOTE_ADDR is a trusted proxy, and from the right: the first address
that is not a trusted proxy is the client. A forged left part is never reached.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address the request came from, as text; None without one."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = _networks(tuple(settings.TUOPIN_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for text in reversed(hops):
        address = _address(text)
        if address is None:
            # Not an address: nothing to its left can be trusted either; the last
            # proxy we believed is the best we know.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
