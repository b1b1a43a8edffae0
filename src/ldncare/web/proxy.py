"""Who is calling, behind a reverse proxy: one home for ``TRUSTED_PROXIES``.

A TLS-terminating proxy (nginx, Caddy; ``docs/deploy.md``) connects to ldncare itself, so
``REMOTE_ADDR`` is the proxy's address, and it tells the client's address and scheme in
``X-Forwarded-For`` and ``X-Forwarded-Proto``. Anyone can send those headers, so they count
only when the connection comes from a trusted proxy (``settings.TRUSTED_PROXIES``, addresses
and networks):

* the client address is the first hop that is **not** a trusted proxy, reading
  ``X-Forwarded-For`` from the right (each proxy appends the address it was connected from,
  so hops left of the first untrusted one were written by the client and prove nothing);
* ``X-Forwarded-Proto`` is believed only from a trusted proxy (Django reads it through
  ``SECURE_PROXY_SSL_HEADER``: HTTPS redirect, HSTS, secure cookies, CSRF origin checks).

:class:`TrustedProxyMiddleware` runs first and rewrites ``REMOTE_ADDR`` to that client address
and removes both headers when the connection is not from a trusted proxy, so everything after
it (django-axes' lockout, the audit log, Django's scheme) reads one answer under any WSGI
server (gunicorn for ``ldncare serve``, waitress for ``ldncare run``). The proxy's own address
is kept in ``request.META["ldncare.peer_address"]``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

__all__ = ["PEER_KEY", "TrustedProxyMiddleware", "client_address_from", "parse_trusted_proxies"]

PEER_KEY = "ldncare.peer_address"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(entries: Iterable[str], *, name: str = "TRUSTED_PROXIES") -> tuple[Network, ...]:
    """``["127.0.0.1", "10.0.0.0/8", "::1"]`` → networks; raise ``ValueError`` naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{name}: {entry!r} is not an IP address or network; allowed: addresses and "
                             "networks such as 127.0.0.1, ::1, 10.0.0.0/8, comma-separated") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.5:51234
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address_from(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str | None:
    """The client's address for a connection from ``peer`` carrying ``X-Forwarded-For: forwarded_for``.

    ``None`` when no usable address is found (a malformed hop where the client should be).
    """
    peer_address = _address(peer)
    if not _trusted(peer_address, networks):
        return str(peer_address) if peer_address is not None else None
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return None  # a proxy we trust wrote garbage, or the client did: no address to count
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


class TrustedProxyMiddleware:
    """Set ``REMOTE_ADDR`` to the client address and drop forwarding headers nobody trusted wrote."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.networks = tuple(settings.TRUSTED_PROXY_NETWORKS)

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta[PEER_KEY] = peer
        if _trusted(_address(peer), self.networks):
            client = client_address_from(peer, meta.get("HTTP_X_FORWARDED_FOR", ""), self.networks)
            meta["REMOTE_ADDR"] = client or ""
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta.pop("HTTP_X_FORWARDED_HOST", None)
            meta.pop("HTTP_FORWARDED", None)
        return self.get_response(request)
