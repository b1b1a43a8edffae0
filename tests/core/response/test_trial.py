"""Blinded n-of-1 trials: design, key handling, dispensing and unblinded analysis."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest
from scipy import integrate, stats

from ldncare.core.response.diary import Diary, DiaryDay
from ldncare.core.response.simulate import simulate_trial_diary
from ldncare.core.response.trial import (
    PRIOR_SD_POINTS,
    TrialKeyError,
    analyze_trial,
    design_trial,
    dispensing_list,
    load_key,
    posterior_improvement,
    save_key,
)

START = dt.date(2027, 1, 4)


def test_design_periods_dates_and_balanced_random_order():
    design, key = design_trial(pairs=3, period_weeks=4, start_date=START, seed=1)
    assert [p.label for p in design.periods] == [f"period {i}, bottle {b}" for i, b in zip(range(1, 7), "ABCDEF", strict=True)]
    assert design.periods[0].start_date == START
    assert design.periods[-1].end_date == START + dt.timedelta(days=6 * 28 - 1)
    assert all((p.analysis_start - p.start_date).days == 14 for p in design.periods)
    for pair in (1, 2, 3):
        assert sorted(key.allocation[p.bottle] for p in design.periods if p.pair == pair) == ["ldn", "placebo"]
    # the patient's design carries no allocation and no seed
    dumped = design.model_dump_json()
    assert "ldn" not in dumped.replace("ldncare", "")
    assert "seed" not in dumped


def test_design_is_seedable_and_order_is_random_across_seeds():
    assert design_trial(start_date=START, seed=5)[1].allocation == design_trial(start_date=START, seed=5)[1].allocation
    firsts = [design_trial(start_date=START, seed=s)[1].allocation["A"] for s in range(400)]
    assert stats.binomtest(firsts.count("ldn"), 400).pvalue > 0.01


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"pairs": 1}, "pairs 1 is not allowed"),
    ({"period_weeks": 0}, "period weeks 0 is not allowed"),
    ({"period_weeks": 2, "discard_days": 8}, "leave fewer than 7 analysed days"),
])
def test_design_refuses_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        design_trial(start_date=START, seed=1, **kwargs)


def test_key_round_trip_and_no_overwrite(tmp_path):
    _, key = design_trial(start_date=START, seed=3)
    path = save_key(key, tmp_path / "key.json")
    assert load_key(path) == key
    assert len(json.loads(path.read_text())["dispensing"]) == 6
    with pytest.raises(FileExistsError):
        save_key(key, path)


def test_tampered_or_foreign_keys_are_refused(tmp_path):
    _, key = design_trial(start_date=START, seed=3)
    raw = json.loads(key.model_dump_json())
    raw["allocation"]["B"] = raw["allocation"]["A"]
    (tmp_path / "bad.json").write_text(json.dumps(raw))
    with pytest.raises(TrialKeyError, match="pair 1 must hold one LDN and one placebo period"):
        load_key(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"kind": "something"}')
    with pytest.raises(TrialKeyError, match="not an ldncare allocation key"):
        load_key(tmp_path / "other.json")
    with pytest.raises(TrialKeyError, match="not found"):
        load_key(tmp_path / "missing.json")


def test_dispensing_list_matches_the_key():
    design, key = design_trial(start_date=START, seed=3, dose_mg=3.0)
    items = dispensing_list(key)
    for item in items:
        assert ("naltrexone 3 mg" in item.contents) == (key.allocation[item.bottle] == "ldn")
        assert item.quantity == 31
        assert item.dispense_by < item.use_from
        assert "period" in item.label
        assert "placebo" not in item.label
        assert "naltrexone" not in item.label


def test_clear_ldn_effect_is_found():
    design, key = design_trial(start_date=START, seed=11)
    diary = simulate_trial_diary(design, key, effect_points=-3.0, seed=2)
    result = analyze_trial(diary, key, "pain")
    assert result.verdict == "ldn_better"
    assert result.mean_ldn < result.mean_placebo
    assert result.paired_t["mean_improvement"] == pytest.approx(3.0, abs=0.8)
    assert result.bayes["p_ldn_better_by_mcid"] > 0.5
    assert "better than placebo" in result.summary
    assert len(result.pair_improvements) == 3


def test_no_effect_is_not_called_a_benefit():
    design, key = design_trial(pairs=4, start_date=START, seed=12)
    result = analyze_trial(simulate_trial_diary(design, key, effect_points=0.0, seed=4), key, "pain")
    assert result.verdict in ("no_meaningful_difference", "inconclusive")
    assert result.bayes["p_ldn_better_by_mcid"] < 0.2


def test_paired_t_matches_scipy():
    design, key = design_trial(start_date=START, seed=13)
    result = analyze_trial(simulate_trial_diary(design, key, effect_points=-1.0, seed=5), key, "pain")
    ldn = [r.mean for r in result.periods if r.arm == "ldn"]
    placebo = [r.mean for r in result.periods if r.arm == "placebo"]
    ref = stats.ttest_rel(placebo, ldn)  # lower pain is better: improvement = placebo - LDN
    assert result.paired_t["t"] == pytest.approx(ref.statistic)
    assert result.paired_t["p_two_sided"] == pytest.approx(ref.pvalue)


def test_bayesian_posterior_matches_closed_form_and_quadrature():
    # with many degrees of freedom the t likelihood is normal: the normal-normal update
    post = posterior_improvement(2.0, 0.5, 10_000, 2.0)
    post_var = 1 / (1 / PRIOR_SD_POINTS**2 + 1 / 0.5**2)
    post_mean = post_var * 2.0 / 0.5**2
    assert post["posterior_mean"] == pytest.approx(post_mean, abs=1e-3)
    assert post["posterior_sd"] == pytest.approx(np.sqrt(post_var), abs=1e-3)
    assert post["p_ldn_better_by_mcid"] == pytest.approx(stats.norm.sf(2.0, post_mean, np.sqrt(post_var)), abs=1e-3)
    # with 2 df (3 pairs): numerical integration of prior x t likelihood
    density = lambda d: stats.norm.pdf(d, 0, PRIOR_SD_POINTS) * stats.t.pdf((2.5 - d) / 0.7, 2)  # noqa: E731
    total = integrate.quad(density, -30, 30)[0]
    above = integrate.quad(density, 2.0, 30)[0]
    post = posterior_improvement(2.5, 0.7, 2, 2.0)
    assert post["p_ldn_better_by_mcid"] == pytest.approx(above / total, abs=2e-3)
    # heavier tails than a normal likelihood: less certain of a benefit
    normal = posterior_improvement(2.5, 0.7, 10_000, 2.0)
    assert post["p_ldn_better"] < normal["p_ldn_better"]


def test_trial_analysis_uses_the_posterior():
    design, key = design_trial(start_date=START, seed=14)
    result = analyze_trial(simulate_trial_diary(design, key, effect_points=-2.0, seed=6), key, "pain")
    expected = posterior_improvement(result.paired_t["mean_improvement"], result.bayes["likelihood_se"], 2, 2.0)
    assert result.bayes == expected


def test_trial_false_positive_rate_is_low():
    calls = 0
    for seed in range(150):
        design, key = design_trial(start_date=START, seed=1000 + seed)
        result = analyze_trial(simulate_trial_diary(design, key, effect_points=0.0, seed=seed), key, "pain")
        calls += result.verdict == "ldn_better"
    assert calls / 150 <= 0.05


def test_missing_periods_are_reported():
    design, key = design_trial(start_date=START, seed=15)
    diary = simulate_trial_diary(design, key, effect_points=-2.0, seed=1)
    cut = design.periods[3].start_date
    short = Diary(days=tuple(d for d in diary.days if d.date < cut), outcomes=diary.outcomes)
    result = analyze_trial(short, key, "pain")
    assert result.verdict == "insufficient_data"
    assert result.missing[0] == "needs 2 complete pairs of periods, has 1"
    assert any(m.startswith("period 4, bottle D: needs 7 analysed days") for m in result.missing)


def test_diary_labels_must_match_the_key():
    design, key = design_trial(start_date=START, seed=16)
    _, other = design_trial(pairs=2, start_date=START, seed=17)
    diary = simulate_trial_diary(design, key, seed=1)
    with pytest.raises(TrialKeyError, match="not in trial"):
        analyze_trial(diary, other, "pain")
    wrong = Diary(days=(DiaryDay(date=START, phase="period 2, bottle B", scores={"pain": 3.0}),), outcomes=("pain",))
    with pytest.raises(TrialKeyError, match="the trial dates put it in 'period 1, bottle A'"):
        analyze_trial(wrong, key, "pain")


def test_unlabelled_diary_is_assigned_by_date():
    design, key = design_trial(start_date=START, seed=18)
    labelled = analyze_trial(simulate_trial_diary(design, key, -3.0, seed=3), key)
    unlabelled = analyze_trial(simulate_trial_diary(design, key, -3.0, seed=3, write_phase=False), key)
    assert labelled.pair_improvements == unlabelled.pair_improvements


def test_records_are_immutable():
    design, key = design_trial(start_date=START, seed=1)
    with pytest.raises(Exception):  # noqa: B017,PT011 - pydantic frozen model
        key.seed = 2
    result = analyze_trial(simulate_trial_diary(design, key, seed=1), key)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "ldn_better"  # type: ignore[misc]
