"""Synthetic diaries with known effects, for calibration tests, benchmarks and examples.

SYNTHETIC DATA: nothing here describes a real patient. A diary has a baseline, a titration
(one dose step every ``step_days``), and a maintenance phase. Each outcome is its mean plus
stationary AR(1) noise (``rho``, standard deviation ``sd``) on the daily clock; the effect
builds linearly from the first dose to its full size ``lag_days`` after maintenance starts,
so the analysis window (maintenance after the lag) has exactly the stated effect.

>>> d = simulate_diary(effect_points=-2.0, seed=1)
>>> d.days[0].phase, d.days[-1].phase, len(d.days) > 100
('baseline', 'maintenance', True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.signal import lfilter

from ldncare.core.response.diary import CORE_OUTCOMES, Diary, DiaryDay

__all__ = ["ar1_noise", "simulate_diary", "simulate_factor_diary", "simulate_trial_diary"]

_BASE_MEANS = {"pain": 6.0, "fatigue": 6.0, "sleep_quality": 4.5, "mood": 5.0}


def ar1_noise(rng: np.random.Generator, n: int, rho: float, sd: float, size: int | None = None) -> np.ndarray:
    """Stationary AR(1) noise with marginal standard deviation ``sd`` (shape ``(size, n)`` or ``(n,)``)."""
    shape = (1 if size is None else size, n)
    innovations = rng.normal(0.0, sd * np.sqrt(1 - rho * rho), shape)
    innovations[:, 0] = rng.normal(0.0, sd, shape[0])  # the first day from the stationary law
    out = lfilter([1.0], [1.0, -rho], innovations, axis=1)  # x_t = rho x_{t-1} + e_t
    return out[0] if size is None else out


def simulate_diary(effect_points: float | Mapping[str, float] = 0.0, *, seed: int = 0,
                   start: dt.date = dt.date(2026, 1, 5), baseline_days: int = 28,
                   doses_mg: Sequence[float] = (1.5, 3.0, 4.5), step_days: int = 7,
                   maintenance_days: int = 84, lag_days: int = 14, rho: float = 0.5, sd: float = 1.0,
                   missing_fraction: float = 0.1, rounded: bool = True, outcomes: Sequence[str] = CORE_OUTCOMES,
                   dose_time: str | Sequence[str] = "22:00", side_effects: bool = True,
                   persistent_side_effect: str | None = None, missed_dose_fraction: float = 0.03,
                   write_phase: bool = True) -> Diary:
    """A synthetic diary; ``effect_points`` is the true maintenance effect (one value for the
    first outcome, or a mapping outcome → effect; negative = score goes down)."""
    rng = np.random.default_rng(seed)
    effects = dict(effect_points) if isinstance(effect_points, Mapping) else {outcomes[0]: float(effect_points)}
    titration_days = step_days * (len(doses_mg) - 1)
    n = baseline_days + titration_days + maintenance_days
    first_dose = baseline_days
    full = baseline_days + titration_days + lag_days
    ramp = np.clip((np.arange(n) - first_dose + 1) / max(full - first_dose, 1), 0.0, 1.0)
    series = {}
    for name in outcomes:
        mean = _BASE_MEANS.get(name, 5.0) + effects.get(name, 0.0) * ramp
        values = mean + ar1_noise(rng, n, rho, sd)
        if rounded:
            values = np.round(values)
        series[name] = np.clip(values, 0, 10)
    times = [dose_time] * n if isinstance(dose_time, str) else list(dose_time)
    parsed = {t: dt.time(*map(int, t.split(":"))) for t in set(times)}
    u_missed, u_skip, u_dreams, u_insomnia, u_persistent = rng.random((5, n)).tolist()
    columns = {name: series[name].tolist() for name in outcomes}
    days = []
    for i in range(n):
        if i < baseline_days:
            phase, dose = "baseline", None
        elif i < baseline_days + titration_days:
            phase, dose = "titration", float(doses_mg[(i - baseline_days) // step_days])
        else:
            phase, dose = "maintenance", float(doses_mg[-1])
        if dose is not None and u_missed[i] < missed_dose_fraction:
            dose = None
        if i > 0 and u_skip[i] < missing_fraction:
            continue  # a day without a check-in
        reported: list[tuple[str, str]] = []
        if side_effects and i >= baseline_days:
            since_step = (i - baseline_days) % step_days if i < baseline_days + titration_days else i - baseline_days - titration_days
            if since_step < 4 and u_dreams[i] < 0.8:
                reported.append(("vivid_dreams", "mild" if since_step else "moderate"))
            if since_step < 2 and u_insomnia[i] < 0.5:
                reported.append(("insomnia", "mild"))
        if persistent_side_effect and i >= baseline_days and u_persistent[i] < 0.7:
            reported.append((persistent_side_effect, "mild"))
        days.append(DiaryDay(
            date=start + dt.timedelta(days=i), ldn_dose_mg=dose,
            dose_time=parsed[times[i]] if dose is not None else None,
            phase=phase if write_phase else None, scores={name: columns[name][i] for name in outcomes},
            side_effects=tuple(reported)))
    return Diary(days=tuple(days), outcomes=tuple(outcomes))


def simulate_trial_diary(design, key, effect_points: float = 0.0, *, seed: int = 0, outcome: str = "pain",
                         rho: float = 0.5, sd: float = 1.0, missing_fraction: float = 0.1,
                         base_mean: float | None = None, write_phase: bool = True) -> Diary:
    """A synthetic diary of a blinded n-of-1 trial (``design``, ``key`` from ``design_trial``).

    On LDN periods the outcome moves by ``effect_points`` (building linearly over the
    discarded first days of the period, so analysed days carry the full effect).
    """
    rng = np.random.default_rng(seed)
    n = (design.end_date - design.start_date).days + 1
    noise = ar1_noise(rng, n, rho, sd)
    mean0 = _BASE_MEANS.get(outcome, 5.0) if base_mean is None else base_mean
    days = []
    for i in range(n):
        date = design.start_date + dt.timedelta(days=i)
        period = next(p for p in design.periods if p.start_date <= date <= p.end_date)
        into = (date - period.start_date).days
        build = min(1.0, (into + 1) / max(design.discard_days, 1))
        effect = effect_points * build if key.allocation[period.bottle] == "ldn" else 0.0
        if i > 0 and rng.random() < missing_fraction:
            continue
        value = float(np.clip(np.round(mean0 + effect + noise[i]), 0, 10))
        days.append(DiaryDay(date=date, ldn_dose_mg=design.dose_mg, dose_time=dt.time(22, 0),
                             phase=period.label if write_phase else None, scores={outcome: value}))
    return Diary(days=tuple(days), outcomes=(outcome,))


def simulate_factor_diary(*, seed: int = 0, days: int = 180, null_factors: int = 8, effect_points: float = -0.6,
                          effect_lag: int = 1, outcome_rho: float = 0.6, outcome_sd: float = 1.5,
                          factor_rho: float = 0.8, start: dt.date = dt.date(2026, 1, 5)) -> Diary:
    """A diary with ``null_factors`` persistent factors that do nothing (``factor:null_1`` ...) and one,
    ``factor:true``, that moves pain by ``effect_points`` per unit ``effect_lag`` days later.

    Every factor is a stationary AR(1) series (``factor_rho``: habits persist, e.g. a run of poor
    sleep) with unit variance, half of them continuous and half yes/no (the AR(1) series above 0);
    pain is 6 plus AR(1) noise (``outcome_rho``, ``outcome_sd``) plus the true effect. For the
    calibration of :func:`ldncare.core.response.insights.find_associations` (docs/response.md).

    >>> d = simulate_factor_diary(seed=3)
    >>> len(d.days), d.factors[-1], len(d.factors)
    (180, 'factor:true', 9)
    """
    rng = np.random.default_rng(seed)
    names = [f"factor:null_{i + 1}" for i in range(null_factors)] + ["factor:true"]
    series = {}
    for index, name in enumerate(names):
        raw = ar1_noise(rng, days, factor_rho, 1.0)
        series[name] = (raw > 0).astype(float) if index % 2 else raw - raw.min()  # counts/levels are >= 0
    driver = series["factor:true"]
    lagged = np.concatenate([np.full(effect_lag, driver.mean()), driver[:days - effect_lag]]) if effect_lag else driver
    pain = 6.0 + ar1_noise(rng, days, outcome_rho, outcome_sd) + effect_points * (lagged - driver.mean())
    pain = np.clip(pain, 0.0, 10.0)
    out = tuple(DiaryDay(date=start + dt.timedelta(days=i), scores={"pain": round(float(pain[i]), 2)},
                         factors={name: round(float(values[i]), 3) for name, values in series.items()})
                for i in range(days))
    return Diary(days=out, outcomes=("pain",), factors=tuple(names))

