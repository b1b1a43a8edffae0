"""Titration plans: dated steps with dose, time of day, volume and measuring device.

A :class:`Plan` is what the prescriber's titration looks like on a calendar: contiguous
steps (each starts the day after the previous one ends), never above the prescriber's target
or maximum, each with the volume of the chosen liquid and the syringe that measures it.
A step no syringe can measure is kept (the dose is the prescriber's) and reported in
:attr:`Plan.unmeasurable_steps`. Not medical advice: the prescriber decides.

>>> import datetime as dt
>>> plan = build_plan("article", start_date=dt.date(2026, 12, 1))
>>> [(str(s.dose_mg), s.start_date.isoformat(), s.volume_ml, s.device) for s in plan.steps]
[('1.5', '2026-12-01', Decimal('1.5'), 'syringe-3ml'), ('3', '2026-12-15', Decimal('3'), 'syringe-3ml'), ('4.5', '2026-12-29', Decimal('4.5'), None)]
>>> [str(s.dose_mg) for s in plan.unmeasurable_steps]  # 4.5 mL: between the 0.2 mL lines of 5 and 10 mL syringes
['4.5']
>>> plan.steps[0].time
'22:00'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from pydantic import Field

from ldncare.core.dosing.devices import MeasuringDevice, load_devices, pick_device, to_fraction
from ldncare.core.dosing.protocols import (
    PROTOCOL_IDS,
    Timing,
    TitrationProtocol,
    get_protocol,
    get_rule,
    get_timing,
)
from ldncare.core.knowledge.records import Record, Source

__all__ = [
    "CANDIDATE_CONCENTRATIONS_MG_PER_ML",
    "DosingStep",
    "Plan",
    "PlanError",
    "build_plan",
    "layout_steps",
    "measurable_concentrations",
    "to_decimal",
]

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MIN_CONCENTRATION_MG_PER_ML = Decimal("0.1")
MAX_CONCENTRATION_MG_PER_ML = Decimal("10")
MIN_WEIGHT_KG = Decimal("2")
MAX_WEIGHT_KG = Decimal("150")
MAX_INTERVAL_DAYS = 90
MIN_STEP_MG = Decimal("0.05")
CANDIDATE_CONCENTRATIONS_MG_PER_ML = tuple(Decimal(c) for c in ("0.5", "1", "2", "2.5", "5"))


class PlanError(ValueError):
    """Input a plan cannot be built from; the message says what was wrong and what is allowed."""


class DosingStep(Record):
    """One step of a plan: the same daily dose from ``start_date`` to ``end_date`` (inclusive)."""

    start_date: dt.date
    end_date: dt.date
    dose_mg: Decimal = Field(gt=0)
    time: str = Field(pattern=_TIME.pattern, description="time of day, HH:MM (24 h)")
    volume_ml: Decimal = Field(gt=0, description="volume of the liquid for this dose")
    device: str | None = Field(description="id of the syringe that measures volume_ml, None if none can")
    device_name: str | None = None

    @property
    def days(self) -> int:
        """Number of days in the step (inclusive)."""
        return (self.end_date - self.start_date).days + 1

    @property
    def measurable(self) -> bool:
        """True when a syringe measures this step's volume exactly."""
        return self.device is not None


class Plan(Record):
    """A titration plan: the steps plus the prescriber's target and maximum."""

    protocol: str
    protocol_name: str
    steps: tuple[DosingStep, ...] = Field(min_length=1)
    target_mg: Decimal = Field(gt=0)
    max_mg: Decimal = Field(gt=0)
    concentration_mg_per_ml: Decimal = Field(gt=0)
    interval_days: int | None = Field(default=None, description="step interval (None: single-step plan)")
    ladder_mg: tuple[Decimal, ...] = Field(description="the dose rungs of the original titration")
    maintenance_days: int = Field(gt=0)
    weight_kg: Decimal | None = None
    timing: str = Field(description="bedtime | morning | custom")
    morning_option: Timing
    evidence_level: str
    sources: tuple[Source, ...]
    notes: tuple[str, ...] = ()

    @property
    def unmeasurable_steps(self) -> tuple[DosingStep, ...]:
        """Steps whose volume no syringe can measure exactly (choose another concentration)."""
        return tuple(step for step in self.steps if not step.measurable)

    @property
    def devices_needed(self) -> tuple[str, ...]:
        """The distinct syringes (ids) the pharmacy dispenses for this plan, in order of first use."""
        return tuple(dict.fromkeys(step.device for step in self.steps if step.device))

    @property
    def end_date(self) -> dt.date:
        """The last day of the plan."""
        return self.steps[-1].end_date


