"""Blinded n-of-1 trials of LDN against pharmacy-made placebo: design, key, dispensing, analysis.

Design (AHRQ n-of-1 guide; LDN parameters are an inference from the research notes A5.3):
``pairs`` pairs of periods of ``period_weeks`` weeks; within each pair LDN and placebo in
random order (seedable); the first ``discard_days`` of every period are an analytic
washout/onset and are not analysed (the drug clears in days, the proposed effect builds
over weeks). Each period has its own bottle letter, so the patient sees only
"period 1, bottle A"; the :class:`AllocationKey` (bottle → LDN or placebo, with the seed)
is held apart, by the pharmacist, and only :func:`analyze_trial` reads it.

Analysis after unblinding: period means of the analysed days; the paired t-test on the
pair differences (Chen & Chen 2014: keeps its nominal type-I error); a day-level model with
a mean per pair, an LDN indicator and AR(1) errors; and a Bayesian summary: prior on the
true improvement N(0, 2²) points (weakly informative: it keeps 95 % of its mass within
±3.9 points of no effect on a 0-10 scale), likelihood of the mean pair improvement
Student t with ``pairs - 1`` degrees of freedom and scale SE = the larger of the
between-pair SE and the AR(1) model SE, so P(LDN beats placebo by ≥ MCID) is read from
the posterior (see :func:`posterior_improvement`).

>>> import datetime as dt
>>> design, key = design_trial(pairs=3, period_weeks=4, start_date=dt.date(2027, 1, 4), seed=7)
>>> [p.label for p in design.periods][:2]
['period 1, bottle A', 'period 2, bottle B']
>>> sorted(set(key.allocation.values()))
['ldn', 'placebo']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from scipy import stats

from ldncare.core.response.ar1 import fit_ar1_regression
from ldncare.core.response.diary import Diary
from ldncare.core.response.instruments import UnknownOutcomeError, get_instrument

__all__ = [
    "PRIOR_SD_POINTS",
    "AllocationKey",
    "DispensingItem",
    "PeriodResult",
    "TrialAnalysis",
    "TrialDesign",
    "TrialKeyError",
    "TrialPeriod",
    "analyze_trial",
    "design_trial",
    "dispensing_list",
    "load_key",
    "posterior_improvement",
    "save_key",
]

PRIOR_SD_POINTS = 2.0
KEY_KIND = "ldncare-n-of-1-allocation-key"
PLACEBO_CONTENTS = "matching placebo capsules (microcrystalline cellulose filler), identical in appearance"


class TrialKeyError(ValueError):
    """An allocation key file that is missing, malformed or does not match the diary."""


class TrialPeriod(BaseModel):
    """One blinded period as the patient sees it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1)
    pair: int = Field(ge=1)
    bottle: str = Field(pattern=r"^[A-Z]$")
    start_date: dt.date
    end_date: dt.date  # inclusive
    analysis_start: dt.date  # first analysed day (after the washout/onset discard)

    @property
    def label(self) -> str:
        return f"period {self.number}, bottle {self.bottle}"


class TrialDesign(BaseModel):
    """The patient's view of the trial: periods, dates and bottle labels, no allocation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trial_id: str
    pairs: int = Field(ge=2, le=13)
    period_weeks: int = Field(ge=1, le=26)
    discard_days: int = Field(ge=0)
    dose_mg: float = Field(gt=0, le=50)
    periods: tuple[TrialPeriod, ...]

    @property
    def start_date(self) -> dt.date:
        return self.periods[0].start_date

    @property
    def end_date(self) -> dt.date:
        return self.periods[-1].end_date


class AllocationKey(BaseModel):
    """The unblinding key: bottle → arm, the seed and the design. Held by the pharmacist."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["ldncare-n-of-1-allocation-key"] = KEY_KIND
    version: Literal[1] = 1
    seed: int
    design: TrialDesign
    allocation: dict[str, Literal["ldn", "placebo"]]


