"""A titration as the pharmacy makes it: a list of preparations, each with its own dates.

A titration plan (1.5 mg for 14 days, 3 mg for 14 days, 4.5 mg for 30 days) is several
bottles, not one: one preparation per dose step, and more than one when a step outlasts the
beyond-use date (BUD) of the form. For each preparation this module gives

- the days it is used (``first_use`` to ``last_use``, both included);
- ``prepared_on``: the date to make it: the earliest date whose BUD still covers the last day
  of use (``last_use − bud_days``), but not before the plan starts (``not_before``) and never
  after the first day of use;
- ``beyond_use_date``: ``prepared_on + bud_days``.

So every preparation satisfies made ≤ first use ≤ last use ≤ BUD, and the plan's days are
covered exactly once. The BUD of each form comes from the USP <795> categories in the data
(aqueous unpreserved 14 days, aqueous preserved 35 days, nonaqueous solids 180 days).
A step longer than the BUD is split into equal batches (30 days at a 14-day BUD: 10, 10, 10),
which uses fewer whole tablets than 14, 14, 2.

>>> import datetime as dt
>>> preps = plan_preparations([(1.5, 14), (3, 14), (4.5, 30)], start=dt.date(2026, 12, 4), form="liquid")
>>> [(str(p.dose_mg), p.first_use.isoformat(), p.prepared_on.isoformat(), p.beyond_use_date.isoformat()) for p in preps]
... # doctest: +NORMALIZE_WHITESPACE
[('1.5', '2026-12-04', '2026-12-04', '2026-12-18'), ('3', '2026-12-18', '2026-12-17', '2026-12-31'),
 ('4.5', '2027-01-01', '2026-12-27', '2027-01-10'), ('4.5', '2027-01-11', '2027-01-06', '2027-01-20'),
 ('4.5', '2027-01-21', '2027-01-16', '2027-01-30')]

Not medical advice: the prescriber decides the doses, the pharmacist the preparation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.dosing.calc import MAX_DAYS, CompoundingError
from ldncare.core.dosing.compounding_data import BudCategory, get_bud_category, get_liquid_formula
from ldncare.core.dosing.devices import to_fraction
from ldncare.core.dosing.protocols import get_rule
from ldncare.core.knowledge.records import Record

__all__ = [
    "FORMS",
    "PlannedPreparation",
    "bud_category_for",
    "dispensing_problems",
    "parse_step",
    "plan_preparations",
    "preparation_bud_limit",
]

FORMS = ("liquid", "capsules")
MAX_STEPS = 20


class PlannedPreparation(Record):
    """One bottle of a titration: its dose, the days it is used, when to make it, its BUD."""

    number: int = Field(ge=1, description="1-based, in order of use")
    step: int = Field(ge=1, description="the titration step (1-based) it belongs to")
    batch: int = Field(ge=1, description="batch within the step (1-based)")
    batches_in_step: int = Field(ge=1)
    dose_mg: Decimal
    days: int = Field(ge=1)
    first_use: dt.date
    last_use: dt.date
    prepared_on: dt.date
    beyond_use_date: dt.date
    bud_days: int
    bud_category: str
    form: Literal["liquid", "capsules"]
    preserved: bool

    @model_validator(mode="after")
    def _dates_in_order(self):
        if not (self.prepared_on <= self.first_use <= self.last_use <= self.beyond_use_date):
            raise ValueError("a preparation must be made ≤ first use ≤ last use ≤ beyond-use date")
        if (self.last_use - self.first_use).days + 1 != self.days:
            raise ValueError("days must count first_use to last_use, both included")
        return self


def bud_category_for(form: str, *, preserved: bool = False) -> BudCategory:
    """The USP <795> BUD category of an LDN preparation: the liquid formula's, or solids' for capsules."""
    if form == "liquid":
        return get_bud_category(get_liquid_formula(preserved).bud_category)
    if form == "capsules":
        return get_bud_category("solid")
    raise CompoundingError(f"form {form!r} is unknown; allowed: {', '.join(FORMS)}")


def preparation_bud_limit(made_on: dt.date, form: str, *, preserved: bool = False) -> dt.date:
    """The latest BUD a preparation of ``form`` made on ``made_on`` may carry."""
    return made_on + dt.timedelta(days=bud_category_for(form, preserved=preserved).bud_days)


def parse_step(text: str) -> tuple[Decimal, int]:
    """``"MG:DAYS"`` → ``(dose_mg, days)``; raises :class:`CompoundingError` saying what is allowed.

    >>> parse_step("4.5:30")
    (Decimal('4.5'), 30)
    """
    dose_text, sep, days_text = str(text).partition(":")
    try:
        dose = Decimal(dose_text.strip())
        days = int(days_text.strip())
    except (ArithmeticError, ValueError):
        raise CompoundingError(f"step {text!r} is not MG:DAYS; allowed: e.g. 1.5:14") from None
    if not sep or not dose.is_finite():
        raise CompoundingError(f"step {text!r} is not MG:DAYS; allowed: e.g. 1.5:14")
    return dose, days


def plan_preparations(
    steps: Sequence[tuple[object, int]],
    *,
    start: dt.date,
    form: Literal["liquid", "capsules"],
    preserved: bool = False,
    not_before: dt.date | None = None,
) -> tuple[PlannedPreparation, ...]:
    """The preparations of a titration: ``steps`` are ``(dose_mg, days)`` in order from ``start``.

    Consecutive steps at the same dose are one step. ``not_before`` (default ``start``) is the
    earliest date anything is made; a preparation is never planned before it.
    """
    if form not in FORMS:
        raise CompoundingError(f"form {form!r} is unknown; allowed: {', '.join(FORMS)}")
    if form == "capsules" and preserved:
        raise CompoundingError("--preserved applies to liquids only; allowed: --form liquid --preserved")
    if not steps:
        raise CompoundingError("no steps; allowed: one or more MG:DAYS steps")
    if len(steps) > MAX_STEPS:
        raise CompoundingError(f"{len(steps)} steps; allowed: at most {MAX_STEPS}")
    ceiling = to_fraction(get_rule("low-dose-ceiling").value)
    merged: list[list] = []
    for dose, days in steps:
        try:
            dose_f = to_fraction(dose)
        except (ArithmeticError, ValueError, TypeError):
            raise CompoundingError(f"dose {dose!r} is not a number; allowed: more than 0 and at most "
                                   f"{get_rule('low-dose-ceiling').value} mg") from None
        if not 0 < dose_f <= ceiling:
            raise CompoundingError(f"dose {dose} mg is out of range; allowed: more than 0 and at most "
                                   f"{get_rule('low-dose-ceiling').value} mg")
        if not isinstance(days, int) or days < 1:
            raise CompoundingError(f"days {days} is out of range; allowed: 1 to {MAX_DAYS} in all")
        if merged and merged[-1][0] == dose_f:
            merged[-1][1] += days
        else:
            merged.append([dose_f, days])
    total = sum(days for _, days in merged)
    if total > MAX_DAYS:
        raise CompoundingError(f"the plan is {total} days; allowed: 1 to {MAX_DAYS} in all")
    try:
        start + dt.timedelta(days=total + 400)
    except OverflowError:
        raise CompoundingError(f"a plan from {start} runs past the last date a calendar holds; "
                               "allowed: an earlier start date") from None
    category = bud_category_for(form, preserved=preserved)
    bud = category.bud_days
    floor = start if not_before is None else not_before
    preparations: list[PlannedPreparation] = []
    day = start
    for step_number, (dose_f, days) in enumerate(merged, start=1):
        # At most bud_days days each, in equal parts (the first ones one day longer when uneven).
        count = math.ceil(days / bud)
        sizes = [days // count + (1 if i < days % count else 0) for i in range(count)]
        for batch, size in enumerate(sizes, start=1):
            first, last = day, day + dt.timedelta(days=size - 1)
            made = min(first, max(last - dt.timedelta(days=bud), floor))
            preparations.append(PlannedPreparation(
                number=len(preparations) + 1, step=step_number, batch=batch, batches_in_step=count,
                dose_mg=_decimal(dose_f), days=size, first_use=first, last_use=last, prepared_on=made,
                beyond_use_date=made + dt.timedelta(days=bud), bud_days=bud, bud_category=category.id,
                form=form, preserved=preserved))
            day = last + dt.timedelta(days=1)
    return tuple(preparations)


def _decimal(value) -> Decimal:
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def dispensing_problems(*, first_use: dt.date, last_use: dt.date, bud_days: int, made_on: dt.date,
                        beyond_use_date: dt.date, today: dt.date,
                        supplied_until: dt.date | None = None) -> dict[str, str]:
    """What is wrong with recording a bottle of a preparation, by field (empty: nothing).

    The bottle supplies ``first_use`` (the first day not yet supplied) to ``supplied_until``
    (default ``last_use``). Its BUD may not be later than ``made_on + bud_days``, nor before the
    last day it supplies; a shorter supply ends on or before the BUD and the rest takes another
    bottle. A bottle is recorded once made: ``made_on`` is not in the future.

    >>> d = dt.date(2026, 12, 4)
    >>> dispensing_problems(first_use=d, last_use=d + dt.timedelta(days=13), bud_days=14, made_on=d,
    ...                     beyond_use_date=dt.date(9999, 12, 31), today=d)["beyond_use_date"][:60]
    'The beyond-use date 31 Dec 9999 is later than this preparati'
    """
    errors: dict[str, str] = {}
    if made_on > today:
        errors["made_on"] = "The made-on date is in the future; record a preparation once it is made."
    elif made_on > last_use:
        errors["made_on"] = f"Made after the bottle's last day of use ({last_use:%d %b %Y})."
    limit = made_on + dt.timedelta(days=bud_days)
    until = supplied_until or last_use
    if beyond_use_date < today:
        errors["beyond_use_date"] = "The beyond-use date is in the past."
    elif beyond_use_date > limit:
        errors["beyond_use_date"] = (
            f"The beyond-use date {beyond_use_date:%d %b %Y} is later than this preparation allows: made on "
            f"{made_on:%d %b %Y}, its BUD is {bud_days} days, so at most {limit:%d %b %Y}.")
    if supplied_until is not None and not first_use <= supplied_until <= last_use:
        errors["supplied_until"] = (f"A shorter supply ends between {first_use:%d %b %Y} and the preparation's last "
                                    f"day of use, {last_use:%d %b %Y}.")
    elif "beyond_use_date" not in errors and beyond_use_date < until:
        errors["beyond_use_date"] = (
            f"The beyond-use date {beyond_use_date:%d %b %Y} is before the bottle's last day of use "
            f"({until:%d %b %Y}). Make it later (on or after {until - dt.timedelta(days=bud_days):%d %b %Y}), "
            "or record a shorter supply ('Supplied until', at most the BUD) and dispense the rest later.")
    return errors
