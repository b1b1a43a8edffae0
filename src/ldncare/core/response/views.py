"""More views of one diary: side-effect courses, adherence, dose-response, dosing time vs sleep.

Side effects "are usually mild and tend to go away after a week or two" (the article), so a
side effect still reported 14 days or more after the start of its episode is flagged
``persisting``; one the knowledge data mark ``urgent_care`` or ``contact_prescriber`` is
flagged with that urgency instead. An episode ends after more than ``EPISODE_GAP_DAYS`` days
without the side effect, and a new one starts when the dose changes (side effects that come
back after each titration step are new episodes, each with its own week or two).

>>> from ldncare.core.response.simulate import simulate_diary
>>> diary = simulate_diary(seed=2, persistent_side_effect="headache")
>>> [(c.name, c.flag) for c in side_effect_courses(diary) if c.name == "headache"]
[('headache', 'persisting')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ldncare.core.response.ar1 import fit_ar1_regression
from ldncare.core.response.diary import Diary
from ldncare.core.response.phases import assign_phases
from ldncare.core.response.side_effect_names import side_effect_urgency

__all__ = [
    "EPISODE_GAP_DAYS",
    "PERSISTING_AFTER_DAYS",
    "Adherence",
    "DoseStep",
    "DoseTimingComparison",
    "PgicSummary",
    "SideEffectCourse",
    "compare_dose_timing",
    "side_effect_courses",
    "summarize_adherence",
    "summarize_dose_steps",
    "summarize_pgic",
]

PERSISTING_AFTER_DAYS = 14
EPISODE_GAP_DAYS = 7
MORNING = (dt.time(4, 0), dt.time(12, 0))  # [04:00, 12:00)
BEDTIME = (dt.time(18, 0), dt.time(4, 0))  # [18:00, 04:00)


@dataclass(frozen=True, slots=True)
class SideEffectCourse:
    """The course of one side effect over the diary."""

    name: str
    first_day: dt.date
    last_day: dt.date
    days: int  # days on which it was reported
    episodes: int
    longest_episode_days: int  # first to last report of the longest episode, inclusive
    worst_severity: str
    still_present: bool  # reported on the last diary day
    flag: str | None  # None, "persisting", "contact_prescriber" or "urgent_care"


def side_effect_courses(diary: Diary) -> tuple[SideEffectCourse, ...]:
    """One course per side effect reported, in order of first report."""
    reports: dict[str, list[tuple[dt.date, str, float | None]]] = {}
    dose = None
    for d in diary.days:
        dose = d.ldn_dose_mg or dose
        for name, severity in d.side_effects:
            reports.setdefault(name, []).append((d.date, severity, dose))
    order = ("mild", "moderate", "severe")
    courses = []
    for name, items in reports.items():
        dates = [date for date, _, _ in items]
        episodes, longest, start, prev, prev_dose = 1, 1, dates[0], dates[0], items[0][2]
        for date, _, dose_mg in items[1:]:
            if (date - prev).days > EPISODE_GAP_DAYS or dose_mg != prev_dose:
                episodes += 1
                start = date
            longest = max(longest, (date - start).days + 1)
            prev, prev_dose = date, dose_mg
        urgency = side_effect_urgency(name)
        if urgency in ("urgent_care", "contact_prescriber"):
            flag = urgency
        elif longest > PERSISTING_AFTER_DAYS:
            flag = "persisting"
        else:
            flag = None
        courses.append(SideEffectCourse(
            name=name, first_day=dates[0], last_day=dates[-1], days=len(dates), episodes=episodes,
            longest_episode_days=longest, worst_severity=max((s for _, s, _ in items), key=order.index),
            still_present=dates[-1] == diary.last_date, flag=flag))
    return tuple(courses)


@dataclass(frozen=True, slots=True)
class Adherence:
    """Doses planned vs taken, from the first dose to the last diary day.

    ``days_planned`` counts recorded days in a treatment phase (titration, maintenance or a
    blinded period); ``days_taken`` those with a dose. Days without a check-in are unknown
    and counted separately.
    """

    days_planned: int
    days_taken: int
    days_unrecorded: int

    @property
    def missed(self) -> int:
        return self.days_planned - self.days_taken

    @property
    def fraction_taken(self) -> float | None:
        return None if self.days_planned == 0 else self.days_taken / self.days_planned


def summarize_adherence(diary: Diary) -> Adherence:
    """Count planned and taken doses (see :class:`Adherence`)."""
    phases = assign_phases(diary.days)
    treatment = [d for d, p in zip(diary.days, phases, strict=True) if p and p != "baseline"]
    if not treatment:
        return Adherence(0, 0, 0)
    span = (diary.last_date - treatment[0].date).days + 1
    taken = sum(1 for d in treatment if d.ldn_dose_mg)
    return Adherence(days_planned=len(treatment), days_taken=taken, days_unrecorded=span - len(treatment))


@dataclass(frozen=True, slots=True)
class DoseStep:
    """One dose level: its days with a score and the mean score (and of its last 7 days)."""

    dose_mg: float | None  # None = baseline (no LDN)
    first_day: dt.date
    n_days: int
    mean: float | None
    mean_last_7_days: float | None


def summarize_dose_steps(diary: Diary, outcome: str = "pain") -> tuple[DoseStep, ...]:
    """Dose-response across titration steps: baseline, then each run of one dose level.

    Descriptive only: each step is short and benefit builds over weeks, so a later step
    carries the onset of the earlier ones. The last 7 days of each step are shown because
    they are closest to that dose's steady effect.
    """
    phases = assign_phases(diary.days)
    steps: list[tuple[float | None, list]] = []
    current = "start"
    for d, phase in zip(diary.days, phases, strict=True):
        if phase == "baseline":
            level = None
        elif phase in ("titration", "maintenance"):
            level = d.ldn_dose_mg if d.ldn_dose_mg else (current if current != "start" else None)
        else:
            continue
        if not steps or level != steps[-1][0]:
            steps.append((level, []))
        current = level
        steps[-1][1].append(d)
    result = []
    for level, days in steps:
        values = [d.scores[outcome] for d in days if outcome in d.scores]
        last = [d.scores[outcome] for d in days if outcome in d.scores and (days[-1].date - d.date).days < 7]
        result.append(DoseStep(dose_mg=level, first_day=days[0].date, n_days=len(values),
                               mean=float(np.mean(values)) if values else None,
                               mean_last_7_days=float(np.mean(last)) if last else None))
    return tuple(result)


@dataclass(frozen=True, slots=True)
class DoseTimingComparison:
    """Sleep quality the night after a bedtime dose vs a morning dose (AR(1) regression)."""

    outcome: str
    n_bedtime: int
    n_morning: int
    mean_bedtime: float | None
    mean_morning: float | None
    difference: float | None  # bedtime minus morning
    ci95: tuple[float, float] | None
    message: str


def _slot(time: dt.time | None) -> str | None:
    if time is None:
        return None
    if MORNING[0] <= time < MORNING[1]:
        return "morning"
    if time >= BEDTIME[0] or time < BEDTIME[1]:
        return "bedtime"
    return None


def compare_dose_timing(diary: Diary, outcome: str = "sleep_quality", min_days: int = 7) -> DoseTimingComparison:
    """Compare ``outcome`` on the day after a bedtime dose (18:00-03:59) with the day after a
    morning dose (04:00-11:59), on treatment days, with AR(1) errors on the daily clock.

    The score of day *t+1* is paired with the dose of day *t*: a diary's sleep rating is
    about the night before it. Doses taken at other times are left out.
    """
    by_date = {d.date: d for d in diary.days}
    rows = []
    origin = diary.first_date
    for d in diary.days:
        slot = _slot(d.dose_time) if d.ldn_dose_mg else None
        nxt = by_date.get(d.date + dt.timedelta(days=1))
        if slot and nxt is not None and outcome in nxt.scores:
            rows.append(((nxt.date - origin).days, nxt.scores[outcome], 1.0 if slot == "bedtime" else 0.0))
    bed = [v for _, v, b in rows if b]
    morning = [v for _, v, b in rows if not b]
    means = (float(np.mean(bed)) if bed else None, float(np.mean(morning)) if morning else None)
    if len(bed) < min_days or len(morning) < min_days:
        return DoseTimingComparison(outcome, len(bed), len(morning), *means, None, None,
                                    f"needs {min_days} nights after a bedtime dose and {min_days} after a morning "
                                    f"dose with a {outcome} score, has {len(bed)} and {len(morning)}")
    arr = np.array(rows)
    fit = fit_ar1_regression(arr[:, 0], arr[:, 1], np.column_stack([np.ones(len(arr)), arr[:, 2]]))
    diff = float(fit.beta[1])
    ci = fit.ci(1)
    return DoseTimingComparison(outcome, len(bed), len(morning), *means, diff, ci,
                                f"bedtime minus morning: {diff:+.2f} points (95% CI {ci[0]:+.2f} to {ci[1]:+.2f}); "
                                "open-label and not randomised: other changes over time can explain a difference")


@dataclass(frozen=True, slots=True)
class PgicSummary:
    """Patient Global Impression of Change ratings (1 very much improved … 7 very much worse)."""

    n_ratings: int
    last: int | None
    last_date: dt.date | None
    share_improved: float | None  # share of ratings at or below ``improved_max``
    improved_max: int  # 3 = "minimally improved" or better (IMMPACT)


def summarize_pgic(diary: Diary) -> PgicSummary:
    """Summarise the PGIC ratings; "improved" uses the curated threshold (``pgic.improved_max``).

    >>> from ldncare.core.response.diary import parse_diary
    >>> summarize_pgic(parse_diary("date,pgic\\n2026-01-01,4\\n2026-02-01,2\\n")).share_improved
    0.5
    """
    from ldncare.core.response.instruments import get_instrument

    improved_max = get_instrument("pgic").improved_max
    rated = [d for d in diary.days if d.pgic is not None]
    if not rated:
        return PgicSummary(0, None, None, None, improved_max)
    improved = sum(1 for d in rated if d.pgic <= improved_max)
    return PgicSummary(len(rated), rated[-1].pgic, rated[-1].date, improved / len(rated), improved_max)