def design_trial(*, pairs: int = 3, period_weeks: int = 4, start_date: dt.date, seed: int,
                 discard_days: int | None = None, dose_mg: float = 4.5) -> tuple[TrialDesign, AllocationKey]:
    """Design a blinded n-of-1 trial; returns the patient's design and the allocation key.

    ``discard_days`` defaults to 14 (7 for periods shorter than 3 weeks) and must leave at
    least 7 analysed days per period.
    """
    if not 2 <= pairs <= 13:
        raise ValueError(f"pairs {pairs} is not allowed; allowed: 2 to 13 pairs (at least 2 are needed for a paired analysis)")
    if not 1 <= period_weeks <= 26:
        raise ValueError(f"period weeks {period_weeks} is not allowed; allowed: 1 to 26 (4 to 8 is usual for LDN)")
    if discard_days is None:
        discard_days = 14 if period_weeks >= 3 else 7
    period_days = 7 * period_weeks
    if discard_days < 0 or period_days - discard_days < 7:
        raise ValueError(f"discard days {discard_days} leave fewer than 7 analysed days in a {period_days}-day period; "
                         f"allowed: 0 to {period_days - 7}")
    rng = np.random.default_rng(seed)
    arms: list[str] = []
    for _ in range(pairs):
        first = "ldn" if rng.random() < 0.5 else "placebo"
        arms += [first, "placebo" if first == "ldn" else "ldn"]
    periods, allocation = [], {}
    for index, arm in enumerate(arms):
        bottle = chr(ord("A") + index)
        start = start_date + dt.timedelta(days=index * period_days)
        periods.append(TrialPeriod(number=index + 1, pair=index // 2 + 1, bottle=bottle, start_date=start,
                                   end_date=start + dt.timedelta(days=period_days - 1),
                                   analysis_start=start + dt.timedelta(days=discard_days)))
        allocation[bottle] = arm
    digest = hashlib.sha256(f"{seed}|{start_date}|{pairs}|{period_weeks}|{rng.random()}".encode()).hexdigest()[:10]
    design = TrialDesign(trial_id=f"n1-{digest}", pairs=pairs, period_weeks=period_weeks, discard_days=discard_days,
                         dose_mg=dose_mg, periods=tuple(periods))
    return design, AllocationKey(seed=seed, design=design, allocation=allocation)


@dataclass(frozen=True, slots=True)
class DispensingItem:
    """One line of the pharmacist's dispensing list."""

    bottle: str
    label: str  # what the patient's bottle says
    contents: str  # what is in it (pharmacist only)
    quantity: int  # capsules: one a day for the period plus 3 spare
    dispense_by: dt.date
    use_from: dt.date
    use_until: dt.date


def dispensing_list(key: AllocationKey) -> tuple[DispensingItem, ...]:
    """The pharmacist's list: per bottle its label, true contents, quantity and dates."""
    items = []
    for period in key.design.periods:
        arm = key.allocation[period.bottle]
        contents = (f"naltrexone {key.design.dose_mg:g} mg immediate-release capsules" if arm == "ldn"
                    else PLACEBO_CONTENTS)
        days = (period.end_date - period.start_date).days + 1
        items.append(DispensingItem(
            bottle=period.bottle,
            label=f"{key.design.trial_id} {period.label}: 1 capsule daily, "
                  f"{period.start_date.isoformat()} to {period.end_date.isoformat()}",
            contents=contents, quantity=days + 3, dispense_by=period.start_date - dt.timedelta(days=3),
            use_from=period.start_date, use_until=period.end_date))
    return tuple(items)


def save_key(key: AllocationKey, path: str | Path) -> Path:
    """Write the key as JSON (refuses to overwrite an existing file)."""
    path = Path(path)
    payload = json.loads(key.model_dump_json())
    payload["dispensing"] = [
        {"bottle": i.bottle, "label": i.label, "contents": i.contents, "quantity": i.quantity,
         "dispense_by": i.dispense_by.isoformat(), "use_from": i.use_from.isoformat(),
         "use_until": i.use_until.isoformat()} for i in dispensing_list(key)]
    with path.open("x", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2)
        handle.write("\n")
    return path


def load_key(path: str | Path) -> AllocationKey:
    """Read and validate a key file; raises :class:`TrialKeyError` saying what is wrong."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrialKeyError(f"key file {str(path)!r} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TrialKeyError(f"key file {path.name} is not JSON: {exc}") from None
    if not isinstance(raw, dict) or raw.get("kind") != KEY_KIND:
        raise TrialKeyError(f"{path.name} is not an ldncare allocation key (kind {KEY_KIND!r} expected)")
    raw.pop("dispensing", None)
    try:
        key = AllocationKey.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise TrialKeyError(f"{path.name}: {problems}") from None
    bottles = {p.bottle for p in key.design.periods}
    if set(key.allocation) != bottles:
        raise TrialKeyError(f"{path.name}: the allocation names bottles {sorted(key.allocation)} "
                            f"but the design has {sorted(bottles)}")
    for pair in range(1, key.design.pairs + 1):
        arms = sorted(key.allocation[p.bottle] for p in key.design.periods if p.pair == pair)
        if arms != ["ldn", "placebo"]:
            raise TrialKeyError(f"{path.name}: pair {pair} must hold one LDN and one placebo period")
    return key


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One period after unblinding."""

    period: TrialPeriod
    arm: str
    n_days: int  # analysed days with a score
    mean: float | None


