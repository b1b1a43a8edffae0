"""TRUSTED_PROXIES: the client address is the first untrusted X-Forwarded-For hop from the right,
and forwarding headers count only when a trusted proxy connected (ldncare.web.proxy)."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from ldncare.web.access.audit import client_ip
from ldncare.web.proxy import (
    PEER_KEY,
    TrustedProxyMiddleware,
    client_address_from,
    parse_trusted_proxies,
)

PROXIES = parse_trusted_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # one proxy
    ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client forged a first hop: ignored
    ("127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two trusted proxies in a row
    ("127.0.0.1", "", "127.0.0.1"),  # a trusted proxy that names nobody: the proxy itself
    ("127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1"),  # every hop trusted: the leftmost
    ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # not from a trusted proxy: the header is ignored
    ("::1", "2001:db8::1", "2001:db8::1"),
    ("::ffff:127.0.0.1", "198.51.100.7:4242", "198.51.100.7"),  # IPv4-mapped peer, hop with a port
    ("127.0.0.1", "[2001:db8::2]:443", "2001:db8::2"),
    ("127.0.0.1", "unknown", None),  # garbage where the client should be: no address, never a guess
])
def test_client_address(peer, forwarded, client):
    assert client_address_from(peer, forwarded, PROXIES) == client


@given(forged=st.lists(st.ip_addresses(v=4).map(str), max_size=5), real=st.ip_addresses(v=4))
def test_nothing_the_client_writes_changes_its_address(forged, real):
    if any(real in network for network in PROXIES):
        return
    header = ", ".join([*forged, str(real)])  # the proxy appended the real peer after whatever came in
    assert client_address_from("127.0.0.1", header, PROXIES) == str(real)


def test_bad_entries_are_named():
    with pytest.raises(ValueError, match="'proxy.example' is not an IP address or network"):
        parse_trusted_proxies(["127.0.0.1", "proxy.example"])


def _through(settings, **meta):
    settings.TRUSTED_PROXY_NETWORKS = PROXIES
    request = RequestFactory().get("/", **meta)
    seen = {}
    TrustedProxyMiddleware(lambda r: seen.setdefault("request", r))(request)
    return seen["request"]


def test_middleware_from_a_trusted_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = _through(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
                       HTTP_X_FORWARDED_PROTO="https")
    assert client_ip(request) == "198.51.100.7"
    assert request.META[PEER_KEY] == "127.0.0.1"
    assert request.is_secure()


def test_middleware_drops_forwarding_headers_from_anyone_else(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = _through(settings, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7",
                       HTTP_X_FORWARDED_PROTO="https")
    assert client_ip(request) == "203.0.113.5"
    assert "HTTP_X_FORWARDED_FOR" not in request.META
    assert not request.is_secure()
    assert ipaddress.ip_address(client_ip(request))
