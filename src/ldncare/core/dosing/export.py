"""Exports of a plan: an iCalendar file of daily reminders, and printable text.

The calendar has one daily-repeating event per step (floating local time: the dose is
taken at 22:00 wherever the patient is), each with a reminder alarm at dose time, the dose,
the volume and the syringe. Not medical advice: the prescriber decides.

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

import icalendar

from ldncare.core.dosing.plan import DosingStep, Plan

__all__ = ["plan_to_ical", "plan_to_text", "step_summary"]

DISCLAIMER = "Not medical advice: the prescriber decides every dose."


def step_summary(step: DosingStep, plan: Plan) -> str:
    """One line describing what to take: ``LDN 1.5 mg = 1.5 mL (1 mg/mL) at 22:00``."""
    return f"LDN {step.dose_mg} mg = {step.volume_ml} mL ({plan.concentration_mg_per_ml} mg/mL) at {step.time}"


def plan_to_ical(plan: Plan, *, product_id: str = "-//ldncare//dosing plan//EN") -> bytes:
    """The plan as an iCalendar file: one daily event per step, from its start to its end date."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", product_id)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"LDN plan ({plan.protocol})")
    seed = f"{plan.protocol}|{plan.steps[0].start_date}|{plan.target_mg}"
    for number, step in enumerate(plan.steps, start=1):
        hour, minute = (int(part) for part in step.time.split(":"))
        start = dt.datetime.combine(step.start_date, dt.time(hour, minute))
        event = icalendar.Event()
        uid = hashlib.sha256(f"{seed}|{number}|{step.start_date}|{step.dose_mg}".encode()).hexdigest()[:24]
        event.add("uid", f"{uid}@ldncare")
        event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
        event.add("dtstart", start)
        event.add("duration", dt.timedelta(minutes=5))
        event.add("rrule", {"freq": "daily", "count": step.days})
        event.add("summary", step_summary(step, plan))
        device = step.device_name or "no listed syringe measures this volume exactly: ask the pharmacist"
        event.add("description", "\n".join([
            f"Step {number} of {len(plan.steps)}: {step.dose_mg} mg once daily from {step.start_date} to {step.end_date}.",
            f"Measure {step.volume_ml} mL of the {plan.concentration_mg_per_ml} mg/mL liquid with the {device}.",
            DISCLAIMER,
        ]))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", step_summary(step, plan))
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


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
