"""Random-effects pooling checked against closed-form inverse-variance results, and forest plots."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ldncare.core.evidence.meta_analysis import (
    MetaAnalysis,
    NotPoolable,
    PooledEffect,
    draw_forest,
    pool_condition,
    pool_effects,
)
from ldncare.core.knowledge.conditions import load_conditions


def _effects(pairs):
    return [PooledEffect(f"s{i}", f"S{i}", est, se, "stated", "stated", "", "pain") for i, (est, se) in enumerate(pairs)]


def test_homogeneous_effects_pool_to_the_inverse_variance_mean():
    pairs = [(-0.46, 0.19), (-0.13, 0.15), (-0.23, 0.21)]
    r = pool_effects(_effects(pairs))
    w = np.array([1 / se**2 for _, se in pairs])
    y = np.array([e for e, _ in pairs])
    assert r["tau2"] == 0.0  # Q < df: Paule-Mandel truncates at zero
    assert r["estimate"] == pytest.approx(w @ y / w.sum(), abs=1e-12)
    assert r["se"] == pytest.approx(1 / math.sqrt(w.sum()), abs=1e-12)
    assert r["i2"] == 0.0
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(abs(r["estimate"] / r["se"])), rel=1e-12)


def test_heterogeneous_effects_solve_the_paule_mandel_equation():
    pairs = [(-0.9, 0.19), (-0.13, 0.15), (0.8, 0.21), (-0.4, 0.3)]
    r = pool_effects(_effects(pairs))
    assert r["tau2"] > 0
    y = np.array([e for e, _ in pairs])
    w = 1 / (np.array([se**2 for _, se in pairs]) + r["tau2"])
    mu = w @ y / w.sum()
    assert r["estimate"] == pytest.approx(mu, abs=1e-9)
    # Paule-Mandel: the generalized Q statistic equals its expectation k - 1 (tolerance of the solver).
    assert w @ (y - mu) ** 2 == pytest.approx(len(pairs) - 1, abs=1e-4)
    assert r["tau2_dl"] > 0
    from statsmodels.stats.meta_analysis import combine_effects

    dl = combine_effects(y, np.array([se**2 for _, se in pairs]), method_re="dl")
    assert r["tau2_dl"] == pytest.approx(dl.tau2, rel=1e-12)  # same moment estimator when positive
    assert r["i2"] == pytest.approx((r["q"] - 3) / r["q"])


def test_fibromyalgia_pain_pools_three_trials():
    ma = pool_condition("fibromyalgia", "pain")
    assert isinstance(ma, MetaAnalysis)
    assert {e.study_id for e in ma.effects} == {
        "younger2013-fibromyalgia-crossover",
        "bested2023-fibromyalgia-crossover",
        "bruun2024-fibromyalgia-final-rct",
    }
    assert ma.measure == "standardized_mean_difference"
    assert ma.estimate == pytest.approx(-0.253, abs=0.002)
    assert (ma.ci_low, ma.ci_high) == (pytest.approx(-0.457, abs=0.002), pytest.approx(-0.049, abs=0.002))
    assert sum(e.weight for e in ma.effects) == pytest.approx(1.0)
    younger = next(e for e in ma.effects if e.study_id.startswith("younger2013"))
    assert younger.effect_basis == "computed"
    assert "P = 0.016" in younger.se_derivation
    assert [i for i, _ in ma.excluded] == ["younger2009-fibromyalgia-pilot"]
    assert ma.published[0]["id"] == "vatvani2024-fibromyalgia-meta"
    assert ma.published[0]["values"]["mean_difference"] == -0.86
    assert ma.to_dict()["poolable"] is True


def test_every_other_condition_says_why_it_cannot_be_pooled():
    for condition in load_conditions():
        result = pool_condition(condition.id, "pain")
        if condition.id == "fibromyalgia":
            continue
        assert isinstance(result, NotPoolable), condition.id
        assert len(result.reason) > 30
        assert result.to_dict()["poolable"] is False
    assert "uncontrolled" in pool_condition("long-covid").reason
    assert "no controlled study (5 found)" in pool_condition("autism").reason


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_forest_plot_files(tmp_path, suffix, magic):
    out = draw_forest(pool_condition("fibromyalgia"), tmp_path / f"forest{suffix}")
    assert out.read_bytes().startswith(magic)
    assert out.stat().st_size > 2000


def test_forest_plot_refuses_other_formats(tmp_path):
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        draw_forest(pool_condition("fibromyalgia"), tmp_path / "forest.pdf")
    assert not (tmp_path / "forest.pdf").exists()


_study = st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(0.05, 2.0, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(st.lists(_study, min_size=2, max_size=8), st.floats(0.1, 10), st.randoms(use_true_random=False))
def test_pooling_properties(pairs, scale, rnd):
    r = pool_effects(_effects(pairs))
    estimates = [e for e, _ in pairs]
    assert min(estimates) - 1e-9 <= r["estimate"] <= max(estimates) + 1e-9
    assert r["ci_low"] < r["estimate"] < r["ci_high"]
    assert r["tau2"] >= 0
    assert 0 <= r["i2"] < 1
    # random effects never claim more precision than the fixed-effect (tau² = 0) model
    assert r["se"] >= 1 / math.sqrt(sum(1 / se**2 for _, se in pairs)) - 1e-12
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert pool_effects(_effects(shuffled))["estimate"] == pytest.approx(r["estimate"], abs=1e-6)
    scaled = pool_effects(_effects([(e * scale, se * scale) for e, se in pairs]))
    assert scaled["estimate"] == pytest.approx(r["estimate"] * scale, rel=1e-4, abs=1e-6)
