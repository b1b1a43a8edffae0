"""Response analysis: decision rules, missing-data messages, and calibration by simulation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ldncare.core.response.analysis import (
    OPEN_LABEL_CAVEAT,
    analyze_response,
    decide_status,
    probability_at_least,
)
from ldncare.core.response.diary import Diary, parse_diary
from ldncare.core.response.simulate import simulate_diary


def test_clear_improvement_in_pain_is_a_likely_responder():
    result = analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain")
    assert result.status == "likely_responder"
    assert result.ci95[1] < 0
    assert result.effect == pytest.approx(-3.0, abs=0.7)
    assert result.p_improvement_ge_mcid > 0.5
    assert result.mcid_points == 2.0
    assert result.mcid_percent == 30.0
    assert "10.1016/S0304-3959" in result.mcid_source
    assert result.percent_change == pytest.approx(100 * result.effect / result.baseline.mean)
    assert OPEN_LABEL_CAVEAT in result.caveats


def test_no_effect_is_a_likely_non_responder_with_enough_data():
    result = analyze_response(simulate_diary(effect_points=0.0, seed=8, maintenance_days=120), "pain")
    assert result.status == "likely_non_responder"
    assert result.p_improvement_ge_mcid < 0.1


def test_borderline_effect_is_unclear_and_suggests_a_blinded_trial():
    # a true effect just below the MCID with six weeks of data: most diaries cannot decide
    results = [analyze_response(simulate_diary(effect_points=-1.5, seed=s, baseline_days=21, maintenance_days=42,
                                               missing_fraction=0.0), "pain") for s in range(40)]
    unclear = [r for r in results if r.status == "unclear"]
    assert len(unclear) >= 20  # 25 of 40 with these seeds
    assert all(any("blinded n-of-1 trial" in c for c in r.caveats) for r in unclear)
    assert not any(any("blinded n-of-1 trial" in c for c in r.caveats) for r in results if r.status != "unclear")


def test_direction_higher_is_better_for_sleep_quality():
    diary = simulate_diary(effect_points={"sleep_quality": 3.0}, seed=3, outcomes=("sleep_quality", "pain"))
    result = analyze_response(diary, "sleep_quality")
    assert result.effect > 2
    assert result.improvement == result.effect
    assert result.status == "likely_responder"
    assert any("ASSUMPTION" in c for c in result.caveats)
    worse = analyze_response(simulate_diary(effect_points={"sleep_quality": -3.0}, seed=3,
                                            outcomes=("sleep_quality",)), "sleep_quality")
    assert worse.status == "likely_non_responder"
    assert any("got worse" in c for c in worse.caveats)


def test_insufficient_data_says_exactly_what_is_missing():
    diary = simulate_diary(effect_points=-3.0, seed=1, baseline_days=6, missing_fraction=0.0, maintenance_days=20)
    result = analyze_response(diary, "pain")
    assert result.status == "insufficient_data"
    assert result.effect is None
    assert result.p_improvement_ge_mcid is None
    assert result.missing[0] == "needs 14 baseline days with a pain score, has 6"
    assert result.missing[1] == ("needs 14 maintenance days with a pain score after the 14-day onset lag "
                                 "(from 2026-02-08), has 6")


def test_no_maintenance_yet():
    diary = simulate_diary(seed=1, maintenance_days=0, missing_fraction=0.0)
    result = analyze_response(diary, "pain")
    assert result.status == "insufficient_data"
    assert result.missing[0].startswith("no maintenance days yet")


def test_lag_days_moves_the_window():
    diary = simulate_diary(effect_points=-3.0, seed=2, missing_fraction=0.0)
    short, long = analyze_response(diary, "pain", lag_days=0), analyze_response(diary, "pain", lag_days=28)
    assert short.maintenance.n_days - long.maintenance.n_days == 28


def test_phases_are_inferred_when_the_diary_has_none():
    diary = simulate_diary(effect_points=-3.0, seed=3, write_phase=False, missed_dose_fraction=0.0)
    explicit = simulate_diary(effect_points=-3.0, seed=3, missed_dose_fraction=0.0)
    assert analyze_response(diary, "pain").effect == pytest.approx(analyze_response(explicit, "pain").effect)


def test_trend_option_adds_a_time_trend():
    result = analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain", trend=True)
    assert result.trend
    assert result.ci95 is not None
    plain = analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain")
    assert result.effect_se > plain.effect_se  # a trend competes with the step


def test_extra_outcome_column_has_no_mcid():
    diary = simulate_diary(effect_points={"stiffness": -3.0}, seed=3, outcomes=("stiffness",))
    result = analyze_response(diary, "stiffness")
    assert result.mcid_points is None
    assert result.p_improvement_ge_mcid is None
    assert result.status == "likely_responder"


def test_refusals():
    diary = simulate_diary(seed=1)
    with pytest.raises(ValueError, match="has no 'knee' column"):
        analyze_response(diary, "knee")
    with pytest.raises(ValueError, match="PGIC already rates change"):
        analyze_response(diary, "pgic")


def test_blinded_diary_is_sent_to_the_trial_analysis():
    diary = parse_diary('date,phase,pain\n' + "".join(
        f'2026-01-{i:02d},"period 1, bottle A",4\n' for i in range(1, 20)))
    result = analyze_response(diary, "pain")
    assert result.status == "insufficient_data"
    assert any("ldncare trial analyze" in m for m in result.missing)


def test_decision_rules_and_probability():
    assert decide_status(0.1, 0.5) == "likely_responder"
    assert decide_status(0.1, 0.49) == "unclear"
    assert decide_status(-0.1, 0.09) == "likely_non_responder"
    assert decide_status(0.3, 0.05) == "likely_non_responder"  # real but below the MCID
    assert decide_status(0.3, None) == "likely_responder"
    assert decide_status(-0.3, None) == "unclear"
    assert probability_at_least(3.0, 0.5, 1000, 2.0) == pytest.approx(stats.norm.sf(-2.0), abs=1e-3)


# --- calibration by simulation (fixed seeds): AR(1) errors with rho = 0.5 ----------------------

N_REPLICATES = 400


def _windows(diary: Diary, lag_days: int = 14):
    """Baseline and maintenance-after-lag pain values, the way a naive tracker would take them."""
    start = next(d.date for d in diary.days if d.phase == "maintenance")
    base = [d.scores["pain"] for d in diary.days if d.phase == "baseline"]
    main = [d.scores["pain"] for d in diary.days
            if d.phase == "maintenance" and (d.date - start) >= dt.timedelta(days=lag_days)]
    return np.array(base), np.array(main)


@pytest.mark.parametrize(("true_effect", "rounded", "seed0"), [(-2.0, False, 10_000), (-1.0, True, 20_000)])
def test_ci_covers_the_true_effect_92_to_98_percent(true_effect, rounded, seed0):
    covered = naive_covered = 0
    for i in range(N_REPLICATES):
        diary = simulate_diary(effect_points=true_effect, seed=seed0 + i, rho=0.5, rounded=rounded)
        result = analyze_response(diary, "pain")
        covered += result.ci95[0] <= true_effect <= result.ci95[1]
        base, main = _windows(diary)
        naive = stats.ttest_ind(main, base, equal_var=False).confidence_interval(0.95)
        naive_covered += naive.low <= true_effect <= naive.high
    coverage, naive_coverage = covered / N_REPLICATES, naive_covered / N_REPLICATES
    assert 0.92 <= coverage <= 0.98, coverage
    # the naive daily t-test treats autocorrelated days as independent: intervals ~1.7x too narrow
    assert naive_coverage < 0.85, naive_coverage


def test_false_responder_rate_at_zero_effect_is_at_most_5_percent():
    statuses = [analyze_response(simulate_diary(effect_points=0.0, seed=30_000 + i, rho=0.5), "pain").status
                for i in range(N_REPLICATES)]
    assert statuses.count("likely_responder") / N_REPLICATES <= 0.05
    # and the same diaries with a shorter maintenance still rarely call a responder
    short = [analyze_response(simulate_diary(effect_points=0.0, seed=40_000 + i, rho=0.5, maintenance_days=28,
                                             baseline_days=14, missing_fraction=0.0), "pain").status
             for i in range(N_REPLICATES)]
    assert short.count("likely_responder") / N_REPLICATES <= 0.05


def test_result_is_immutable():
    result = analyze_response(simulate_diary(seed=3), "pain")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "likely_responder"  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(improvement=st.floats(-5, 5), se=st.floats(0.05, 3), df=st.integers(3, 500), shift=st.floats(0.01, 3))
def test_probability_and_status_rules_are_monotone(improvement, se, df, shift):
    p = probability_at_least(improvement, se, df, 2.0)
    assert 0.0 <= p <= 1.0
    assert probability_at_least(improvement + shift, se, df, 2.0) >= p
    q = stats.t.ppf(0.975, df)
    status = decide_status(improvement - q * se, p)
    if status == "likely_responder":
        assert improvement - q * se > 0
        assert p >= 0.5
    if status == "likely_non_responder":
        assert p < 0.1
