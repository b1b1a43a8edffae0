"""When a scheduled questionnaire is due: the period rule, free of Django (tested on its own).

A schedule is weekly (a weekday, 0 = Monday) or monthly (a day of the month, 1-28, so that
every month has it) with a clock time in the person's own zone. A **period** runs from one
scheduled day to the next; it is the span in which one answer is wanted and one reminder
may go out. The reminder for a period is due at the first moment, in that period, that is
on or after the scheduled day at the scheduled time *and* on or after that clock time of its
day (a worker that was down does not send at 3 a.m.), unless the period was already
reminded, the form was already answered in it, or the period began before the schedule was
set (setting a Monday schedule on a Wednesday reminds from next Monday on).

All times are local wall-clock times (naive datetimes), compared as the daily reminders do,
so daylight-saving changes need nothing special.

>>> rule = Rule(frequency="weekly", weekday=0, day_of_month=None, time=dt.time(9, 0))
>>> period_start(rule, dt.date(2026, 12, 4))  # a Friday: the period began on Monday 30 November
datetime.date(2026, 11, 30)
>>> next_period_start(rule, dt.date(2026, 11, 30))
datetime.date(2026, 12, 7)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["FREQUENCIES", "Rule", "next_period_start", "period_start", "reminder_due"]

FREQUENCIES = ("weekly", "monthly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Rule:
    """A schedule: ``weekly`` on ``weekday`` (0 = Monday) or ``monthly`` on ``day_of_month`` (1-28), at ``time``."""

    frequency: str
    weekday: int | None
    day_of_month: int | None
    time: dt.time

    def __post_init__(self) -> None:
        if self.frequency == "weekly":
            if self.weekday is None or not 0 <= self.weekday <= 6 or self.day_of_month is not None:
                raise ValueError("a weekly schedule has a weekday 0-6 (0 = Monday) and no day of the month")
        elif self.frequency == "monthly":
            if self.day_of_month is None or not 1 <= self.day_of_month <= 28 or self.weekday is not None:
                raise ValueError("a monthly schedule has a day of the month 1-28 and no weekday")
        else:
            raise ValueError(f"unknown frequency {self.frequency!r}; allowed: {', '.join(FREQUENCIES)}")

    def describe(self) -> str:
        """``every Monday at 09:00`` / ``on day 1 of every month at 09:00``."""
        at = self.time.strftime("%H:%M")
        if self.frequency == "weekly":
            return f"every {WEEKDAYS[self.weekday]} at {at}"
        return f"on day {self.day_of_month} of every month at {at}"


def period_start(rule: Rule, day: dt.date) -> dt.date:
    """The first day of the period ``day`` falls in."""
    if rule.frequency == "weekly":
        return day - dt.timedelta(days=(day.weekday() - rule.weekday) % 7)
    if day.day >= rule.day_of_month:
        return day.replace(day=rule.day_of_month)
    previous = day.replace(day=1) - dt.timedelta(days=1)
    return previous.replace(day=rule.day_of_month)


def next_period_start(rule: Rule, start: dt.date) -> dt.date:
    """The first day of the period after the one that begins on ``start``."""
    if rule.frequency == "weekly":
        return start + dt.timedelta(days=7)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.replace(day=rule.day_of_month)


def reminder_due(rule: Rule, *, now_local: dt.datetime, active_from_local: dt.datetime,
                 sent_period: dt.date | None, answered_since: dt.date | None) -> dt.date | None:
    """The start of the period whose reminder is due at ``now_local``, or ``None``.

    ``sent_period`` is the start of the last period reminded; ``answered_since`` the local day of
    the latest answer (any answer on or after the period's first day counts for the period).
    """
    start = period_start(rule, now_local.date())
    first_moment = dt.datetime.combine(start, rule.time)
    if now_local < first_moment or now_local.time() < rule.time:
        return None
    if first_moment < active_from_local:
        return None
    if sent_period is not None and sent_period >= start:
        return None
    if answered_since is not None and answered_since >= start:
        return None
    return start
