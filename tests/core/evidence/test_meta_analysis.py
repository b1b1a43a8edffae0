"""Random-effects pooling checked against closed-form results; only one effect measure is ever pooled; forest plots."""

from __future__ import annotations

import copy
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
from ldncare.core.knowledge.records import DATA_DIR
from ldncare.core.knowledge.studies import Study


@pytest.fixture(scope="module")
def raw_records():
    import yaml

    return yaml.safe_load((DATA_DIR / "studies.yaml").read_text(encoding="utf-8"))


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


def test_fibromyalgia_is_not_pooled_across_different_effect_measures():
    """Younger 2013 (crossover d_z), Bested 2023 (unnamed rank-test effect size), Bruun 2024 (MD, Cohen's d): never one SMD."""
    fm = pool_condition("fibromyalgia", "pain")
    assert isinstance(fm, NotPoolable)
    assert "side by side, unpooled" in fm.reason
    for label in ("Younger 2013", "Bested 2023", "Bruun 2024"):
        assert label in fm.reason
    measures = {(e.study_id, e.effect_measure) for e in fm.side_by_side}
    assert measures == {
        ("younger2013-fibromyalgia-crossover", "d_z_crossover"),
        ("bested2023-fibromyalgia-crossover", "effect_size_unnamed"),
        ("bruun2024-fibromyalgia-final-rct", "MD"),
        ("bruun2024-fibromyalgia-final-rct", "SMD_hedges_g_between"),
    }
    bruun_g = next(e for e in fm.side_by_side if e.effect_measure == "SMD_hedges_g_between")
    assert bruun_g.conversion is not None
    assert bruun_g.conversion.source_url.startswith("https://training.cochrane.org/")
    assert bruun_g.reported_estimate == -0.23
    assert bruun_g.estimate == pytest.approx(-0.23 * (1 - 3 / (4 * 97 - 1)), abs=1e-4)
    bested = next(e for e in fm.side_by_side if e.study_id.startswith("bested"))
    assert "r = Z / sqrt(N)" in bested.measure_note
    d = fm.to_dict()
    assert d["poolable"] is False
    assert "estimate" not in d
    assert all(row["effect_measure"] for row in d["side_by_side"])
    assert [i for i, _ in fm.excluded] == ["younger2009-fibromyalgia-pilot"]


def test_published_syntheses_are_listed_with_their_own_measure():
    fm = pool_condition("fibromyalgia", "pain")
    by_id: dict = {}
    for p in fm.published:
        by_id.setdefault(p["id"], p)  # first result of each synthesis: its primary (pain) outcome
    assert by_id["vatvani2024-fibromyalgia-meta"]["pooled_measure"] == "MD"
    assert by_id["vatvani2024-fibromyalgia-meta"]["estimate"] == -0.86
    # the 2025 synthesis that found no benefit over placebo is shown next to the positive ones
    ologunowa = by_id["ologunowa2025-fibromyalgia-meta"]
    assert (ologunowa["pooled_measure"], ologunowa["ci_low"] < 0 < ologunowa["ci_high"]) == ("SMD", True)
    assert by_id["annmedsurg2025-fibromyalgia-meta"]["ci_high"] < 0
    assert [p["year"] for p in fm.published] == sorted((p["year"] for p in fm.published), reverse=True)


def _trial(raw_records, sid: str, effect: dict) -> Study:
    base = copy.deepcopy(next(r for r in raw_records if r["id"] == "bruun2024-fibromyalgia-final-rct"))
    base["id"] = sid
    base["citation"]["first_author"] = sid.capitalize()
    base["effects"] = [{"outcome_domain": "pain", "instrument": "pain NRS", "basis": "stated", **effect}]
    return Study.model_validate(base)


def _pool_with(monkeypatch, studies):
    monkeypatch.setattr("ldncare.core.evidence.meta_analysis.studies_for_condition", lambda _c: tuple(studies))
    return pool_condition("fibromyalgia", "pain")


