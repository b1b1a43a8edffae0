"""Exports: the iCalendar file parses back to one reminder a day; the text lists every step."""

from __future__ import annotations

import datetime as dt

import icalendar

from ldncare.core.dosing.export import plan_to_ical, plan_to_text
from ldncare.core.dosing.plan import build_plan

START = dt.date(2026, 12, 1)


def test_ical_round_trip_has_a_daily_reminder_for_every_plan_day():
    plan = build_plan("trust", start_date=START)
    calendar = icalendar.Calendar.from_ical(plan_to_ical(plan))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan.steps)
    total_days = 0
    for event, step in zip(events, plan.steps, strict=True):
        start = event.decoded("dtstart")
        assert start == dt.datetime.combine(step.start_date, dt.time(22, 0))
        rule = event.get("rrule")
        assert rule["FREQ"] == ["DAILY"]
        assert rule["COUNT"] == [step.days]
        assert f"{step.dose_mg} mg" in str(event.get("summary"))
        assert f"{step.volume_ml} mL" in str(event.get("summary"))
        assert (step.device_name or "no listed syringe measures this volume exactly") in str(event.get("description"))
        assert list(event.walk("VALARM"))
        total_days += rule["COUNT"][0]
    assert total_days == (plan.end_date - START).days + 1


def test_ical_uses_the_step_time_after_a_morning_switch():
    plan = build_plan("article", start_date=START, time="08:00")
    event = next(iter(icalendar.Calendar.from_ical(plan_to_ical(plan)).walk("VEVENT")))
    assert event.decoded("dtstart").time() == dt.time(8, 0)


def test_text_lists_every_step_and_the_disclaimer():
    plan = build_plan("custom", start_date=START, start_mg=0.25, step_mg=0.25, interval_days=7, target_mg=1.5)
    text = plan_to_text(plan)
    for step in plan.steps:
        assert step.start_date.isoformat() in text
    assert "NOT MEASURABLE" in text
    assert "Not medical advice" in text


def test_a_reminder_until_a_date_repeats_through_that_day_and_every_event_is_stamped():
    from ldncare.core.dosing.export import DailyReminder, reminders_to_ical

    reminder = DailyReminder(uid="u@ldncare", start=dt.datetime(2026, 12, 1, 21, 30), until=dt.date(2026, 12, 14),
                             summary="LDN 1.5 mg", description="as entered")
    event = next(iter(icalendar.Calendar.from_ical(reminders_to_ical([reminder], product_id="-//t//EN")).walk("VEVENT")))
    assert event.get("rrule")["UNTIL"] == [dt.datetime(2026, 12, 14, 23, 59)]
    assert event.get("dtstamp") is not None  # required in every VEVENT (RFC 5545 3.6.1)
    assert list(event.walk("VALARM"))


def test_a_reminder_needs_exactly_one_of_days_and_until():
    import pytest

    from ldncare.core.dosing.export import DailyReminder

    start = dt.datetime(2026, 12, 1, 22, 0)
    with pytest.raises(ValueError, match="exactly one"):
        DailyReminder(uid="u", start=start, summary="s", description="d")
    with pytest.raises(ValueError, match="exactly one"):
        DailyReminder(uid="u", start=start, summary="s", description="d", days=3, until=dt.date(2026, 12, 3))
