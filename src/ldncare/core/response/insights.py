"""What goes with my good days? Associations between a person's factors and outcomes, honestly.

Trackers correlate every factor with every symptom and report what crosses p < 0.05. Diaries
are autocorrelated (a good week is many good days; a habit is many days of the same habit), so
a plain Pearson correlation counts each streak as many independent observations and finds
"effects" in noise; and testing dozens of pairs finds some by chance alone. Here, for each
outcome, each factor and each lag (the same day, and the day before):

* the model is ``outcome_t = a + b·trend_t + c·factor_{t-lag} + e_t`` with **AR(1) errors** on the
  daily clock (:func:`ldncare.core.response.ar1.fit_ar1_regression`, gaps handled exactly, the
  uncertainty of ρ carried into the interval); the linear trend keeps a slow drift that both
  series share (e.g. getting better on LDN while sleeping more) from passing for an association;
* ``c`` is the estimate (outcome points per unit of the factor), with its 95 % interval and a
  two-sided p-value from Student t;
* the **false discovery rate** is controlled across everything tested in one call
  (Benjamini–Hochberg q-values); an association is *found* when q ≤ 0.05;
* nothing is shown before :data:`MIN_DAYS` paired days, nor for a factor that hardly varies.

Besides the person's own factors (``factor:<name>`` columns), the dose taken (mg) and the clock
time of the dose are tested: dose time against the next day's sleep and dreams is what LDN users
ask about. Words: *association, not cause* — a factor can go with better days because of
something else that goes with both.

>>> import datetime as dt
>>> from ldncare.core.response.diary import Diary, DiaryDay
>>> walk = [float(bin(i * 2654435761 % 2**32).count("1") % 2) for i in range(60)]  # walked that day: yes/no
>>> noise = [((i * 37) % 7 - 3) / 6 for i in range(60)]
>>> days = tuple(DiaryDay(date=dt.date(2026, 1, 1) + dt.timedelta(days=i), scores={"pain": 5 - 2 * walk[i] + noise[i]},
...                       factors={"factor:walk": walk[i]}) for i in range(60))
>>> found = find_associations(Diary(days=days, outcomes=("pain",), factors=("factor:walk",)), outcomes=["pain"])
>>> [(a.factor, a.lag_days, round(a.estimate, 1)) for a in found.associations if a.found]
[('factor:walk', 0, -1.9)]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ldncare.core.response.ar1 import fit_ar1_regression
from ldncare.core.response.diary import FACTOR_PREFIX, OUTCOME_PREFIX, Diary

__all__ = [
    "DOSE_FACTORS",
    "FDR_Q",
    "LAGS",
    "MIN_DAYS",
    "MIN_DAYS_EACH_WAY",
    "Association",
    "Insights",
    "NotTested",
    "PairedDay",
    "benjamini_hochberg",
    "find_associations",
    "paired_days",
    "resolve_factor",
    "resolve_outcome",
]

#: Paired days (outcome and factor both recorded) before an association is estimated.
MIN_DAYS = 28
#: A factor must take at least two values, each on this many days (a yes/no factor: 7 yes and 7 no).
MIN_DAYS_EACH_WAY = 7
#: The same day and the day before.
LAGS = (0, 1)
#: The false discovery rate controlled across everything tested.
FDR_Q = 0.05
#: Factors every diary has: the dose taken and the clock time it was taken.
DOSE_FACTORS = ("ldn_dose_mg", "dose_time_h")
#: Side-effect outcomes read from the day's reports: 0 none reported, 1 mild, 2 moderate, 3 severe.
SIDE_EFFECT_OUTCOMES = {"dreams": "vivid_dreams", "insomnia": "insomnia"}
_SEVERITY = {"mild": 1.0, "moderate": 2.0, "severe": 3.0}
CAVEAT = ("Association, not cause: a factor can go with better or worse days because of something else "
          "that goes with both. Tested with autocorrelated errors and a false discovery rate of 5 % "
          "across everything tested.")


@dataclass(frozen=True, slots=True)
class Association:
    """One factor at one lag against one outcome."""

    outcome: str
    factor: str
    lag_days: int
    estimate: float  # outcome points per unit of the factor
    ci95: tuple[float, float]
    p_value: float
    q_value: float
    n_days: int
    rho: float  # the AR(1) coefficient of the outcome's day-to-day errors

    @property
    def found(self) -> bool:
        return self.q_value <= FDR_Q

    def as_json(self) -> dict:
        return {"outcome": self.outcome, "factor": self.factor, "lag_days": self.lag_days,
                "estimate": round(self.estimate, 4), "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
                "p_value": round(self.p_value, 6), "q_value": round(self.q_value, 6), "n_days": self.n_days,
                "rho": round(self.rho, 3), "found": self.found}


@dataclass(frozen=True, slots=True)
class NotTested:
    outcome: str
    factor: str
    lag_days: int
    reason: str


@dataclass(frozen=True, slots=True)
class Insights:
    """Every association tested (most convincing first) and what could not be tested, with why."""

    associations: tuple[Association, ...]
    not_tested: tuple[NotTested, ...]
    min_days: int = MIN_DAYS
    caveat: str = CAVEAT

    @property
    def found(self) -> tuple[Association, ...]:
        return tuple(a for a in self.associations if a.found)

    def as_json(self) -> dict:
        return {"associations": [a.as_json() for a in self.associations],
                "not_tested": [{"outcome": n.outcome, "factor": n.factor, "lag_days": n.lag_days, "reason": n.reason}
                               for n in self.not_tested],
                "min_days": self.min_days, "fdr_q": FDR_Q, "method": "AR(1) regression with a linear trend, "
                "Benjamini-Hochberg across all tests", "caveat": self.caveat}


@dataclass(frozen=True, slots=True)
class PairedDay:
    """One point of an association: the factor on ``factor_date`` and the outcome ``lag_days`` later."""

    date: dt.date  # the outcome's day
    factor_date: dt.date
    factor: float
    outcome: float


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order (statsmodels' ``fdr_bh``).

    >>> [round(q, 3) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.053, 0.053, 0.5]
    """
    if len(p_values) == 0:
        return []
    return multipletests(np.asarray(p_values, dtype=float), method="fdr_bh")[1].tolist()


