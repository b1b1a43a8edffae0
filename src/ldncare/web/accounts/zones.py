"""Each person's time zone: the one home for reading it, checking a name and showing a time in it.

``User.time_zone`` holds an IANA name (``Europe/Oslo``). :func:`user_zone` turns a user into a
:class:`~zoneinfo.ZoneInfo` (UTC for anyone without a valid one); :class:`UserTimeZoneMiddleware`
makes it the current zone of each request, so ``timezone.localdate()`` is the person's own day
and templates show times in the person's zone. :func:`local_time_text` (template filter ``when``)
writes a time with its zone, as every time shown to a person must be.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache

from django.utils import timezone

__all__ = [
    "UTC_NAME", "UserTimeZoneMiddleware", "local_time_text", "time_zone_names", "time_zone_problem", "user_zone",
]

UTC_NAME = "UTC"


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (the tzdata package or the system's)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not a time zone a person may choose, else ``None``."""
    if name in time_zone_names():
        return None
    return f"{name!r} is not a time zone name; use an IANA name such as Europe/Oslo or America/New_York"


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The person's time zone (UTC when signed out or when the stored name is unknown)."""
    name = getattr(user, "time_zone", None) or UTC_NAME
    if getattr(user, "is_authenticated", False) and name in time_zone_names():
        return _zone(name)
    return _zone(UTC_NAME)


def local_time_text(moment: dt.datetime | None, zone: zoneinfo.ZoneInfo | None = None, *,
                    with_day: bool = True) -> str:
    """``"Fri 4 Dec 2026, 18:30 CET (Europe/Oslo)"``: a moment in ``zone`` (default: the current one)."""
    if moment is None:
        return ""
    zone = zone or timezone.get_current_timezone()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    local = moment.astimezone(zone)
    abbreviation = local.tzname() or ""
    key = getattr(zone, "key", str(zone))
    label = key if abbreviation in ("", key) or abbreviation.startswith(("+", "-")) else f"{abbreviation} ({key})"
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if not with_day:
        return f"{clock} {label}"
    return f"{local:%a} {local.day} {local:%b %Y}, {clock} {label}"


class UserTimeZoneMiddleware:
    """Make the signed-in person's zone the current one for the request (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user_zone(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