def test_cohens_d_is_converted_to_hedges_g_and_every_pooled_study_names_its_measure(monkeypatch, raw_records):
    a = _trial(raw_records, "alpha", {"effect_measure": "SMD_cohens_d_between", "estimate": -0.4, "se": 0.2, "n_analysed": 40})
    b = _trial(raw_records, "beta", {"effect_measure": "SMD_hedges_g_between", "estimate": -0.1, "se": 0.15, "n_analysed": 80})
    c = _trial(raw_records, "gamma", {"effect_measure": "d_z_crossover", "estimate": -0.9, "p_value": 0.01, "n_analysed": 20,
                                      "basis": "computed", "derivation": "t / sqrt(n)"})
    ma = _pool_with(monkeypatch, [a, b, c])
    assert isinstance(ma, MetaAnalysis)
    assert ma.effect_measure == "SMD_hedges_g_between"
    assert {e.effect_measure for e in ma.effects} == {"SMD_hedges_g_between"}
    alpha = next(e for e in ma.effects if e.study_id == "alpha")
    j = 1 - 3 / (4 * 38 - 1)
    assert (alpha.estimate, alpha.se) == (pytest.approx(-0.4 * j), pytest.approx(0.2 * j))
    assert alpha.reported_measure == "SMD_cohens_d_between"
    assert alpha.conversion is not None
    assert next(e for e in ma.effects if e.study_id == "beta").conversion is None
    # the crossover d_z is not mixed in, and the reason says why
    (gid, why), = [x for x in ma.excluded if x[0] == "gamma"]
    assert "correlation" in why
    d = ma.to_dict()
    assert d["effect_measure"] == "SMD_hedges_g_between"
    for row in d["studies"]:
        assert row["effect_measure"] == d["effect_measure"]
        assert "conversion" in row
    assert d["studies"][0]["conversion"] is None or d["studies"][0]["conversion"]["source"].startswith("https://")


def test_mean_differences_pool_only_on_the_same_scale(monkeypatch, raw_records):
    a = _trial(raw_records, "alpha", {"effect_measure": "MD", "scale": "NRS 0-10", "estimate": -0.5, "se": 0.3})
    b = _trial(raw_records, "beta", {"effect_measure": "MD", "scale": "VAS 0-100", "estimate": -6.0, "se": 3.0})
    result = _pool_with(monkeypatch, [a, b])
    assert isinstance(result, NotPoolable)
    assert [e.scale for e in result.side_by_side] == ["NRS 0-10", "VAS 0-100"]
    c = _trial(raw_records, "gamma", {"effect_measure": "MD", "scale": "NRS 0-10", "estimate": -0.2, "se": 0.25})
    ma = _pool_with(monkeypatch, [a, b, c])
    assert (ma.effect_measure, ma.scale, ma.k) == ("MD", "NRS 0-10", 2)


def test_no_condition_pools_mixed_measures():
    for condition in load_conditions():
        result = pool_condition(condition.id, "pain")
        if isinstance(result, MetaAnalysis):
            assert len({e.effect_measure for e in result.effects}) == 1, condition.id


def test_every_condition_says_why_it_cannot_be_pooled():
    for condition in load_conditions():
        result = pool_condition(condition.id, "pain")
        assert isinstance(result, NotPoolable), condition.id
        assert len(result.reason) > 30
        assert result.to_dict()["poolable"] is False
    assert "uncontrolled" in pool_condition("long-covid").reason
    assert "no controlled study (5 found)" in pool_condition("autism").reason


@pytest.fixture
def pooled(monkeypatch, raw_records):
    studies = [
        _trial(raw_records, name, {"effect_measure": "MD", "scale": "NRS 0-10", "estimate": est, "ci_low": est - 0.6, "ci_high": est + 0.6})
        for name, est in (("alpha", -0.5), ("beta", -0.2), ("gamma", 0.1))
    ]
    ma = _pool_with(monkeypatch, studies)
    assert isinstance(ma, MetaAnalysis)
    return ma


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_forest_plot_files(tmp_path, pooled, suffix, magic):
    out = draw_forest(pooled, tmp_path / f"forest{suffix}")
    assert out.read_bytes().startswith(magic)
    assert out.stat().st_size > 2000


def test_forest_plot_refuses_other_formats(tmp_path, pooled):
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        draw_forest(pooled, tmp_path / "forest.pdf")
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