def to_decimal(value, name: str) -> Decimal:
    """``value`` as a finite :class:`Decimal` (floats through their shortest repr)."""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        raise PlanError(f"{name} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise PlanError(f"{name} must be a finite number, got {value!r}")
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def _normal(value: Fraction) -> Decimal:
    """A Fraction with a terminating decimal as a normalised Decimal (else 6 places)."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(number) != value:
        number = number.quantize(Decimal("0.000001"))
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def layout_steps(
    start_date: dt.date,
    rungs: Sequence[tuple[Decimal, int, str]],
    concentration_mg_per_ml: Decimal,
    devices: Sequence[MeasuringDevice] | None = None,
) -> list[DosingStep]:
    """Contiguous steps from ``(dose_mg, days, time)`` rungs, each with volume and device."""
    devices = load_devices() if devices is None else devices
    steps: list[DosingStep] = []
    day = start_date
    for dose_mg, days, time in rungs:
        volume = to_fraction(dose_mg) / to_fraction(concentration_mg_per_ml)
        device = pick_device(volume, devices)
        steps.append(
            DosingStep(
                start_date=day,
                end_date=day + dt.timedelta(days=days - 1),
                dose_mg=_normal(to_fraction(dose_mg)),
                time=time,
                volume_ml=_normal(volume),
                device=device.id if device else None,
                device_name=device.name if device else None,
            )
        )
        day += dt.timedelta(days=days)
    return steps


def measurable_concentrations(doses_mg: Sequence[Decimal], devices: Sequence[MeasuringDevice] | None = None,
                              candidates: Sequence[Decimal] = CANDIDATE_CONCENTRATIONS_MG_PER_ML) -> tuple[Decimal, ...]:
    """The candidate liquid strengths at which every dose lands on a line of some listed syringe.

    >>> measurable_concentrations([Decimal("0.25"), Decimal("1.25"), Decimal("4.5")])
    (Decimal('0.5'), Decimal('2.5'), Decimal('5'))
    """
    devices = load_devices() if devices is None else devices
    return tuple(c for c in candidates
                 if all(pick_device(to_fraction(d) / to_fraction(c), devices) is not None for d in doses_mg))


def _ladder(start: Decimal, step: Decimal, target: Decimal) -> list[Decimal]:
    doses = [min(start, target)]
    while doses[-1] < target:
        doses.append(min(doses[-1] + step, target))
    return doses


def _check_range(value: Decimal, name: str, low: Decimal, high: Decimal, unit: str, *, low_open=False):
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bracket = f"{'more than' if low_open else 'at least'} {low} {unit} and at most {high} {unit}"
        raise PlanError(f"{name} {value} {unit} is out of range; allowed: {bracket}")


def build_plan(
    protocol: str | TitrationProtocol = "article",
    *,
    start_date: dt.date,
    target_mg=None,
    max_mg=None,
    weight_kg=None,
    start_mg=None,
    step_mg=None,
    interval_days: int | None = None,
    concentration_mg_per_ml=1,
    time: str | None = None,
    maintenance_days: int | None = None,
    devices: Sequence[MeasuringDevice] | None = None,
) -> Plan:
    """Build a titration plan from a protocol id (``article``, ``trust``, ``gentle``,
    ``pediatric`` or ``custom``) and the prescriber's numbers.

    Parameters
    ----------
    protocol
        Protocol id or record. ``custom`` needs ``start_mg``, ``step_mg`` and
        ``interval_days``; ``pediatric`` needs ``weight_kg`` (0.1 mg/kg, at most 4.5 mg).
    start_date
        First day of the plan.
    target_mg, max_mg
        The prescriber's target and maximum daily dose (defaults: the protocol's). The target
        may not exceed the maximum, and neither the low-dose ceiling (10 mg/day).
    concentration_mg_per_ml
        Strength of the liquid the volumes are computed for (default 1 mg/mL).
    time
        Time of day ``HH:MM``; default bedtime (22:00).
    maintenance_days
        Length of the final, target-dose step (default 56 days, rule ``maintenance-days``).

    Raises
    ------
    PlanError
        With what was wrong and what is allowed.

    Examples
    --------
    >>> plan = build_plan("pediatric", start_date=dt.date(2026, 12, 1), weight_kg=23.7)
    >>> plan.steps[0].dose_mg, plan.steps[0].device
    (Decimal('2.3'), 'syringe-3ml')
    """
    if isinstance(protocol, str):
        try:
            record = get_protocol(protocol)
        except LookupError:
            raise PlanError(f"unknown protocol {protocol!r}; allowed: {', '.join(PROTOCOL_IDS)}") from None
    else:
        record = protocol
    ceiling = get_rule("low-dose-ceiling").value
    concentration = to_decimal(concentration_mg_per_ml, "concentration")
    _check_range(concentration, "concentration", MIN_CONCENTRATION_MG_PER_ML, MAX_CONCENTRATION_MG_PER_ML, "mg/mL")
    target = to_decimal(target_mg, "target") if target_mg is not None else record.target_mg
    maximum = to_decimal(max_mg, "maximum") if max_mg is not None else record.max_mg
    _check_range(target, "target dose", Decimal(0), ceiling, "mg", low_open=True)
    _check_range(maximum, "maximum dose", Decimal(0), ceiling, "mg", low_open=True)
    if target > maximum:
        raise PlanError(
            f"target {target} mg is above the maximum {maximum} mg; allowed: a target at most the "
            f"maximum (raise --max-mg, up to the low-dose ceiling of {ceiling} mg, if the prescriber intends it)"
        )
    if time is None:
        timing, clock = "bedtime", get_timing("bedtime").default_time
    else:
        if not _TIME.match(time):
            raise PlanError(f"time {time!r} is not a time of day; allowed: HH:MM from 00:00 to 23:59")
        timing, clock = ("bedtime" if time == get_timing("bedtime").default_time else "custom"), time
    maintenance = int(get_rule("maintenance-days").value) if maintenance_days is None else maintenance_days
    if not 1 <= maintenance <= 365:
        raise PlanError(f"maintenance {maintenance} days is out of range; allowed: 1 to 365 days")
    custom_given = [n for n, v in (("start_mg", start_mg), ("step_mg", step_mg), ("interval_days", interval_days)) if v is not None]
    if record.kind != "custom" and custom_given:
        raise PlanError(f"{', '.join(custom_given)}: only for the custom protocol; allowed with {record.id}: target, maximum, time, concentration")
    if record.kind != "weight_based" and weight_kg is not None:
        raise PlanError(f"weight only applies to the pediatric protocol, not {record.id}")

    notes: list[str] = []
    weight = None
    interval = record.interval_days
    if record.kind == "ladder":
        doses = _ladder(record.start_mg, record.step_mg, target)
    elif record.kind == "custom":
        missing = [n for n, v in (("start_mg", start_mg), ("step_mg", step_mg), ("interval_days", interval_days)) if v is None]
        if missing:
            raise PlanError(f"the custom protocol needs {', '.join(missing)}; allowed: start and step in mg, interval in days")
        start = to_decimal(start_mg, "start dose")
        step = to_decimal(step_mg, "step")
        if not 0 < start <= target:
            raise PlanError(f"start dose {start} mg is out of range; allowed: more than 0 mg and at most the target {target} mg")
        _check_range(step, "step", MIN_STEP_MG, ceiling, "mg")
        if not isinstance(interval_days, int) or not 1 <= interval_days <= MAX_INTERVAL_DAYS:
            raise PlanError(f"interval {interval_days} days is out of range; allowed: 1 to {MAX_INTERVAL_DAYS} days")
        interval = interval_days
        doses = _ladder(start, step, target)
    else:  # weight-based (pediatric)
        if weight_kg is None:
            raise PlanError(f"the pediatric protocol needs the weight in kg; allowed: {MIN_WEIGHT_KG} to {MAX_WEIGHT_KG} kg")
        weight = to_decimal(weight_kg, "weight")
        _check_range(weight, "weight", MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg")
        unit = to_fraction(get_rule("pediatric-rounding").value)
        raw = to_fraction(record.mg_per_kg) * to_fraction(weight)
        rounded = math.floor(raw / unit) * unit
        dose = min(rounded, to_fraction(target))
        doses = [_normal(dose)]
        notes.append(
            f"{record.mg_per_kg} mg/kg × {weight} kg = {_normal(raw)} mg; rounded down to {_normal(unit)} mg and capped "
            f"at {target} mg → {_normal(dose)} mg once daily. A weight-based dose for a child must be entered by the prescriber."
        )
    rungs = [(d, interval, clock) for d in doses[:-1]] + [(doses[-1], maintenance, clock)]
    try:
        steps = layout_steps(start_date, rungs, concentration, devices)
    except OverflowError:
        raise PlanError(f"a plan from {start_date} runs past the last date a calendar holds; allowed: an earlier start date") from None
    for step in steps:
        if not step.measurable:
            notes.append(
                f"{step.dose_mg} mg from {step.start_date} is {step.volume_ml} mL at {concentration} mg/mL, which "
                "no listed syringe measures exactly: choose another concentration or ask the pharmacist."
            )
    if any(not step.measurable for step in steps):
        fits = measurable_concentrations(doses, devices)
        notes.append("Every step is measurable at " + (", ".join(f"{c} mg/mL" for c in fits) if fits else
                                                       "none of the usual strengths (0.5, 1, 2, 2.5, 5 mg/mL)") + ".")
    return Plan(
        protocol=record.id,
        protocol_name=record.name,
        steps=tuple(steps),
        target_mg=target,
        max_mg=maximum,
        concentration_mg_per_ml=concentration,
        interval_days=interval,
        ladder_mg=tuple(Decimal(d) for d in doses),
        maintenance_days=maintenance,
        weight_kg=weight,
        timing=timing,
        morning_option=get_timing("morning"),
        evidence_level=record.evidence_level,
        sources=tuple(record.sources) + tuple(get_timing("bedtime").sources),
        notes=tuple(notes),
    )
