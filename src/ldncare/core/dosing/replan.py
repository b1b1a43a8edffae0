"""Adaptive re-planning: adjust a plan to the side effects a patient reports.

:func:`replan` applies documented rules (data: ``titration_protocols.yaml``, rules
``hold-after-settling``, ``persistent-days``, ``step-back``, ``retitrate-interval-factor``,
``morning-for-sleep``), one reported event at a time in date order:

1. **Urgent** (the side effect's urgency is ``urgent_care``: liver-injury signs, allergic
   reaction, opioid withdrawal): the plan stops on that day; only the prescriber restarts it.
2. **Step back** when a side effect is severe, or still moderate/severe ``persistent-days``
   (3) days after it began at the same dose: halve the dose (rounded down to a volume a
   syringe measures), then climb back through the original steps above it at twice the
   original interval (the doubling is an ldncare assumption).
3. **Hold** while a side effect is moderate: the next increase comes no earlier than 5 days
   after the last day with a moderate side effect.
4. **Morning** for a moderate or severe sleep disturbance (``insomnia``, ``vivid_dreams``):
   the dose moves to the morning from the next day (evidence: low, practice reports).
5. Mild side effects change nothing (they are expected to pass); the decision says so.

Each decision comes back as a :class:`PlanChange` with a plain-language explanation and its
sources. Not medical advice: the prescriber decides.

>>> import datetime as dt
>>> from ldncare.core.dosing.plan import build_plan
>>> plan = build_plan("trust", start_date=dt.date(2026, 12, 1))
>>> result = replan(plan, [SideEffectEvent(date=dt.date(2026, 12, 10), side_effect="insomnia", severity="moderate")])
>>> [c.kind for c in result.changes]
['hold', 'morning']
>>> result.plan.steps[-1].time
'08:00'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from ldncare.core.dosing.devices import load_devices, to_fraction
from ldncare.core.dosing.plan import DosingStep, Plan, layout_steps
from ldncare.core.dosing.protocols import get_rule, get_timing
from ldncare.core.knowledge import SideEffect, resolve_side_effect
from ldncare.core.knowledge.records import Record, Source

__all__ = [
    "SLEEP_SIDE_EFFECTS",
    "PlanChange",
    "Replan",
    "SideEffectEvent",
    "halve_dose_mg",
    "replan",
]

Severity = Literal["mild", "moderate", "severe"]
SLEEP_SIDE_EFFECTS = frozenset({"insomnia", "vivid_dreams"})
_RANK = {"mild": 0, "moderate": 1, "severe": 2}
_ONE_DAY = dt.timedelta(days=1)


class SideEffectEvent(Record):
    """A side effect a patient reported on a day, with its severity.

    ``side_effect`` is a side-effect id (or a synonym; :func:`replan` resolves it through
    the knowledge data and rejects unknown names).
    """

    date: dt.date
    side_effect: str
    severity: Severity


class PlanChange(Record):
    """One decision of :func:`replan`: what changed (or why nothing did), and why."""

    date: dt.date
    side_effect: str
    severity: Severity
    kind: Literal["stop", "step_back", "hold", "morning", "none"]
    rule: str | None
    explanation: str
    sources: tuple[Source, ...] = ()


class Replan(Record):
    """The new plan and the decisions that made it."""

    plan: Plan
    changes: tuple[PlanChange, ...]


def halve_dose_mg(dose_mg, concentration_mg_per_ml) -> Decimal:
    """Half of ``dose_mg``, rounded down to the largest dose a listed syringe measures exactly.

    >>> halve_dose_mg(Decimal("4.5"), Decimal("1"))
    Decimal('2.2')
    >>> halve_dose_mg(Decimal("1.5"), Decimal("1"))
    Decimal('0.75')
    """
    concentration = to_fraction(concentration_mg_per_ml)
    half_ml = to_fraction(dose_mg) * to_fraction(get_rule("step-back").value) / concentration
    best = Fraction(0)
    for device in load_devices():
        grad, cap = to_fraction(device.graduation_ml), to_fraction(device.capacity_ml)
        best = max(best, min(half_ml, cap) // grad * grad)
    dose = best * concentration if best > 0 else half_ml * concentration
    return _dec(dose)


def _dec(value: Fraction) -> Decimal:
    number = (Decimal(value.numerator) / Decimal(value.denominator)).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def _mutable(step: DosingStep) -> dict:
    return {"start": step.start_date, "end": step.end_date, "dose": step.dose_mg, "time": step.time}


def _index_on(steps: list[dict], day: dt.date) -> int | None:
    for index, step in enumerate(steps):
        if step["start"] <= day <= step["end"]:
            return index
    return None


def _shift(steps: list[dict], first: int, days: int) -> None:
    delta = dt.timedelta(days=days)
    for step in steps[first:]:
        step["start"] += delta
        step["end"] += delta


def _dose_period_start(steps: list[dict], index: int) -> dt.date:
    while index > 0 and steps[index - 1]["dose"] == steps[index]["dose"]:
        index -= 1
    return steps[index]["start"]


def _rule_sources(*rule_ids: str) -> tuple[Source, ...]:
    return tuple(src for rid in rule_ids for src in get_rule(rid).sources)


def replan(plan: Plan, events: Iterable[SideEffectEvent]) -> Replan:
    """Apply the re-planning rules to ``plan`` for the reported ``events``.

    Returns the new plan (same protocol, target and maximum; never above them) and one
    :class:`PlanChange` per event, in date order. Raises
    :class:`~ldncare.core.knowledge.UnknownSideEffectError` for an unknown side effect.
    """
    ordered = sorted(events, key=lambda e: (e.date, -_RANK[e.severity]))
    resolved = [(event, resolve_side_effect(event.side_effect)) for event in ordered]
    steps = [_mutable(step) for step in plan.steps]
    morning = get_timing("morning")
    changes: list[PlanChange] = []
    history: list[tuple[dt.date, str, Severity]] = []
    stopped_on: dt.date | None = None
    for event, effect in resolved:
        base = {"date": event.date, "side_effect": effect.id, "severity": event.severity}
        if stopped_on is not None:
            changes.append(PlanChange(**base, kind="none", rule=None, explanation=(
                f"{effect.name} on {event.date}: the plan already stopped on {stopped_on}; the prescriber decides about restarting.")))
            continue
        index = _index_on(steps, event.date)
        if index is None:
            changes.append(PlanChange(**base, kind="none", rule=None, explanation=(
                f"{effect.name} on {event.date} is outside the plan ({steps[0]['start']} to {steps[-1]['end']}): no change.")))
            continue
        if effect.urgency == "urgent_care":
            changes.append(_stop(steps, index, event, effect, base))
            stopped_on = event.date
            continue
        period_start = _dose_period_start(steps, index)
        persistent_days = int(get_rule("persistent-days").value)
        earlier = [d for d, sid, sev in history if sid == effect.id and _RANK[sev] >= 1 and d >= period_start]
        history.append((event.date, effect.id, event.severity))
        persists = event.severity != "mild" and bool(earlier) and (event.date - min(earlier)).days >= persistent_days
        if event.severity == "severe" or persists:
            steps, change = _step_back(plan, steps, index, event, effect, base, persists)
            changes.append(change)
        elif event.severity == "moderate":
            changes.append(_hold(steps, index, event, effect, base))
        else:
            changes.append(PlanChange(**base, kind="none", rule=None, sources=tuple(effect.sources), explanation=(
                f"Mild {effect.name.lower()} on {event.date}: no change. {effect.expected_course} "
                "Keep noting it; if it becomes moderate the next increase waits, and if it is severe or "
                "persists the dose steps back.")))
        if effect.id in SLEEP_SIDE_EFFECTS and event.severity != "mild":
            change = _to_morning(steps, event, effect, base, morning.default_time)
            if change is not None:
                changes.append(change)
    new_steps = layout_steps(
        steps[0]["start"],
        [(s["dose"], (s["end"] - s["start"]).days + 1, s["time"]) for s in steps],
        plan.concentration_mg_per_ml,
    )
    timing = "morning" if any(c.kind == "morning" for c in changes) else plan.timing
    notes = tuple(n for n in plan.notes if "no listed syringe" not in n) + tuple(
        f"{s.dose_mg} mg from {s.start_date} is {s.volume_ml} mL at {plan.concentration_mg_per_ml} mg/mL, which no listed "
        "syringe measures exactly: choose another concentration or ask the pharmacist."
        for s in new_steps if not s.measurable)
    return Replan(plan=plan.model_copy(update={"steps": tuple(new_steps), "timing": timing, "notes": notes}),
                  changes=tuple(changes))


def _stop(steps: list[dict], index: int, event: SideEffectEvent, effect: SideEffect, base: dict) -> PlanChange:
    del steps[index + 1:]
    steps[index]["end"] = event.date
    return PlanChange(**base, kind="stop", rule="urgent", sources=tuple(effect.sources), explanation=(
        f"{effect.name} reported on {event.date}: this needs urgent medical care. {effect.what_to_do} The plan stops on "
        f"{event.date}; LDN is not restarted without the prescriber."))


def _step_back(plan: Plan, steps: list[dict], index: int, event: SideEffectEvent, effect: SideEffect,
               base: dict, persists: bool) -> tuple[list[dict], PlanChange]:
    current = steps[index]["dose"]
    new_dose = halve_dose_mg(current, plan.concentration_mg_per_ml)
    factor = int(get_rule("retitrate-interval-factor").value)
    base_interval = plan.interval_days or 14
    interval = base_interval * factor
    above = [d for d in plan.ladder_mg if new_dose < d <= plan.target_mg]
    rungs = [new_dose, *above]
    time = steps[index]["time"]
    kept = steps[: index + 1]
    kept[index]["end"] = event.date
    day = event.date + _ONE_DAY
    for position, dose in enumerate(rungs):
        days = plan.maintenance_days if position == len(rungs) - 1 else interval
        kept.append({"start": day, "end": day + dt.timedelta(days=days - 1), "dose": dose, "time": time})
        day += dt.timedelta(days=days)
    why = (f"it has lasted at least {int(get_rule('persistent-days').value)} days at this dose" if persists
           else "it is severe")
    basis = (f"the original {base_interval}-day interval" if plan.interval_days else
             f"{base_interval} days, the 'no more often than every 2 weeks' of the gentle protocol, as this plan had no steps")
    climb = (f"then back up through {', '.join(f'{d} mg' for d in above)}, each held {interval} days "
             f"(twice {basis}; the doubling is an ldncare assumption — the source says only 'gradually')"
             if above else "and stays there")
    return kept, PlanChange(**base, kind="step_back", rule="step-back",
                            sources=_rule_sources("step-back", "retitrate-interval-factor") + tuple(effect.sources),
                            explanation=(
        f"{effect.name} on {event.date} while on {current} mg: {why}, so the dose is halved to {new_dose} mg from "
        f"{event.date + _ONE_DAY} (half of {current} mg, rounded down to a volume a syringe measures), {climb}. "
        f"{'Tell your prescriber. ' if event.severity == 'severe' else ''}The prescriber may instead choose a lower target."))


def _hold(steps: list[dict], index: int, event: SideEffectEvent, effect: SideEffect, base: dict) -> PlanChange:
    settle = int(get_rule("hold-after-settling").value)
    current = steps[index]["dose"]
    up = next((j for j in range(index + 1, len(steps)) if steps[j]["dose"] > current), None)
    sources = _rule_sources("hold-after-settling")
    if up is None:
        return PlanChange(**base, kind="none", rule="hold-after-settling", sources=sources, explanation=(
            f"Moderate {effect.name.lower()} on {event.date} at {current} mg: no increase is planned, so there is "
            f"nothing to hold. If it is still moderate {int(get_rule('persistent-days').value)} days after it began, "
            "the dose steps back; tell your prescriber."))
    earliest = event.date + dt.timedelta(days=1 + settle)
    planned = steps[up]["start"]
    if planned >= earliest:
        return PlanChange(**base, kind="none", rule="hold-after-settling", sources=sources, explanation=(
            f"Moderate {effect.name.lower()} on {event.date} at {current} mg: the next increase ({steps[up]['dose']} mg "
            f"on {planned}) is already at least {settle} days after it; no change, provided it has settled by then."))
    delay = (earliest - planned).days
    steps[up - 1]["end"] += dt.timedelta(days=delay)
    _shift(steps, up, delay)
    return PlanChange(**base, kind="hold", rule="hold-after-settling", sources=sources, explanation=(
        f"Moderate {effect.name.lower()} on {event.date} at {current} mg: hold this dose. The increase to "
        f"{steps[up]['dose']} mg moves from {planned} to {earliest}: the side effect has to settle first (at the "
        f"earliest on {event.date + _ONE_DAY}), then {settle} more days pass; every later step moves {delay} day"
        f"{'s' if delay != 1 else ''} later."))


def _to_morning(steps: list[dict], event: SideEffectEvent, effect: SideEffect, base: dict,
                morning_time: str) -> PlanChange | None:
    switch = event.date + _ONE_DAY
    index = _index_on(steps, switch)
    if index is None or all(s["time"] == morning_time for s in steps[index:]):
        return None
    step = steps[index]
    if step["start"] < switch:
        steps.insert(index + 1, {**step, "start": switch})
        step["end"] = event.date
        index += 1
    for later in steps[index:]:
        later["time"] = morning_time
    morning = get_timing("morning")
    return PlanChange(**base, kind="morning", rule="morning-for-sleep",
                      sources=_rule_sources("morning-for-sleep") + tuple(morning.sources), explanation=(
        f"{event.severity.capitalize()} {effect.name.lower()} on {event.date}: from {switch} take the dose in the "
        f"morning ({morning_time}) instead of at night. Evidence for this is {morning.evidence_level.split(':')[0]} "
        "(practice reports; no primary clinical source verified) — check with your prescriber."))
