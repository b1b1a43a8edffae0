"""Which phase each diary day belongs to: baseline, titration, maintenance or a blinded period.

Explicit ``phase`` values win. A blank phase after a day with a phase inherits it (so a
patient only writes the phase when it changes). When the diary has no phase at all, the
phases are inferred from the doses: days before the first dose are *baseline*; the
*maintenance* dose is the dose of the last dosed day, and maintenance starts where the
final unbroken run of that dose starts (days without a dose, i.e. missed doses, do not
break the run); the days in between are *titration*.

>>> import datetime as dt
>>> from ldncare.core.response.diary import DiaryDay
>>> d0 = dt.date(2026, 1, 1)
>>> doses = [None, None, 1.5, 3.0, 4.5, None, 4.5]
>>> days = [DiaryDay(date=d0 + dt.timedelta(i), ldn_dose_mg=x) for i, x in enumerate(doses)]
>>> assign_phases(days)
('baseline', 'baseline', 'titration', 'titration', 'maintenance', 'maintenance', 'maintenance')
"""

from __future__ import annotations

from collections.abc import Sequence

from ldncare.core.response.diary import DiaryDay

__all__ = ["assign_phases", "maintenance_start"]


def assign_phases(days: Sequence[DiaryDay]) -> tuple[str | None, ...]:
    """The phase of every day (in the order given, which must be by date)."""
    if any(d.phase for d in days):
        phases: list[str | None] = []
        current = None
        for d in days:
            current = d.phase or current
            phases.append(current)
        return tuple(phases)
    dosed = [i for i, d in enumerate(days) if d.ldn_dose_mg]
    if not dosed:
        return tuple("baseline" for _ in days)
    first, last = dosed[0], dosed[-1]
    final_dose = days[last].ldn_dose_mg
    start = last
    for i in range(last, first - 1, -1):
        dose = days[i].ldn_dose_mg
        if dose and dose != final_dose:
            break
        if dose:
            start = i
    result = []
    for i in range(len(days)):
        if i < first:
            result.append("baseline")
        elif i < start:
            result.append("titration")
        else:
            result.append("maintenance")
    return tuple(result)


def maintenance_start(days: Sequence[DiaryDay], phases: Sequence[str | None]):
    """Date of the first maintenance day, or ``None``."""
    for d, phase in zip(days, phases, strict=True):
        if phase == "maintenance":
            return d.date
    return None
