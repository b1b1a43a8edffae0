"""Is it working for me? Baseline vs maintenance for one outcome, with honest statistics.

The comparison uses the diary's *baseline* days and its *maintenance* days from
``lag_days`` (default 14) after the stable dose was reached; titration days and the onset
lag are excluded. The effect (maintenance minus baseline, in score points) comes from a
regression on a maintenance indicator with AR(1) errors on the daily clock (missing days
handled exactly, :mod:`ldncare.core.response.ar1`), optionally with a linear time trend.

Decision rules (``improvement`` = the effect in the improving direction: ``-effect`` for
outcomes where lower is better, ``+effect`` otherwise; P = P(improvement ≥ MCID) from the
Student-t sampling distribution of the estimate, read as the posterior under a flat prior):

* ``insufficient_data``: fewer than ``min_baseline_days`` baseline or ``min_maintenance_days``
  maintenance days (after the lag) with a score; ``missing`` says exactly what is missing.
* ``likely_responder``: the 95 % CI of the improvement excludes 0 **and** P ≥ 0.5.
* ``likely_non_responder``: P < 0.1 **and** the MCID is a literature value; with an MCID the
  project labels an assumption, only a clear worsening (the CI of the improvement below 0)
  is called so, because "no change that matters" would rest on the assumed threshold.
* ``unclear``: anything else (then a blinded n-of-1 trial is suggested).

The statuses are the JSON contract; the words shown to people (``headline``,
``probability_statement``) are built by :mod:`ldncare.core.response.wording`: they say what
was observed, name the MCID and its source, and never call an interval that excludes 0
"chance". A baseline that looks like a flare (scores already improving during baseline,
see :func:`detect_baseline_flare`) is flagged: part of the change is then probably
regression to the mean.

>>> from ldncare.core.response.simulate import simulate_diary
>>> diary = simulate_diary(effect_points=-3.0, seed=3)
>>> result = analyze_response(diary, "pain")
>>> result.status, result.effect < -2
('likely_responder', True)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ldncare.core.response.ar1 import fit_ar1_regression
from ldncare.core.response.diary import Diary
from ldncare.core.response.instruments import UnknownOutcomeError, get_instrument
from ldncare.core.response.phases import assign_phases, maintenance_start
from ldncare.core.response.wording import headline_phrase, outcome_label, probability_statement

__all__ = [
    "DEFAULT_LAG_DAYS",
    "MIN_BASELINE_DAYS",
    "MIN_MAINTENANCE_DAYS",
    "NON_RESPONDER_MAX_P",
    "OPEN_LABEL_CAVEAT",
    "RESPONDER_MIN_P",
    "STATUSES",
    "BaselineFlare",
    "PhaseSummary",
    "ResponseAnalysis",
    "analyze_response",
    "decide_status",
    "detect_baseline_flare",
    "probability_at_least",
]

DEFAULT_LAG_DAYS = 14
MIN_BASELINE_DAYS = 14
MIN_MAINTENANCE_DAYS = 14
RESPONDER_MIN_P = 0.5
NON_RESPONDER_MAX_P = 0.1
STATUSES = ("likely_responder", "likely_non_responder", "unclear", "insufficient_data")
EFFECT_METHOD = ("regression of the daily score on a maintenance indicator with AR(1) errors "
                 "(exact likelihood on the daily clock, missing days integrated out; REML for rho); "
                 "95% CI from Student t with n - p degrees of freedom")
P_METHOD = ("P(improvement >= MCID) from the Student-t sampling distribution of the estimate "
            "(the posterior under a flat prior)")
OPEN_LABEL_CAVEAT = (
    "This is an open-label before/after comparison: it cannot separate an effect of LDN from "
    "placebo response, natural course or regression to the mean (people often start a treatment "
    "when symptoms are at their worst). In placebo-controlled trials symptoms often improve on "
    "placebo too.")
FLARE_MIN_DROP_POINTS = 1.0  # first vs last baseline week, in the improving direction (or MCID / 2 if larger)
BLINDED_SUGGESTION = ("The result is unclear: a blinded n-of-1 trial with pharmacy-made placebo can tell LDN "
                      "from placebo in one person.")


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    """Days with a score in one analysis window and their mean."""

    n_days: int
    mean: float | None
    first_date: dt.date | None = None
    last_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class BaselineFlare:
    """Was the baseline a flare? Scores already improving during baseline (regression to the mean).

    ``detected`` when the AR(1) time trend within the baseline points in the improving
    direction with a 95 % CI that excludes 0 **and** the first baseline week's mean is at
    least ``FLARE_MIN_DROP_POINTS`` (or half the MCID, if larger) worse than the last week's.
    """

    detected: bool
    first_week_mean: float
    last_week_mean: float
    trend_per_week: float  # in the improving direction
    trend_ci95: tuple[float, float]

    def sentence(self, outcome: str) -> str:
        """The flag in words (only meaningful when ``detected``)."""
        return (f"The baseline looks like a flare: {outcome.replace('_', ' ')} was already improving before LDN "
                f"({self.first_week_mean:.1f} in the first baseline week, {self.last_week_mean:.1f} in the last), so "
                "part of this change is probably regression to the mean.")


def detect_baseline_flare(days: list[int], values: list[float], *, lower_is_better: bool,
                          mcid_points: float | None) -> BaselineFlare | None:
    """Flag a baseline that was improving on its own (see :class:`BaselineFlare`); ``None`` if too short."""
    if len(values) < 14 or days[-1] - days[0] < 13:
        return None
    t = np.asarray(days, dtype=float)
    y = np.asarray(values, dtype=float)
    if np.ptp(y) == 0:
        return None
    fit = fit_ar1_regression(t, y, np.column_stack([np.ones_like(t), (t - t.mean()) / 7.0]))
    sign = -1.0 if lower_is_better else 1.0
    lo, hi = fit.ci(1)
    trend = sign * float(fit.beta[1])
    ci = tuple(sorted((sign * lo, sign * hi)))
    first = float(y[t < t[0] + 7].mean())
    last = float(y[t > t[-1] - 7].mean())
    drop = sign * (last - first)
    threshold = max(FLARE_MIN_DROP_POINTS, (mcid_points or 0.0) / 2)
    return BaselineFlare(detected=bool(ci[0] > 0 and drop >= threshold), first_week_mean=first,
                         last_week_mean=last, trend_per_week=trend, trend_ci95=ci)


@dataclass(frozen=True)
class ResponseAnalysis:
    """The answer for one outcome (see the module docstring for the rules)."""

    outcome: str
    lower_is_better: bool
    baseline: PhaseSummary
    maintenance: PhaseSummary
    effect: float | None
    ci95: tuple[float, float] | None
    effect_se: float | None
    rho: float | None
    percent_change: float | None
    mcid_points: float | None
    mcid_percent: float | None
    mcid_source: str | None
    mcid_basis: str | None
    p_improvement_ge_mcid: float | None
    status: str
    missing: tuple[str, ...]
    caveats: tuple[str, ...]
    lag_days: int
    trend: bool
    maintenance_start: dt.date | None = None
    baseline_ci95: tuple[float, float] | None = None  # model-based level (no trend), for plots
    maintenance_ci95: tuple[float, float] | None = None
    method: str = EFFECT_METHOD
    p_method: str = P_METHOD
    windows: dict = field(default_factory=dict)
    headline: str = ""
    probability_statement: str | None = None
    baseline_flare: BaselineFlare | None = None

    @property
    def improvement(self) -> float | None:
        """The effect in the improving direction (positive = better)."""
        if self.effect is None:
            return None
        return -self.effect if self.lower_is_better else self.effect


def probability_at_least(improvement: float, se: float, df: int, threshold: float) -> float:
    """P(true improvement ≥ threshold) with a Student-t (flat-prior) posterior.

    >>> round(probability_at_least(2.0, 0.5, 60, 2.0), 3)
    0.5
    """
    return float(stats.t.sf((threshold - improvement) / se, df))


def decide_status(ci_improvement_low: float, p_ge_mcid: float | None, *, mcid_assumed: bool = False,
                  ci_improvement_high: float | None = None) -> str:
    """Apply the decision rules to an estimate (no data checks).

    With ``mcid_assumed`` (the project labels the MCID an assumption) "no change that
    matters" is not called: only a clear worsening (``ci_improvement_high < 0``) is.

    >>> decide_status(0.4, 0.62), decide_status(-0.5, 0.05), decide_status(-0.2, 0.3)
    ('likely_responder', 'likely_non_responder', 'unclear')
    >>> decide_status(0.3, 0.05, mcid_assumed=True, ci_improvement_high=2.5)
    'unclear'
    """
    if p_ge_mcid is None:  # no MCID known: only a clear improvement can be called
        return "likely_responder" if ci_improvement_low > 0 else "unclear"
    if ci_improvement_low > 0 and p_ge_mcid >= RESPONDER_MIN_P:
        return "likely_responder"
    clearly_worse = ci_improvement_high is not None and ci_improvement_high < 0
    if p_ge_mcid < NON_RESPONDER_MAX_P and (not mcid_assumed or clearly_worse):
        return "likely_non_responder"
    return "unclear"


def _instrument_fields(outcome: str):
    try:
        instrument = get_instrument(outcome)
    except UnknownOutcomeError:
        return True, None, None, None, None, None
    return (instrument.lower_is_better, instrument.mcid_points, instrument.mcid_percent,
            instrument.mcid_source, instrument.mcid_basis, instrument.mcid_citation)


def analyze_response(diary: Diary, outcome: str = "pain", *, lag_days: int = DEFAULT_LAG_DAYS,
                     trend: bool = False, min_baseline_days: int = MIN_BASELINE_DAYS,
                     min_maintenance_days: int = MIN_MAINTENANCE_DAYS) -> ResponseAnalysis:
    """Baseline vs maintenance for ``outcome`` (a curated instrument or an extra 0-10 column)."""
    if outcome == "pgic":
        raise ValueError("PGIC already rates change since the start; analyse a 0-10 outcome "
                         "(pain, fatigue, sleep_quality, mood or an extra column)")
    if outcome not in diary.outcomes:
        raise ValueError(f"the diary has no {outcome!r} column; it records: {', '.join(diary.outcomes)}")
    if lag_days < 0:
        raise ValueError("lag_days must be 0 or more")
    lower_is_better, mcid_points, mcid_percent, mcid_source, mcid_basis, citation = _instrument_fields(outcome)
    assumed = mcid_basis == "assumption"
    phases = assign_phases(diary.days)
    start = maintenance_start(diary.days, phases)
    origin = diary.first_date
    base_days, base_y, main_days, main_y = [], [], [], []
    base_dates, main_dates = [], []
    for d, phase in zip(diary.days, phases, strict=True):
        value = d.scores.get(outcome)
        if value is None:
            continue
        if phase == "baseline":
            base_days.append((d.date - origin).days)
            base_y.append(value)
            base_dates.append(d.date)
        elif phase == "maintenance" and (d.date - start).days >= lag_days:
            main_days.append((d.date - origin).days)
            main_y.append(value)
            main_dates.append(d.date)

    def summary(values, dates):
        if not values:
            return PhaseSummary(0, None)
        return PhaseSummary(len(values), float(np.mean(values)), dates[0], dates[-1])

    baseline, maintenance = summary(base_y, base_dates), summary(main_y, main_dates)
    missing: list[str] = []
    if baseline.n_days < min_baseline_days:
        missing.append(f"needs {min_baseline_days} baseline days with a {outcome} score, has {baseline.n_days}")
    if start is None:
        missing.append(f"no maintenance days yet (the stable dose is not reached or not marked); "
                       f"needs {min_maintenance_days} maintenance days with a {outcome} score after the "
                       f"{lag_days}-day onset lag, has 0")
    elif maintenance.n_days < min_maintenance_days:
        missing.append(f"needs {min_maintenance_days} maintenance days with a {outcome} score after the "
                       f"{lag_days}-day onset lag (from {(start + dt.timedelta(lag_days)).isoformat()}), "
                       f"has {maintenance.n_days}")
    if any(p and p.startswith("period ") for p in phases):
        missing.append("this diary holds blinded trial periods: analyse it with 'ldncare trial analyze --key'")
    caveats = [OPEN_LABEL_CAVEAT]
    label = outcome_label(outcome).lower()
    if mcid_basis == "assumption":
        caveats.append(f"The MCID of {label} is an ASSUMPTION (no validated threshold found): {mcid_source}.")
    if mcid_points is None:
        caveats.append(f"No clinically important difference is known for {label}; the status rests on the CI only.")
    common = dict(outcome=outcome, lower_is_better=lower_is_better, baseline=baseline,
                  maintenance=maintenance, mcid_points=mcid_points, mcid_percent=mcid_percent,
                  mcid_source=mcid_source, mcid_basis=mcid_basis, lag_days=lag_days, trend=trend,
                  maintenance_start=start)
    if missing:
        headline = headline_phrase(improvement=None, ci=None, status="insufficient_data", outcome=outcome,
                                   percent=None, mcid_points=mcid_points, mcid_citation=citation,
                                   mcid_assumed=assumed, missing=tuple(missing))
        return ResponseAnalysis(effect=None, ci95=None, effect_se=None, rho=None, percent_change=None,
                                p_improvement_ge_mcid=None, status="insufficient_data",
                                missing=tuple(missing), caveats=tuple(caveats), headline=headline, **common)

    day = np.array(base_days + main_days, dtype=float)
    y = np.array(base_y + main_y, dtype=float)
    maint = np.r_[np.zeros(len(base_y)), np.ones(len(main_y))]
    columns = [np.ones_like(y), maint]
    if trend:
        columns.append((day - day.mean()) / 30.0)  # per 30 days, centred
    fit = fit_ar1_regression(day, y, np.column_stack(columns))
    effect = float(fit.beta[1])
    ci = fit.ci(1)
    se = float(fit.se[1])
    improvement = -effect if lower_is_better else effect
    ci_improvement_low = -ci[1] if lower_is_better else ci[0]
    ci_improvement_high = -ci[0] if lower_is_better else ci[1]
    p = None if mcid_points is None else probability_at_least(improvement, se, fit.df_resid, mcid_points)
    status = decide_status(ci_improvement_low, p, mcid_assumed=assumed, ci_improvement_high=ci_improvement_high)
    if assumed and status == "unclear" and p is not None and p < NON_RESPONDER_MAX_P:
        caveats.append(f"Not called 'likely non-responder': that would rest on the {mcid_points:g}-point threshold "
                       f"for {label}, which is an assumption, not a validated value.")
    if status == "unclear":
        caveats.append(BLINDED_SUGGESTION)
    flare = detect_baseline_flare(base_days, base_y, lower_is_better=lower_is_better,
                                  mcid_points=mcid_points)
    if status == "likely_non_responder" and ci_improvement_low > 0:
        caveats.append(f"{outcome_label(outcome)} did improve, but probably by less than the clinically important "
                       f"{mcid_points:g} points.")
    if ci_improvement_low < 0 and (ci[0] > 0 if lower_is_better else ci[1] < 0):
        caveats.append(f"{outcome_label(outcome)} got worse during maintenance than at baseline.")
    percent = None
    if baseline.mean:
        percent = 100.0 * effect / baseline.mean
    if percent is not None and not math.isfinite(percent):
        percent = None
    levels = {}
    if not trend:
        q = stats.t.ppf(0.975, fit.df_resid)
        base_level, base_se = fit.beta[0], np.sqrt(fit.cov[0, 0])
        main_level = fit.beta[0] + fit.beta[1]
        main_se = np.sqrt(fit.cov[0, 0] + fit.cov[1, 1] + 2 * fit.cov[0, 1])
        levels = dict(baseline_ci95=(float(base_level - q * base_se), float(base_level + q * base_se)),
                      maintenance_ci95=(float(main_level - q * main_se), float(main_level + q * main_se)))
    flare_text = flare.sentence(outcome) if flare is not None and flare.detected else None
    if flare_text:
        caveats.append(flare_text)
    headline = headline_phrase(improvement=improvement, ci=(ci_improvement_low, ci_improvement_high), status=status,
                               outcome=outcome, percent=percent, mcid_points=mcid_points, mcid_citation=citation,
                               mcid_assumed=assumed, flare=flare_text)
    return ResponseAnalysis(effect=effect, ci95=ci, effect_se=se, rho=fit.rho, percent_change=percent,
                            p_improvement_ge_mcid=p, status=status, missing=(), caveats=tuple(caveats),
                            headline=headline, baseline_flare=flare,
                            probability_statement=probability_statement(p=p, outcome=outcome, mcid_points=mcid_points,
                                                                        mcid_assumed=assumed),
                            **levels, **common)
