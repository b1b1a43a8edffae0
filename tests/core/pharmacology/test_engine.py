"""The fast engine against analytical solutions and the solve_ivp reference implementation."""

from __future__ import annotations

import numpy as np
import pytest

from ldncare.core.pharmacology.engine import DAILY_METRICS, circadian_tone, simulate_subjects
from ldncare.core.pharmacology.parameters import model_parameters
from ldncare.core.pharmacology.reference import simulate_reference
from ldncare.core.pharmacology.regimen import DoseEvent, Regimen, daily_at
from ldncare.core.pharmacology.subjects import sample_subjects, typical_subjects


def _single(dose_mg: float, days: int = 2, form: str = "ir") -> Regimen:
    duration = model_parameters().sr_duration_h if form == "sr" else 0.0
    return Regimen(events=(DoseEvent(time_h=8.0, amount_mg=dose_mg, form=form, duration_h=duration),), days=days)


def test_single_dose_pk_matches_the_bateman_function():
    p = model_parameters()
    out = simulate_subjects(_single(50.0), typical_subjects(), "fast")
    t = out.t_h - 8.0
    ka, k = p.ka_ir_per_h, p.cl_f_l_per_h / p.v_f_l
    expected = 50.0 * 1000.0 / p.v_f_l * ka / (ka - k) * (np.exp(-k * t) - np.exp(-ka * t))
    np.testing.assert_allclose(out.series["ntx_ng_per_ml"][0], expected, rtol=1e-9, atol=1e-12)
    km = p.clm_f_l_per_h / p.vm_f_l
    expected_m = 50.0 * 1000.0 / p.vm_f_l * ka / (ka - km) * (np.exp(-km * t) - np.exp(-ka * t))
    np.testing.assert_allclose(out.series["nal6b_ng_per_ml"][0], expected_m, rtol=1e-9, atol=1e-12)


def test_daily_auc_is_exact_and_dose_proportional():
    p = model_parameters()
    out = simulate_subjects(_single(50.0, days=10), typical_subjects(), "fast", keep_series=False)
    total = out.daily["ntx_auc_ng_h_per_ml"][0].sum()
    assert total == pytest.approx(50.0 * 1000.0 / p.cl_f_l_per_h, rel=1e-6)  # AUC0-inf = F D / CL
    out2 = simulate_subjects(_single(100.0, days=10), typical_subjects(), "fast", keep_series=False)
    np.testing.assert_allclose(out2.daily["ntx_auc_ng_h_per_ml"], 2 * out.daily["ntx_auc_ng_h_per_ml"], rtol=1e-12)


def test_steady_binding_equals_the_equilibrium_occupancy():
    # constant plasma level (zero-order input long after start): B -> C / (C + Kd)
    p = model_parameters()
    reg = Regimen(events=(DoseEvent(time_h=0.0, amount_mg=480.0, duration_h=240.0),), days=10)
    out = simulate_subjects(reg, typical_subjects(), "fast")
    c = out.series["ntx_ng_per_ml"][0, -2] + p.r6 * out.series["nal6b_ng_per_ml"][0, -2]
    kd = p.fast_koff_per_h / p.fast_kon_ml_per_ng_h
    assert out.series["mor_occupancy"][0, -2] == pytest.approx(c / (c + kd), rel=1e-4)


@pytest.mark.parametrize("scenario", ["fast", "compromise", "slow"])
@pytest.mark.parametrize("form", ["ir", "sr"])
def test_engine_agrees_with_solve_ivp(scenario, form):
    reg = daily_at(4.5, "22:00", days=2, form=form)
    subjects = sample_subjects(2, seed=11)
    out = simulate_subjects(reg, subjects, scenario)
    for i in (1,):
        ref = simulate_reference(reg, subjects, scenario, index=i, rtol=1e-10, atol=1e-14)
        for name in ("ntx_ng_per_ml", "nal6b_ng_per_ml", "mor_occupancy", "kor_occupancy", "dor_occupancy",
                     "adaptation", "receptor_pool", "rebound_index"):
            scale = np.abs(ref[name]).max()
            err = np.abs(out.series[name][i] - ref[name]).max() / scale
            assert err < 1e-6, (name, err)


def test_daily_summaries_are_consistent_with_the_series():
    out = simulate_subjects(daily_at(4.5, "22:00", days=3), typical_subjects(), "compromise")
    spd = 96
    c = out.series["ntx_ng_per_ml"][0]
    b = out.series["mor_occupancy"][0]
    for day in range(3):
        window = slice(day * spd, (day + 1) * spd)
        assert out.daily["ntx_cmax_ng_per_ml"][0, day] == c[window].max()
        assert out.daily["ntx_tmax_h"][0, day] == 0.25 * c[window].argmax()
        assert out.daily["mor_occupancy_trough"][0, day] == b[window].min()
        assert out.daily["mor_hours_ge_50pct"][0, day] == 0.25 * (b[window] >= 0.5).sum()
    assert set(out.daily) == set(DAILY_METRICS)


def test_rebound_is_zero_without_drug_and_negative_under_blockade():
    out = simulate_subjects(daily_at(0.001, "22:00", days=1), typical_subjects(), "fast")
    assert np.abs(out.series["rebound_index"]).max() < 1e-3
    out = simulate_subjects(daily_at(50, "22:00", days=2), typical_subjects(), "slow")
    assert out.series["rebound_index"][0, 8] < -0.5


def test_circadian_tone_peaks_at_the_acrophase():
    clock = np.linspace(0, 24, 24 * 60 + 1)
    assert clock[np.argmax(circadian_tone(clock))] == pytest.approx(10.7, abs=1 / 60)


def test_weight_and_hepatic_covariates():
    base = simulate_subjects(_single(4.5), typical_subjects(), "fast", keep_series=False).daily
    heavy = simulate_subjects(_single(4.5), typical_subjects(weight_kg=140), "fast", keep_series=False).daily
    severe = simulate_subjects(_single(4.5), typical_subjects(hepatic="severe"), "fast", keep_series=False).daily
    assert heavy["ntx_auc_ng_h_per_ml"][0, 0] < base["ntx_auc_ng_h_per_ml"][0, 0]
    assert severe["ntx_cmax_ng_per_ml"][0, 0] == pytest.approx(10 * base["ntx_cmax_ng_per_ml"][0, 0], rel=1e-9)


def test_doses_off_the_grid_are_refused():
    reg = Regimen(events=(DoseEvent(time_h=8.1, amount_mg=1.0), DoseEvent(time_h=9.0, amount_mg=1.0)), days=1)
    with pytest.raises(ValueError, match="grid"):
        simulate_subjects(reg, typical_subjects())