@dataclass(frozen=True)
class TrialAnalysis:
    """The unblinded analysis of one outcome."""

    outcome: str
    lower_is_better: bool
    periods: tuple[PeriodResult, ...]
    pair_improvements: tuple[float, ...]  # per complete pair, placebo minus LDN for lower-is-better outcomes
    mean_ldn: float | None
    mean_placebo: float | None
    paired_t: dict[str, Any] | None
    model: dict[str, Any] | None
    bayes: dict[str, Any] | None
    mcid_points: float | None
    mcid_source: str | None
    verdict: str  # ldn_better | no_meaningful_difference | inconclusive | insufficient_data
    missing: tuple[str, ...]
    summary: str


def analyze_trial(diary: Diary, key: AllocationKey, outcome: str = "pain", *,
                  min_days_per_period: int = 7) -> TrialAnalysis:
    """Unblind with ``key`` and compare LDN with placebo on ``outcome`` (see module docstring)."""
    if outcome not in diary.outcomes:
        raise ValueError(f"the diary has no {outcome!r} column; it records: {', '.join(diary.outcomes)}")
    try:
        instrument = get_instrument(outcome)
        lower, mcid, mcid_source = instrument.lower_is_better, instrument.mcid_points, instrument.mcid_source
    except UnknownOutcomeError:
        lower, mcid, mcid_source = True, None, None
    if outcome == "pgic":
        raise ValueError("PGIC rates change since the start; analyse a 0-10 outcome")
    design = key.design
    by_label = {p.label: p for p in design.periods}
    rows: list[tuple[int, float, TrialPeriod]] = []
    for day in diary.days:
        period = next((p for p in design.periods if p.start_date <= day.date <= p.end_date), None)
        if day.phase and day.phase.startswith("period "):
            labelled = by_label.get(day.phase)
            if labelled is None:
                raise TrialKeyError(f"diary day {day.date} is labelled {day.phase!r}, which is not in trial "
                                    f"{design.trial_id} (this key belongs to another trial?)")
            if period is not None and labelled != period:
                raise TrialKeyError(f"diary day {day.date} is labelled {day.phase!r} but the trial dates put it in "
                                    f"{period.label!r}")
        if period is None or day.date < period.analysis_start or outcome not in day.scores:
            continue
        rows.append(((day.date - design.start_date).days, day.scores[outcome], period))

    results, missing = [], []
    for period in design.periods:
        values = [v for _, v, p in rows if p == period]
        results.append(PeriodResult(period=period, arm=key.allocation[period.bottle], n_days=len(values),
                                    mean=float(np.mean(values)) if values else None))
        if len(values) < min_days_per_period:
            missing.append(f"{period.label}: needs {min_days_per_period} analysed days with a {outcome} score "
                           f"(from {period.analysis_start}), has {len(values)}")
    sign = -1.0 if lower else 1.0
    improvements, complete_pairs = [], []
    for pair in range(1, design.pairs + 1):
        members = [r for r in results if r.period.pair == pair]
        if all(r.n_days >= min_days_per_period for r in members):
            ldn = next(r for r in members if r.arm == "ldn").mean
            placebo = next(r for r in members if r.arm == "placebo").mean
            improvements.append(sign * (ldn - placebo))
            complete_pairs.append(pair)
    ok = [r for r in results if r.n_days >= min_days_per_period]
    mean_ldn = _mean([r.mean for r in ok if r.arm == "ldn"])
    mean_placebo = _mean([r.mean for r in ok if r.arm == "placebo"])
    if len(improvements) < 2:
        missing.insert(0, f"needs 2 complete pairs of periods, has {len(improvements)}")
        return TrialAnalysis(outcome, lower, tuple(results), tuple(improvements), mean_ldn, mean_placebo, None,
                             None, None, mcid, mcid_source, "insufficient_data", tuple(missing),
                             "Not enough diary data in the analysed part of the periods to compare LDN with placebo.")

    k = len(improvements)
    arr = np.array(improvements)
    mean_imp, sd = float(arr.mean()), float(arr.std(ddof=1))
    se_between = sd / np.sqrt(k)
    q = stats.t.ppf(0.975, k - 1)
    t_stat = mean_imp / se_between if se_between > 0 else float("inf")
    paired = {"n_pairs": k, "mean_improvement": mean_imp, "sd": sd, "se": float(se_between), "df": k - 1,
              "t": float(t_stat), "p_two_sided": float(2 * stats.t.sf(abs(t_stat), k - 1)) if se_between > 0 else 0.0,
              "ci95": [float(mean_imp - q * se_between), float(mean_imp + q * se_between)],
              "method": "paired t-test on the pair differences of period means"}

    used = [(d, v, p) for d, v, p in rows if p.pair in complete_pairs]
    day = np.array([d for d, _, _ in used], dtype=float)
    y = np.array([v for _, v, _ in used])
    pair_cols = [np.array([1.0 if p.pair == pair else 0.0 for _, _, p in used]) for pair in complete_pairs]
    ldn_col = np.array([1.0 if key.allocation[p.bottle] == "ldn" else 0.0 for _, _, p in used])
    fit = fit_ar1_regression(day, y, np.column_stack([*pair_cols, ldn_col]))
    model_imp = sign * float(fit.beta[-1])
    lo, hi = fit.ci(len(pair_cols))
    model = {"improvement": model_imp, "se": float(fit.se[-1]), "rho": fit.rho,
             "ci95": sorted([sign * lo, sign * hi]),
             "method": "daily scores on a mean per pair and an LDN indicator, AR(1) errors (REML)"}

    se = max(float(se_between), float(fit.se[-1]))
    bayes = posterior_improvement(mean_imp, se, k - 1, mcid)
    p_gt0, p_mcid, post_mean = bayes["p_ldn_better"], bayes["p_ldn_better_by_mcid"], bayes["posterior_mean"]
    if p_mcid is not None and p_gt0 >= 0.95 and p_mcid >= 0.5:
        verdict = "ldn_better"
    elif p_mcid is not None and p_mcid < 0.1:
        verdict = "no_meaningful_difference"
    elif p_mcid is None and p_gt0 >= 0.95:
        verdict = "ldn_better"
    else:
        verdict = "inconclusive"
    summary = _plain_language(outcome, lower, k, mean_ldn, mean_placebo, post_mean, p_gt0, p_mcid, mcid, verdict)
    return TrialAnalysis(outcome, lower, tuple(results), tuple(improvements), mean_ldn, mean_placebo, paired, model,
                         bayes, mcid, mcid_source, verdict, tuple(missing), summary)


