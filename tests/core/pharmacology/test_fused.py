"""The fused numba kernel against the NumPy reference engine and the solve_ivp reference solver.

Tolerances: against the NumPy engine (same algorithm, compiled) every daily figure agrees to
1e-9 relative to that figure's largest value (measured: ~1e-13); against solve_ivp (DOP853,
rtol 1e-10) the figures read from the reference series agree to 1e-6 relative.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.pharmacology.engine import (
    AUTO_NUMBA_MIN_SUBJECTS,
    DAILY_METRICS,
    simulate_subjects,
)
from ldncare.core.pharmacology.fused import (
    _INV_FACTORIAL,
    _exp_divided_differences,
    histogram_counts,
    simulate_daily_fused,
)
from ldncare.core.pharmacology.population import _edges, simulate_population
from ldncare.core.pharmacology.reference import simulate_reference
from ldncare.core.pharmacology.regimen import daily_at, titrate
from ldncare.core.pharmacology.subjects import Subjects, sample_subjects, typical_subjects

REGIMENS = {
    "nightly": lambda form: daily_at(4.5, "22:00", days=3, form=form),
    "morning": lambda form: daily_at(1.5, "07:30", days=2, form=form),
    "titration": lambda form: titrate([(1, 1.5), (2, 3.0), (3, 4.5)], "21:00", days=3, form=form),
}


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(float(np.abs(b).max()), 1e-300)
    return float(np.abs(a - b).max()) / scale


@pytest.mark.parametrize("scenario", ["fast", "compromise", "slow"])
@pytest.mark.parametrize("form", ["ir", "sr"])
@pytest.mark.parametrize("regimen", sorted(REGIMENS))
def test_fused_kernel_equals_the_numpy_engine(scenario, form, regimen):
    reg = REGIMENS[regimen](form)
    subjects = sample_subjects(40, seed=21)
    ref = simulate_subjects(reg, subjects, scenario, keep_series=False, engine="numpy").daily
    fused = simulate_daily_fused(reg, subjects, scenario)
    for metric in DAILY_METRICS:
        assert fused[metric].shape == ref[metric].shape
        if metric in ("ntx_tmax_h", "mor_hours_ge_50pct", "mor_hours_ge_90pct"):
            # grid counts: equal unless a value sits within rounding of a threshold or a tie
            assert np.mean(fused[metric] != ref[metric]) <= 0.01, metric
        else:
            assert _rel(fused[metric], ref[metric]) <= 1e-9, (metric, _rel(fused[metric], ref[metric]))


@pytest.mark.parametrize("scenario", ["fast", "compromise", "slow"])
@pytest.mark.parametrize("form", ["ir", "sr"])
def test_fused_kernel_agrees_with_solve_ivp(scenario, form):
    reg = daily_at(4.5, "22:00", days=2, form=form)
    subjects = sample_subjects(2, seed=11)
    fused = simulate_daily_fused(reg, subjects, scenario)
    spd = 96
    for i in range(2):
        ref = simulate_reference(reg, subjects, scenario, index=i, rtol=1e-10, atol=1e-14)
        c, b = ref["ntx_ng_per_ml"], ref["mor_occupancy"]
        for day in range(2):
            window = slice(day * spd, (day + 1) * spd)
            expected = {"ntx_cmax_ng_per_ml": c[window].max(), "nal6b_cmax_ng_per_ml": ref["nal6b_ng_per_ml"][window].max(),
                        "mor_occupancy_peak": b[window].max(), "mor_occupancy_trough": b[window].min(),
                        "rebound_index": ref["rebound_index"][window].mean()}
            for metric, value in expected.items():
                scale = max(abs(value), float(np.abs(ref["rebound_index"]).max()) if metric == "rebound_index" else 0.0)
                assert abs(fused[metric][i, day] - value) <= 1e-6 * scale, (metric, fused[metric][i, day], value)


def test_engine_selection():
    reg = daily_at(4.5, "22:00", days=1)
    many = sample_subjects(AUTO_NUMBA_MIN_SUBJECTS, seed=2)
    auto = simulate_subjects(reg, many, "fast", keep_series=False)
    numba = simulate_subjects(reg, many, "fast", keep_series=False, engine="numba")
    assert auto.series == {}
    assert np.array_equal(auto.daily["ntx_auc_ng_h_per_ml"], numba.daily["ntx_auc_ng_h_per_ml"])
    s = typical_subjects()  # one subject: auto stays with NumPy (no wait for the compiled kernel)
    one = simulate_subjects(reg, s, "fast", keep_series=False)
    assert np.array_equal(one.daily["ntx_auc_ng_h_per_ml"],
                          simulate_subjects(reg, s, "fast", keep_series=False, engine="numpy").daily["ntx_auc_ng_h_per_ml"])
    assert "ntx_ng_per_ml" in simulate_subjects(reg, s, "fast").series  # series: NumPy path
    with pytest.raises(ValueError, match="daily summaries only"):
        simulate_subjects(reg, s, "fast", engine="numba")
    with pytest.raises(ValueError, match="allowed"):
        simulate_subjects(reg, s, "fast", engine="jax")
    with pytest.raises(ValueError, match="allowed"):
        simulate_population(reg, 10, seed=1, engine="jax")


def test_compiled_histogram_equals_numpy_histogram():
    rng = np.random.default_rng(3)
    for metric in ("ntx_cmax_ng_per_ml", "mor_occupancy_peak", "ntx_tmax_h", "rebound_index"):
        edges = _edges(metric, 0.25)
        values = np.exp(rng.normal(0, 3, size=(500, 3))) if metric.startswith("ntx_c") else rng.uniform(-2, 30, (500, 3))
        values[0, 0] = edges[0]
        values[1, 0] = edges[-1]
        values[2, 0] = edges[17]
        clipped = np.clip(values, edges[0], edges[-1])
        expected = np.stack([np.histogram(clipped[:, d], bins=edges)[0] for d in range(3)])
        np.testing.assert_array_equal(histogram_counts(values, edges), expected)


def test_population_engines_agree():
    reg = daily_at(4.5, "22:00", days=2, form="sr")
    a = simulate_population(reg, 300, seed=5, chunk_size=128, engine="numpy")
    b = simulate_population(reg, 300, seed=5, chunk_size=128, workers=2, engine="numba")
    for metric in DAILY_METRICS:
        assert _rel(b.percentiles[metric], a.percentiles[metric]) <= 1e-9, metric


# ---- the closed-form step coefficients (divided differences of exp(-k t))

def _reference_divided_differences(nodes: list[float], t: float) -> list[Decimal]:
    """f[S] of f(k) = exp(-k t) for every subset mask, in 60-digit decimal arithmetic (the
    recurrence, or f^(n)/n! when every node of the subset is equal): cancellation is harmless."""
    getcontext().prec = 60
    x = [Decimal(float(v)) for v in nodes]  # exact binary values
    td = Decimal(float(t))
    out: list[Decimal] = [Decimal(0)] * 16
    for mask in range(1, 16):
        members = [i for i in range(4) if mask >> i & 1]
        lo = min(members, key=lambda i: x[i])
        hi = max(members, key=lambda i: x[i])
        if x[lo] == x[hi]:
            n = len(members) - 1
            out[mask] = (-td) ** n * (-x[lo] * td).exp() / math.factorial(n)
        else:
            out[mask] = (out[mask & ~(1 << lo)] - out[mask & ~(1 << hi)]) / (x[hi] - x[lo])
    return out


_RATE = st.floats(0.02, 30.0)
_NEAR = st.sampled_from([0.0, 1e-13, -1e-13, 1e-9, -1e-7, 1e-4, -3e-3, 0.05, -0.2])


@settings(max_examples=300, deadline=None)
@given(ka=_RATE, other=_RATE, near=_NEAR, use_near=st.booleans(), third=_RATE, t=st.floats(1e-4, 3.0),
       zeros=st.integers(1, 2))
def test_divided_differences_match_high_precision_arithmetic(ka, other, near, use_near, third, t, zeros):
    """Every subset of (0, [0,] ka, kel [, ke0]) to 1e-12 relative, including rates equal or
    nearly equal (ka close to kel: the flip-flop case), a tiny step and a long one."""
    kel = ka * (1.0 + near) if use_near else other
    nodes = [0.0, 0.0, ka, kel] if zeros == 2 else [0.0, ka, kel, third]
    ex = np.exp(-np.array(nodes) * t)
    out, scratch = np.empty(16), np.empty(32)
    _exp_divided_differences(np.array(nodes), ex, t, _INV_FACTORIAL, out, scratch)
    ref = _reference_divided_differences(nodes, t)
    for mask in range(1, 16):
        expected = float(ref[mask])
        assert abs(out[mask] - expected) <= 1e-12 * abs(expected), (mask, nodes, t, out[mask], expected)


@pytest.mark.parametrize("scenario", ["fast", "compromise"])
def test_coincident_rates_need_no_special_case(scenario):
    """ka equal to kel (and km within 1e-9 of ka): the closed form meets the NumPy engine's expm."""
    base = sample_subjects(4, seed=3)
    ka = base.ka_per_h.copy()
    subjects = Subjects(ka, ka * base.v_l, base.v_l, ka * (1 + 1e-9) * base.vm_l, base.vm_l, base.weight_kg)
    reg = daily_at(4.5, "22:00", days=2)
    ref = simulate_subjects(reg, subjects, scenario, keep_series=False, engine="numpy").daily
    fused = simulate_daily_fused(reg, subjects, scenario)
    for metric in ("ntx_cmax_ng_per_ml", "ntx_auc_ng_h_per_ml", "nal6b_auc_ng_h_per_ml", "mor_occupancy_peak",
                   "rebound_index"):
        assert _rel(fused[metric], ref[metric]) <= 1e-9, metric
