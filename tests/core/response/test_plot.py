"""The diary picture is drawn for every kind of diary, as a real PNG."""

from __future__ import annotations

import datetime as dt

import matplotlib.image as mpimg
import pytest

from ldncare.core.response import design_trial, simulate_diary, simulate_trial_diary
from ldncare.core.response.plot import plot_response


@pytest.mark.parametrize("diary", [
    simulate_diary(effect_points=-3.0, seed=3, persistent_side_effect="headache"),
    simulate_diary(seed=1, baseline_days=5, maintenance_days=0, side_effects=False),  # insufficient data, no side effects
    simulate_trial_diary(*design_trial(start_date=dt.date(2027, 1, 4), seed=1), seed=2),  # blinded periods
], ids=["responder", "short", "trial"])
def test_plot_writes_a_png(tmp_path, diary):
    path = plot_response(diary, tmp_path / "p.png", "pain")
    image = mpimg.imread(path)
    assert image.shape[0] > 600
    assert image.shape[1] > 1000
    assert image.std() > 0.05  # not blank