def posterior_improvement(mean: float, se: float, df: int, mcid: float | None) -> dict[str, Any]:
    """Posterior of the true improvement: N(0, PRIOR_SD_POINTS²) prior × Student-t likelihood.

    The likelihood of the mean pair improvement is Student t with ``df`` degrees of freedom
    and scale ``se`` (the marginal likelihood with the between-pair variance unknown under a
    Jeffreys prior), so three pairs (2 df) are not treated as if their spread were known.
    Evaluated on a fine grid.

    >>> post = posterior_improvement(2.0, 0.5, 1000, 2.0)
    >>> round(post["p_ldn_better_by_mcid"], 2)  # the prior pulls towards 0: under one half
    0.4
    """
    grid = np.linspace(-12.0, 12.0, 24_001)
    log_post = stats.norm.logpdf(grid, 0.0, PRIOR_SD_POINTS) + stats.t.logpdf((mean - grid) / se, df)
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    cdf = np.cumsum(weights)
    post_mean = float((weights * grid).sum())
    post_sd = float(np.sqrt((weights * (grid - post_mean) ** 2).sum()))
    return {
        "prior": f"improvement ~ Normal(0, {PRIOR_SD_POINTS:g}^2) points (weakly informative, centred on no effect)",
        "likelihood": f"mean pair improvement ~ Student t({df} df), scale {se:.3f} (unknown between-pair variance)",
        "likelihood_se": se,
        "posterior_mean": post_mean,
        "posterior_sd": post_sd,
        "ci95": [float(grid[np.searchsorted(cdf, 0.025)]), float(grid[np.searchsorted(cdf, 0.975)])],
        "p_ldn_better": float(weights[grid > 0].sum()),
        "p_ldn_better_by_mcid": None if mcid is None else float(weights[grid >= mcid].sum()),
    }


def _mean(values):
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def _percent(p: float) -> str:
    if p > 0.99:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{100 * p:.0f}%"


def _plain_language(outcome, lower, k, mean_ldn, mean_placebo, post_mean, p_gt0, p_mcid, mcid, verdict) -> str:
    better = "lower" if lower else "higher"
    text = (f"Over {k} pairs of blinded periods your {outcome} averaged {mean_ldn:.1f} on LDN and "
            f"{mean_placebo:.1f} on placebo ({better} is better). Our best estimate is that LDN changes it by "
            f"{abs(post_mean):.1f} points in the {'better' if post_mean >= 0 else 'worse'} direction compared with placebo. "
            f"The chance that LDN is better than placebo for you is {_percent(p_gt0)}")
    if p_mcid is not None:
        text += f", and that it is better by at least {mcid:g} points (a clinically important change) {_percent(p_mcid)}"
    text += ". "
    text += {"ldn_better": "This trial suggests LDN helps you beyond placebo.",
             "no_meaningful_difference": "This trial suggests LDN does not help you meaningfully more than placebo.",
             "inconclusive": "This trial cannot tell yet; more pairs of periods would make it clearer."}[verdict]
    return text + " Discuss the result with your prescriber; this is not medical advice."