def _resolve(kind: str, known: Sequence[str], prefix: str, name: str) -> str:
    for candidate in (name, prefix + name):
        if candidate in known:
            return candidate
    raise ValueError(f"no {kind} {name!r} in this diary; allowed: {', '.join(known)}")


def resolve_outcome(diary: Diary, name: str) -> str:
    """The diary's outcome key for ``name`` (``brain_fog`` finds ``outcome:brain_fog``); ValueError if none."""
    return _resolve("outcome", [*diary.outcomes, *SIDE_EFFECT_OUTCOMES], OUTCOME_PREFIX, name)


def resolve_factor(diary: Diary, name: str) -> str:
    """The diary's factor key for ``name`` (``walk`` finds ``factor:walk``); ValueError if none."""
    return _resolve("factor", [*diary.factors, *DOSE_FACTORS], FACTOR_PREFIX, name)


def _dose_clock_h(value) -> float:
    """Clock time as hours after noon's reference: 22:30 -> 22.5, 00:30 -> 24.5 (a late dose is later)."""
    hours = value.hour + value.minute / 60
    return hours + 24 if hours < 12 else hours


def _series(diary: Diary, outcome: str, factors: Sequence[str]) -> tuple[dict[int, float], dict[str, dict[int, float]]]:
    start = diary.first_date
    y: dict[int, float] = {}
    x: dict[str, dict[int, float]] = {f: {} for f in factors}
    effect = SIDE_EFFECT_OUTCOMES.get(outcome)
    for day in diary.days:
        index = (day.date - start).days
        if effect is not None:
            y[index] = max((_SEVERITY[s] for e, s in day.side_effects if e == effect), default=0.0)
        elif outcome in day.scores:
            y[index] = float(day.scores[outcome])
        for name in factors:
            if name == "ldn_dose_mg":
                # a day with a check-in and no dose is a dose of 0 only if the person recorded a dose on other days
                if day.ldn_dose_mg is not None:
                    x[name][index] = float(day.ldn_dose_mg)
            elif name == "dose_time_h":
                if day.dose_time is not None and day.ldn_dose_mg:
                    x[name][index] = _dose_clock_h(day.dose_time)
            elif name in day.factors:
                x[name][index] = float(day.factors[name])
    return y, x


def _paired(y: dict[int, float], x: dict[int, float], lag: int) -> list[int]:
    """The outcome days (day indices) whose factor ``lag`` days earlier was recorded too."""
    return sorted(t for t in y if (t - lag) in x)


