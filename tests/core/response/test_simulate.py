"""The synthetic diaries have the stated noise and effects (the calibration tests rely on it)."""

from __future__ import annotations

import numpy as np
import pytest

from ldncare.core.response.simulate import ar1_noise, simulate_diary


def test_ar1_noise_has_the_stated_sd_and_lag1_correlation():
    x = ar1_noise(np.random.default_rng(0), 400, 0.5, 1.5, size=200)
    assert x.std() == pytest.approx(1.5, rel=0.03)
    lag1 = np.mean([np.corrcoef(row[:-1], row[1:])[0, 1] for row in x])
    assert lag1 == pytest.approx(0.5, abs=0.03)


def test_effect_is_full_after_the_lag_and_absent_at_baseline():
    diaries = [simulate_diary(effect_points=-2.0, seed=s, rounded=False, missing_fraction=0.0, side_effects=False)
               for s in range(60)]
    base = np.mean([d.scores["pain"] for diary in diaries for d in diary.days if d.phase == "baseline"])
    late = np.mean([d.scores["pain"] for diary in diaries for d in diary.days[-60:]])
    assert base == pytest.approx(6.0, abs=0.1)
    assert late - base == pytest.approx(-2.0, abs=0.15)


def test_seeded_and_labelled_synthetic():
    assert simulate_diary(seed=4) == simulate_diary(seed=4)
    assert simulate_diary(seed=4) != simulate_diary(seed=5)
