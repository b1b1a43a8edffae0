"""Calibration of :func:`~ldncare.core.response.insights.find_associations` on synthetic diaries.

Each diary (:func:`~ldncare.core.response.simulate.simulate_factor_diary`, SYNTHETIC DATA) has
persistent null factors and one true lagged effect. Counted over many diaries, for the AR(1) +
Benjamini–Hochberg method and for the naive baseline every tracker uses (Pearson correlation of the
same pairs, Benjamini–Hochberg over the same tests):

* ``power``: share of diaries where the true factor is found at its true lag;
* ``false_discovery_rate``: the mean over diaries of (null factors found) / (factors found), 0 where
  nothing is found: the rate Benjamini–Hochberg controls at 5 % (the true factor at the other lag,
  which a persistent factor drags along, is neither true nor false and not counted);
* ``diaries_with_a_false_discovery``: share of diaries showing at least one null factor;
* ``false_discoveries_per_diary``.

Run ``python -m ldncare.core.response.insights_calibration [diaries] [seed]`` for the figures of
docs/response.md.
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import stats

from ldncare.core.response.insights import FDR_Q, LAGS, benjamini_hochberg, find_associations
from ldncare.core.response.simulate import simulate_factor_diary

__all__ = ["insights_calibration"]

TRUE = "factor:true"


def _naive(diary) -> list[tuple[str, int, float]]:
    pain = np.array([d.scores["pain"] for d in diary.days])
    tests = []
    for factor in diary.factors:
        x = np.array([d.factors[factor] for d in diary.days])
        for lag in LAGS:
            result = stats.pearsonr(x[:-lag], pain[lag:]) if lag else stats.pearsonr(x, pain)
            tests.append((factor, lag, float(result.pvalue)))
    q = benjamini_hochberg([p for _, _, p in tests])
    return [(f, lag, qq) for (f, lag, _), qq in zip(tests, q, strict=True)]


def _score(found: list[tuple[str, int]], effect_lag: int) -> tuple[bool, int, float]:
    true_hit = (TRUE, effect_lag) in found
    false = sum(1 for f, _ in found if f != TRUE)
    counted = len([1 for f, lag in found if f != TRUE or lag == effect_lag])
    return true_hit, false, false / counted if counted else 0.0


def insights_calibration(diaries: int = 200, seed: int = 0, **simulation) -> dict:
    """Power and false discoveries of both methods over ``diaries`` synthetic diaries."""
    effect_lag = simulation.get("effect_lag", 1)
    totals = {"ar1_bh": [0, 0, 0.0, 0], "naive_pearson_bh": [0, 0, 0.0, 0]}  # hits, false, sum of FDP, diaries w/ false
    for index in range(diaries):
        diary = simulate_factor_diary(seed=seed + index, **simulation)
        ours = find_associations(diary, outcomes=["pain"], factors=list(diary.factors))
        found = {"ar1_bh": [(a.factor, a.lag_days) for a in ours.found],
                 "naive_pearson_bh": [(f, lag) for f, lag, q in _naive(diary) if q <= FDR_Q]}
        for method, pairs in found.items():
            hit, false, proportion = _score(pairs, effect_lag)
            totals[method][0] += hit
            totals[method][1] += false
            totals[method][2] += proportion
            totals[method][3] += bool(false)
    return {
        "diaries": diaries, "days": simulation.get("days", 180), "null_factors": simulation.get("null_factors", 8),
        "tests_per_diary": (simulation.get("null_factors", 8) + 1) * len(LAGS), "fdr_q": FDR_Q,
        **{method: {"power": hits / diaries, "false_discovery_rate": fdp_sum / diaries,
                    "false_discoveries_per_diary": false / diaries, "diaries_with_a_false_discovery": with_false / diaries}
           for method, (hits, false, fdp_sum, with_false) in totals.items()},
    }


if __name__ == "__main__":  # pragma: no cover - the documented command
    import json

    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(insights_calibration(*args), indent=2))
