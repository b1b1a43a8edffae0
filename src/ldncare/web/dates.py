"""The days a plan, a prescription's supply or a blinded trial may start on: one rule for every form.

From the earliest diary day (``ldncare.core.response.EARLIEST_DIARY_DATE``: records are kept from
2000 on) to at most a year after today. A year ahead covers any real planning, and the schedules
built from the day (titration steps, trial periods of up to 13 × 2 × 26 weeks, labels' use-by
dates) stay far inside the calendar: 9999-12-31 is refused with a message, never a 500.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from ldncare.core.response.diary import EARLIEST_DIARY_DATE

__all__ = ["PLANNING_HORIZON_DAYS", "latest_planning_date", "validate_planning_date"]

PLANNING_HORIZON_DAYS = 366


def latest_planning_date(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=PLANNING_HORIZON_DAYS)


def validate_planning_date(value: dt.date) -> None:
    """Django validator: a start day between 2000-01-01 and a year from today."""
    latest = latest_planning_date()
    if not EARLIEST_DIARY_DATE <= value <= latest:
        raise ValidationError(
            f"Choose a day from {EARLIEST_DIARY_DATE.isoformat()} to {latest.isoformat()} (at most a year ahead).",
            code="date_out_of_range")
