"""Dates and times as people read them: one date format, with the year; times with their zone.

``{{ day|day }}`` → ``Fri 4 Dec 2026``; ``{{ moment|when }}`` → ``Fri 4 Dec 2026, 18:30 CET (Europe/Oslo)``
(in the current zone, the signed-in person's: ``accounts.zones``); ``{{ moment|clock }}`` → ``18:30 CET (Europe/Oslo)``;
``{{ moment|when:user }}`` shows it in that person's zone instead.
"""

from __future__ import annotations

import datetime as dt

from django import template

from ldncare.web.accounts.zones import local_time_text, user_zone

register = template.Library()

DAY_FORMAT = "%a {day} %b %Y"


def day_text(value: dt.date | dt.datetime | None) -> str:
    """``Fri 4 Dec 2026``: the one date format shown to people (a datetime: its local day)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # an ISO date, as plans store them
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DAY_FORMAT).replace("{day}", str(value.day))


@register.filter(name="day")
def day_filter(value):
    return day_text(value)


@register.filter(name="when")
def when_filter(value, user=None):
    return local_time_text(value, user_zone(user) if user is not None else None)


@register.filter(name="clock")
def clock_filter(value, user=None):
    return local_time_text(value, user_zone(user) if user is not None else None, with_day=False)
