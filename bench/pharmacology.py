"""Benchmark: the pharmacology engine vs solve_ivp and libRoadRunner on the same model.

Full model (PK + μ occupancy + rebound hypothesis), 15-minute output grid, nightly 4.5 mg
at 22:00, scenario ``fast`` (the binding ODE: the most work). In the same run:

1. the fast engine on a population (time series computed on the grid, daily summaries kept);
2. the same model for a sample of subjects with ``scipy.integrate.solve_ivp`` (DOP853,
   rtol 1e-8, restarted at every dose), checking agreement (max relative difference ≤ 1e-6,
   relative to each series' peak);
3. the same sample with libRoadRunner from the SBML export (CVODE, rtol 1e-8; model
   compiled once, parameters set per subject; compile time reported separately);
4. a population of 100 000 subjects × 28 days (daily summaries, percentiles) with its wall
   time and the peak resident memory of the process.

Prints per-subject-day throughput for each and ends with ``ratio_vs_scipy: X`` and
``ratio_vs_roadrunner: Y``. ``--quick`` runs small sizes (used by a test).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np

from ldncare.core.pharmacology.engine import simulate_subjects
from ldncare.core.pharmacology.population import simulate_population
from ldncare.core.pharmacology.reference import simulate_reference
from ldncare.core.pharmacology.regimen import daily_at
from ldncare.core.pharmacology.sbml import export_sbml
from ldncare.core.pharmacology.subjects import sample_subjects

SERIES = ("ntx_ng_per_ml", "nal6b_ng_per_ml", "mor_occupancy", "receptor_pool", "rebound_index")
RR_COLUMNS = {"ntx_ng_per_ml": "C", "nal6b_ng_per_ml": "Cm", "mor_occupancy": "occ", "receptor_pool": "pool",
              "rebound_index": "rebound"}


def _max_rel_diff(ours: np.ndarray, theirs: np.ndarray) -> float:
    return float(np.abs(ours - theirs).max() / np.abs(theirs).max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--scenario", default="fast", choices=("fast", "compromise", "slow"))
    args = parser.parse_args(argv)
    days = 7 if args.quick else 28
    n_pop = 1024 if args.quick else 16384
    n_sample = 2 if args.quick else 8
    n_big = 4096 if args.quick else 100_000
    scenario = args.scenario
    regimen = daily_at(4.5, "22:00", days=days)
    print(f"model: PK + MOR occupancy ({scenario}) + rebound hypothesis; 15-min grid; 4.5 mg at 22:00 x {days} days")
    print(f"cpus: {os.cpu_count()}; numpy {np.__version__}")

    # 1. fast engine, population, every grid point computed
    pop = sample_subjects(n_pop, seed=1)
    t0 = time.perf_counter()
    simulate_population(regimen, n_pop, seed=1, scenario=scenario, chunk_size=8192, workers=2)
    engine_s = time.perf_counter() - t0
    engine_rate = n_pop * days / engine_s
    print(f"engine:      {n_pop:>7} subjects in {engine_s:7.2f} s -> {engine_rate:12,.0f} subject-days/s "
          "(2 threads)")

    # 2. solve_ivp on a sample; agreement
    sample = pop.take(slice(0, n_sample))
    ours = simulate_subjects(regimen, sample, scenario)
    t0 = time.perf_counter()
    refs = [simulate_reference(regimen, sample, scenario, index=i, rtol=1e-8) for i in range(n_sample)]
    scipy_s = time.perf_counter() - t0
    scipy_rate = n_sample * days / scipy_s
    worst = max(_max_rel_diff(ours.series[name][i], refs[i][name]) for i in range(n_sample) for name in SERIES)
    print(f"solve_ivp:   {n_sample:>7} subjects in {scipy_s:7.2f} s -> {scipy_rate:12,.0f} subject-days/s")
    print(f"max relative difference engine vs solve_ivp: {worst:.2e} (limit 1e-6) "
          f"{'OK' if worst <= 1e-6 else 'EXCEEDED'}")

    # 3. libRoadRunner from the SBML export
    import roadrunner

    t0 = time.perf_counter()
    rr = roadrunner.RoadRunner(export_sbml(regimen, sample, scenario, index=0))
    compile_s = time.perf_counter() - t0
    rr.integrator.relative_tolerance = 1e-8
    rr.integrator.absolute_tolerance = 1e-12
    rr_worst = 0.0
    t0 = time.perf_counter()
    for i in range(n_sample):
        rr.resetAll()
        for pid, field in (("ka", "ka_per_h"), ("CL", "cl_l_per_h"), ("V", "v_l"), ("CLm", "clm_l_per_h"),
                           ("Vm", "vm_l")):
            rr[pid] = float(getattr(sample, field)[i])
        res = rr.simulate(ours.t_h[0], ours.t_h[-1], len(ours.t_h), ["time", *RR_COLUMNS.values()])
        rr_worst = max(rr_worst, *(_max_rel_diff(ours.series[name][i], res[col]) for name, col in RR_COLUMNS.items()))
    rr_s = time.perf_counter() - t0
    rr_rate = n_sample * days / rr_s
    print(f"roadrunner:  {n_sample:>7} subjects in {rr_s:7.2f} s -> {rr_rate:12,.0f} subject-days/s "
          f"(+ {compile_s:.2f} s to compile once); max relative difference {rr_worst:.2e}")

    # 4. big population, daily summaries, wall time and peak memory
    t0 = time.perf_counter()
    big = simulate_population(regimen, n_big, seed=2, scenario=scenario, chunk_size=8192, workers=2)
    big_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    p50 = big.percentiles["mor_occupancy_peak"][1, -1]
    print(f"population:  {n_big:>7} subjects x {days} days (daily summaries, {big.method} percentiles) in "
          f"{big_s:.2f} s -> {n_big * days / big_s:,.0f} subject-days/s; peak RSS {peak_mb:,.0f} MB; "
          f"median last-day peak occupancy {p50:.3f}")

    ratio_scipy = engine_rate / scipy_rate
    ratio_rr = engine_rate / rr_rate
    print(f"ratio_vs_scipy: {ratio_scipy:.1f}")
    print(f"ratio_vs_roadrunner: {ratio_rr:.1f}")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
