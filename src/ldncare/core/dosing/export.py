"""Exports of a plan: an iCalendar file of daily reminders, and printable text.

The calendar has one daily-repeating event per step (floating local time: the dose is
taken at 22:00 wherever the patient is), each with a reminder alarm at dose time, the dose,
the volume and the syringe. Not medical advice: the prescriber decides.

:func:`reminders_to_ical` is the one place that writes iCalendar reminders; it serves
:func:`plan_to_ical` (a plan built here) and plans stored elsewhere (the web record).

>>> import datetime as dt
>>> from ldncare.core.dosing.plan import build_plan
>>> plan = build_plan("article", start_date=dt.date(2026, 12, 1))
>>> b"BEGIN:VCALENDAR" in plan_to_ical(plan)
True
>>> print(plan_to_text(plan).splitlines()[0])
LDN titration plan: 1.5 → 3 → 4.5 mg (the article's dose range)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from ldncare.core.dosing.plan import DosingStep, Plan

__all__ = ["DailyReminder", "plan_to_ical", "plan_to_text", "reminders_to_ical", "step_summary"]

DISCLAIMER = "Not medical advice: the prescriber decides every dose."


def step_summary(step: DosingStep, plan: Plan) -> str:
    """One line describing what to take: ``LDN 1.5 mg = 1.5 mL (1 mg/mL) at 22:00``."""
    return f"LDN {step.dose_mg} mg = {step.volume_ml} mL ({plan.concentration_mg_per_ml} mg/mL) at {step.time}"


@dataclass(frozen=True)
class DailyReminder:
    """One daily-repeating dose reminder: from ``start`` (floating local time) for ``days``
    days, or until ``until`` (inclusive) when ``days`` is None."""

    uid: str
    start: dt.datetime
    summary: str
    description: str
    days: int | None = None
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if (self.days is None) == (self.until is None):
            raise ValueError("a reminder repeats for a number of days or until a date (exactly one)")


def reminders_to_ical(reminders: Iterable[DailyReminder], *, product_id: str, calendar_name: str | None = None) -> bytes:
    """Daily reminders as an iCalendar file (RFC 5545): one event with an alarm each.

    >>> r = DailyReminder(uid="x@ldncare", start=dt.datetime(2026, 12, 1, 22, 0), days=7,
    ...                   summary="LDN 1.5 mg", description="Not medical advice.")
    >>> b"RRULE:FREQ=DAILY;COUNT=7" in reminders_to_ical([r], product_id="-//ldncare//doc//EN")
    True
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", product_id)
    calendar.add("version", "2.0")
    if calendar_name:
        calendar.add("x-wr-calname", calendar_name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for reminder in reminders:
        event = icalendar.Event()
        event.add("uid", reminder.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", reminder.start)
        event.add("duration", dt.timedelta(minutes=5))
        if reminder.days is not None:
            event.add("rrule", {"freq": "daily", "count": reminder.days})
        else:
            event.add("rrule", {"freq": "daily", "until": dt.datetime.combine(reminder.until, dt.time(23, 59))})
        event.add("summary", reminder.summary)
        event.add("description", reminder.description)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.summary)
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def plan_to_ical(plan: Plan, *, product_id: str = "-//ldncare//dosing plan//EN") -> bytes:
    """The plan as an iCalendar file: one daily event per step, from its start to its end date."""
    seed = f"{plan.protocol}|{plan.steps[0].start_date}|{plan.target_mg}"
    reminders = []
    for number, step in enumerate(plan.steps, start=1):
        hour, minute = (int(part) for part in step.time.split(":"))
        uid = hashlib.sha256(f"{seed}|{number}|{step.start_date}|{step.dose_mg}".encode()).hexdigest()[:24]
        device = step.device_name or "no listed syringe measures this volume exactly: ask the pharmacist"
        reminders.append(DailyReminder(
            uid=f"{uid}@ldncare",
            start=dt.datetime.combine(step.start_date, dt.time(hour, minute)),
            days=step.days,
            summary=step_summary(step, plan),
            description="\n".join([
                f"Step {number} of {len(plan.steps)}: {step.dose_mg} mg once daily from {step.start_date} to {step.end_date}.",
                f"Measure {step.volume_ml} mL of the {plan.concentration_mg_per_ml} mg/mL liquid with the {device}.",
                DISCLAIMER,
            ]),
        ))
    return reminders_to_ical(reminders, product_id=product_id, calendar_name=f"LDN plan ({plan.protocol})")


def plan_to_text(plan: Plan) -> str:
    """The plan as printable text: a table of steps, the timing advice, notes and sources."""
    lines = [f"LDN titration plan: {plan.protocol_name}"]
    lines.append(f"Target {plan.target_mg} mg, maximum {plan.max_mg} mg; liquid {plan.concentration_mg_per_ml} mg/mL. "
                 f"Evidence level of the protocol: {plan.evidence_level}.")
    header = f"{'from':<10}  {'to':<10}  {'dose':>7}  {'time':<5}  {'volume':>8}  syringe"
    lines += ["", header, "-" * len(header)]
    for step in plan.steps:
        lines.append(f"{step.start_date.isoformat():<10}  {step.end_date.isoformat():<10}  {str(step.dose_mg) + ' mg':>7}  "
                     f"{step.time:<5}  {str(step.volume_ml) + ' mL':>8}  {step.device_name or 'NOT MEASURABLE: ask the pharmacist'}")
    lines.append("")
    morning = plan.morning_option
    lines.append(f"Timing: {plan.timing}. If sleep is disturbed: {morning.advice} (evidence: {morning.evidence_level})")
    lines += [f"Note: {note}" for note in plan.notes]
    lines.append("Sources: " + "; ".join(source.label for source in plan.sources))
    lines.append(DISCLAIMER)
    return "\n".join(lines)
