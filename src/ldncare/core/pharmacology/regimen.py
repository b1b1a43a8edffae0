"""Dosing regimens as NONMEM-style dose events.

Time 0 is midnight (00:00) at the start of day 1, so the clock time of any model time
``t_h`` is ``t_h mod 24``. A :class:`DoseEvent` holds TIME, AMT (mg naltrexone HCl as
labelled), II, ADDL and a zero-order input duration (DUR; RATE = AMT/DUR) as in NONMEM,
mrgsolve and rxode2. Regimens are built from a clock time (:func:`daily_at`) or from a
titration plan (:func:`titrate`).

>>> r = daily_at(4.5, "22:00", days=14)
>>> r.events[0].time_h, r.events[0].ii_h, r.events[0].addl
(22.0, 24.0, 13)
>>> len(r.doses()), r.doses()[-1].time_h
(14, 334.0)
>>> [d.amount_mg for d in titrate([(1, 1.5), (8, 3.0)], "21:30", days=10).doses()][5:9]
[1.5, 1.5, 3.0, 3.0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["MAX_DAYS", "MAX_DOSE_MG", "DoseEvent", "Form", "Regimen", "daily_at", "parse_clock", "titrate"]

Form = Literal["ir", "sr"]
MAX_DOSE_MG = 500.0
MAX_DAYS = 365  # longest regimen the simulator builds
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_clock(text: str) -> float:
    """``"HH:MM"`` (24-hour) → hours after midnight; ``ValueError`` otherwise.

    >>> parse_clock("22:30")
    22.5
    """
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a clock time; allowed: HH:MM, 00:00 to 23:59")
    return int(match.group(1)) + int(match.group(2)) / 60.0


@dataclass(frozen=True)
class DoseEvent:
    """One dose record (EVID 1) with NONMEM columns.

    ``duration_h`` > 0 means zero-order input of the amount over that time into the
    absorption depot (the commercial SR tablet); 0 means a bolus into the depot (IR).
    """

    time_h: float
    amount_mg: float
    form: Form = "ir"
    ii_h: float = 0.0
    addl: int = 0
    duration_h: float = 0.0

    def __post_init__(self) -> None:
        if not (0 < self.amount_mg <= MAX_DOSE_MG):
            raise ValueError(f"dose {self.amount_mg} mg out of range; allowed: > 0 and <= {MAX_DOSE_MG:g} mg")
        if self.time_h < 0 or self.addl < 0 or self.duration_h < 0:
            raise ValueError("time_h, addl and duration_h must be >= 0")
        if self.addl and self.ii_h <= 0:
            raise ValueError("additional doses (ADDL) need an interval II > 0")
        if self.form not in ("ir", "sr"):
            raise ValueError(f"unknown form {self.form!r}; allowed: ir, sr")

    @property
    def rate_mg_per_h(self) -> float:
        """NONMEM RATE: amount per hour for zero-order input, 0 for a bolus."""
        return self.amount_mg / self.duration_h if self.duration_h > 0 else 0.0

    def expand(self) -> tuple[DoseEvent, ...]:
        """The single doses this record stands for (ADDL unrolled)."""
        return tuple(
            replace(self, time_h=self.time_h + i * self.ii_h, ii_h=0.0, addl=0) for i in range(self.addl + 1)
        )

    def to_nonmem(self) -> dict[str, float | int]:
        """A NONMEM data-set row (CMT 1 = depot, RATE 0 = bolus)."""
        return {
            "TIME": self.time_h,
            "AMT": self.amount_mg,
            "CMT": 1,
            "EVID": 1,
            "II": self.ii_h,
            "ADDL": self.addl,
            "RATE": self.rate_mg_per_h,
        }


@dataclass(frozen=True)
class Regimen:
    """A sequence of dose events and the number of days to simulate."""

    events: tuple[DoseEvent, ...]
    days: int
    description: str = ""

    def doses(self) -> tuple[DoseEvent, ...]:
        """Every single dose, sorted by time."""
        return tuple(sorted((d for e in self.events for d in e.expand()), key=lambda d: d.time_h))

    @property
    def start_h(self) -> float:
        """Time of the first dose: day windows start here."""
        return self.doses()[0].time_h

    @property
    def end_h(self) -> float:
        """End of the simulated window: ``days`` x 24 h after the first dose."""
        return self.start_h + 24.0 * self.days

    def to_table(self) -> list[dict[str, float | int]]:
        """The dose records as NONMEM rows."""
        return [e.to_nonmem() for e in self.events]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready description of the regimen."""
        return {"description": self.description, "days": self.days, "events": self.to_table(),
                "forms": sorted({e.form for e in self.events})}


def _check_days(days: int) -> None:
    if not (1 <= days <= MAX_DAYS):
        raise ValueError(f"days {days} out of range; allowed: 1 to {MAX_DAYS}")


def daily_at(dose_mg: float, clock: str = "22:00", *, days: int = 14, form: Form = "ir",
             sr_duration_h: float | None = None) -> Regimen:
    """One dose at ``clock`` every day for ``days`` days (one record with II 24 and ADDL).

    ``form="sr"`` uses the commercial SR tablet's zero-order release duration (from the
    parameter records unless ``sr_duration_h`` is given).
    """
    _check_days(days)
    duration = _duration_for(form, sr_duration_h)
    event = DoseEvent(time_h=parse_clock(clock), amount_mg=dose_mg, form=form, ii_h=24.0,
                      addl=days - 1, duration_h=duration)
    return Regimen(events=(event,), days=days,
                   description=f"{dose_mg:g} mg {form.upper()} at {clock} every day for {days} days")


def titrate(steps: list[tuple[int, float]], clock: str = "22:00", *, days: int, form: Form = "ir",
            sr_duration_h: float | None = None) -> Regimen:
    """A titration plan: ``steps`` of (start day, dose_mg), day 1 first, one dose a day at ``clock``."""
    _check_days(days)
    if not steps or steps[0][0] != 1:
        raise ValueError("a titration plan starts on day 1, e.g. [(1, 1.5), (8, 3.0)]")
    starts = [s for s, _ in steps]
    if starts != sorted(set(starts)) or starts[-1] > days:
        raise ValueError("titration start days must increase and lie within the simulated days")
    clock_h = parse_clock(clock)
    duration = _duration_for(form, sr_duration_h)
    ends = starts[1:] + [days + 1]
    events = tuple(
        DoseEvent(time_h=clock_h + 24.0 * (start - 1), amount_mg=dose, form=form, ii_h=24.0,
                  addl=end - start - 1, duration_h=duration)
        for (start, dose), end in zip(steps, ends, strict=True)
    )
    plan = ", ".join(f"day {s}: {d:g} mg" for s, d in steps)
    return Regimen(events=events, days=days, description=f"titration ({plan}) {form.upper()} at {clock}")


def _duration_for(form: Form, sr_duration_h: float | None) -> float:
    if form == "ir":
        return 0.0
    if form == "sr":
        if sr_duration_h is not None:
            return sr_duration_h
        from ldncare.core.pharmacology.parameters import model_parameters

        return model_parameters().sr_duration_h
    raise ValueError(f"unknown form {form!r}; allowed: ir, sr")