def paired_days(diary: Diary, outcome: str, factor: str, lag: int) -> tuple[PairedDay, ...]:
    """The days :func:`find_associations` pairs for ``factor`` on day t and ``outcome`` on day t + ``lag``.

    A day without either value is left out, never filled in.

    >>> from ldncare.core.response.diary import DiaryDay
    >>> d = [DiaryDay(date=dt.date(2026, 1, i), scores={"pain": float(i)} if i != 2 else {},
    ...               factors={"factor:walk": 1.0} if i != 3 else {}) for i in (1, 2, 3, 4)]
    >>> [(p.factor_date.day, p.date.day) for p in paired_days(Diary(days=tuple(d), outcomes=("pain",),
    ...                                                                 factors=("factor:walk",)), "pain", "walk", 1)]
    [(2, 3)]
    """
    outcome, factor = resolve_outcome(diary, outcome), resolve_factor(diary, factor)
    y, x = _series(diary, outcome, [factor])
    start = diary.first_date
    return tuple(PairedDay(date=start + dt.timedelta(days=t), factor_date=start + dt.timedelta(days=t - lag),
                           factor=x[factor][t - lag], outcome=y[t])
                 for t in _paired(y, x[factor], lag))


def _variation_problem(values: np.ndarray) -> str | None:
    distinct, counts = np.unique(values, return_counts=True)
    if distinct.size < 2:
        return "the factor has the same value on every paired day"
    if distinct.size == 2 and counts.min() < MIN_DAYS_EACH_WAY:
        return f"a yes/no factor needs at least {MIN_DAYS_EACH_WAY} days each way (has {counts.min()})"
    if float(np.std(values)) == 0.0 or np.sort(counts)[-1] > values.size - MIN_DAYS_EACH_WAY:
        return f"the factor differs from its usual value on fewer than {MIN_DAYS_EACH_WAY} days"
    return None


def find_associations(diary: Diary, *, outcomes: Sequence[str] | None = None, factors: Sequence[str] | None = None,
                      lags: Sequence[int] = LAGS, min_days: int = MIN_DAYS) -> Insights:
    """Test every factor at every lag against every outcome (default: all the diary's outcomes and
    factors, plus the dose and its clock time); q-values across all the tests of this call."""
    outcome_keys = [resolve_outcome(diary, o) for o in outcomes] if outcomes else list(diary.outcomes)
    factor_keys = [resolve_factor(diary, f) for f in factors] if factors else [*diary.factors, *DOSE_FACTORS]
    fits: list[tuple[str, str, int, float, tuple[float, float], float, int, float]] = []
    not_tested: list[NotTested] = []
    for outcome in outcome_keys:
        y, x = _series(diary, outcome, factor_keys)
        for factor in factor_keys:
            for lag in lags:
                days = _paired(y, x[factor], lag)
                if len(days) < min_days:
                    not_tested.append(NotTested(outcome, factor, lag, f"{len(days)} paired days; at least {min_days} needed"))
                    continue
                t = np.asarray(days, dtype=float)
                values = np.asarray([x[factor][d - lag] for d in days])
                if (problem := _variation_problem(values)) is not None:
                    not_tested.append(NotTested(outcome, factor, lag, problem))
                    continue
                outcome_values = np.asarray([y[d] for d in days])
                if float(np.std(outcome_values)) == 0.0:
                    not_tested.append(NotTested(outcome, factor, lag, "the outcome has the same value on every paired day"))
                    continue
                span = max(t[-1] - t[0], 1.0)
                X = np.column_stack([np.ones_like(t), (t - t.mean()) / span, values])
                fit = fit_ar1_regression(t.astype(int), outcome_values, X)
                estimate, se = float(fit.beta[2]), float(fit.se[2])
                if not math.isfinite(se) or se <= 0:
                    not_tested.append(NotTested(outcome, factor, lag, "the model could not be estimated"))
                    continue
                p_value = float(2 * stats.t.sf(abs(estimate / se), fit.df_resid))
                fits.append((outcome, factor, lag, estimate, fit.ci(2), p_value, len(days), float(fit.rho)))
    q_values = benjamini_hochberg([f[5] for f in fits])
    associations = [Association(outcome=o, factor=f, lag_days=lag, estimate=e, ci95=(float(ci[0]), float(ci[1])),
                                p_value=p, q_value=q, n_days=n, rho=rho)
                    for (o, f, lag, e, ci, p, n, rho), q in zip(fits, q_values, strict=True)]
    associations.sort(key=lambda a: (a.q_value, a.p_value))
    return Insights(associations=tuple(associations), not_tested=tuple(not_tested), min_days=min_days)
