"""Slow down password guessing: after 5 failed sign-ins for a username (or from an address)
within 15 minutes, further attempts are refused until the window passes.

Counts live in Django's cache (per process with the default local-memory cache; use a shared
cache such as Redis or the database cache when running several processes).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from ldncare.web.access.audit import client_ip

__all__ = ["MAX_FAILURES", "WINDOW_S", "is_locked", "record_failure", "reset"]

MAX_FAILURES = 5
WINDOW_S = 15 * 60


def _keys(request, username: str) -> list[str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-fail:user:{name}"]
    ip = client_ip(request) if request is not None else None
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def is_locked(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES * (4 if ":ip:" in key else 1) for key in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, WINDOW_S)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_S)


def reset(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])
