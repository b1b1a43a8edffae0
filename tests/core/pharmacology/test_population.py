"""Population runs: reproducible, independent of chunking, equal on a Dask cluster."""

from __future__ import annotations

import numpy as np
import pytest

from ldncare.core.pharmacology import population
from ldncare.core.pharmacology.engine import DAILY_METRICS
from ldncare.core.pharmacology.population import simulate_population
from ldncare.core.pharmacology.regimen import daily_at
from ldncare.core.pharmacology.subjects import BLOCK_SIZE, sample_subjects

REGIMEN = daily_at(4.5, "22:00", days=2)


def _equal(a, b) -> bool:
    return all(np.array_equal(a.percentiles[m], b.percentiles[m]) for m in DAILY_METRICS)


def test_same_seed_same_result_whatever_the_chunking():
    a = simulate_population(REGIMEN, 700, seed=3, chunk_size=700, workers=1)
    b = simulate_population(REGIMEN, 700, seed=3, chunk_size=211, workers=2)
    assert _equal(a, b)
    c = simulate_population(REGIMEN, 700, seed=4, chunk_size=700)
    assert not _equal(a, c)


def test_subject_draws_do_not_depend_on_blocks():
    whole = sample_subjects(BLOCK_SIZE + 10, seed=9)
    part = sample_subjects(20, seed=9, start=BLOCK_SIZE - 10)
    np.testing.assert_array_equal(whole.cl_l_per_h[BLOCK_SIZE - 10:], part.cl_l_per_h)


def test_between_subject_variability_matches_the_records():
    s = sample_subjects(20_000, seed=1)
    assert np.log(s.cl_l_per_h).std() == pytest.approx(np.hypot(0.46, 0.75 * 0.15), rel=0.05)
    assert np.median(s.cl_l_per_h) == pytest.approx(500.0, rel=0.03)


def test_percentiles_are_ordered_and_plausible():
    pop = simulate_population(REGIMEN, 1000, seed=1)
    for metric in DAILY_METRICS:
        p5, p50, p95 = pop.percentiles[metric]
        assert np.all(p5 <= p50), metric
        assert np.all(p50 <= p95), metric
    assert pop.percentiles["ntx_cmax_ng_per_ml"][1, 0] == pytest.approx(1.27, rel=0.1)


def test_histogram_percentiles_agree_with_exact_ones(monkeypatch):
    exact = simulate_population(REGIMEN, 3000, seed=2)
    monkeypatch.setattr(population, "EXACT_LIMIT", 100)
    approx = simulate_population(REGIMEN, 3000, seed=2, chunk_size=1000)
    assert approx.method == "histogram"
    for metric in ("ntx_cmax_ng_per_ml", "nal6b_auc_ng_h_per_ml"):
        np.testing.assert_allclose(approx.percentiles[metric], exact.percentiles[metric], rtol=0.02)
    for metric in ("mor_occupancy_peak", "rebound_index"):
        np.testing.assert_allclose(approx.percentiles[metric], exact.percentiles[metric], atol=0.01)


def test_population_size_is_bounded():
    with pytest.raises(ValueError, match="10,000,000"):
        simulate_population(REGIMEN, 10_000_001, seed=1)


@pytest.mark.slow
def test_dask_cluster_gives_exactly_the_local_result():
    distributed = pytest.importorskip("distributed")
    local = simulate_population(REGIMEN, 1200, seed=5, chunk_size=1200, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = simulate_population(REGIMEN, 1200, seed=5, chunk_size=256, client=client)
    assert _equal(local, remote)
