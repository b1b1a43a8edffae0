"""Benchmark of the diary response analysis (ldncare.core.response).

Two goals from issue 6, each measured against a straightforward baseline in the same run:

1. one 3-year diary analysed in under 200 ms (the full report: response, side effects,
   adherence, dose steps, dosing time) — baseline: the same AR(1) regression fitted with
   statsmodels SARIMAX (Kalman filter, NaN for missing days), the obvious implementation;
2. 10 000 one-year diaries in under 2 minutes on 2 cores — ldncare's exact fast AR(1)
   estimator in a process pool, against a per-diary loop of the SARIMAX baseline (timed on
   a sample of diaries and extrapolated, since running it 10 000 times would take long).

Usage: ``.venv/bin/python bench/response.py [--quick] [--workers 2] [--diaries 10000]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ldncare.core.response import analyze_response, assign_phases, simulate_diary
from ldncare.core.response.report import build_response_report

GOAL_3Y_S = 0.200
GOAL_BATCH_S = 120.0


def three_year_diary():
    return simulate_diary(effect_points=-2.0, seed=1, baseline_days=28, maintenance_days=3 * 365 - 28 - 14,
                          persistent_side_effect="headache")


def one_year_diary(seed: int):
    return simulate_diary(effect_points=-1.5 if seed % 2 else 0.0, seed=seed, baseline_days=28,
                          maintenance_days=365 - 28 - 14, side_effects=False)


def sarimax_effect(diary, outcome: str = "pain", lag_days: int = 14) -> float:
    """The straightforward baseline: SARIMAX on a daily index with NaN for excluded days."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    phases = assign_phases(diary.days)
    start = next(d.date for d, p in zip(diary.days, phases, strict=True) if p == "maintenance")
    n = (diary.last_date - diary.first_date).days + 1
    y = np.full(n, np.nan)
    maint = np.zeros(n)
    for d, p in zip(diary.days, phases, strict=True):
        i = (d.date - diary.first_date).days
        maint[i] = 1.0 if p == "maintenance" else 0.0
        if p == "baseline" or (p == "maintenance" and (d.date - start).days >= lag_days):
            y[i] = d.scores.get(outcome, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(y, exog=np.column_stack([np.ones(n), maint]), order=(1, 0, 0), trend="n").fit(disp=False)
    return float(fit.params[1])


def _timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _analyse_chunk(seeds: list[int]) -> tuple[int, float, int]:
    analysis_s, responders = 0.0, 0
    for seed in seeds:
        diary = one_year_diary(seed)
        t0 = time.perf_counter()
        result = analyze_response(diary, "pain")
        analysis_s += time.perf_counter() - t0
        responders += result.status == "likely_responder"
    return len(seeds), analysis_s, responders


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (used by the test suite)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--diaries", type=int, default=None)
    args = parser.parse_args(argv)
    n_diaries = args.diaries or (200 if args.quick else 10_000)
    repeats = 3 if args.quick else 15
    baseline_sample = 4 if args.quick else 40

    diary = three_year_diary()
    build_response_report(diary)  # warm caches (knowledge data)
    ours_3y = _timed(lambda: build_response_report(diary), repeats)
    base_3y = _timed(lambda: sarimax_effect(diary), max(2, repeats // 5))
    print(f"3-year diary ({len(diary.days)} check-ins): full report {ours_3y * 1000:.1f} ms "
          f"(goal < {GOAL_3Y_S * 1000:.0f} ms: {'met' if ours_3y < GOAL_3Y_S else 'NOT met'}); "
          f"statsmodels SARIMAX fit alone {base_3y * 1000:.1f} ms; ratio {base_3y / ours_3y:.1f}x")

    seeds = list(range(n_diaries))
    chunks = [seeds[i::args.workers * 8] for i in range(args.workers * 8)]
    t0 = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(_analyse_chunk, chunks))
    else:
        results = [_analyse_chunk(chunk) for chunk in chunks]
    wall = time.perf_counter() - t0
    done = sum(r[0] for r in results)
    analysis_cpu = sum(r[1] for r in results)
    responders = sum(r[2] for r in results)

    t0 = time.perf_counter()
    for seed in range(baseline_sample):
        sarimax_effect(one_year_diary(seed))
    per_diary_base = (time.perf_counter() - t0) / baseline_sample
    base_total = per_diary_base * n_diaries
    print(f"{done} one-year diaries on {args.workers} workers: {wall:.1f} s wall including simulation "
          f"({analysis_cpu / done * 1000:.2f} ms analysis per diary; goal for 10 000: < {GOAL_BATCH_S:.0f} s, "
          f"projected {wall / done * 10_000:.0f} s); likely responders {responders}/{done}")
    print(f"straightforward per-diary SARIMAX loop (1 core, simulation included): {per_diary_base * 1000:.0f} ms per "
          f"diary, {base_total:.0f} s projected for {n_diaries} (timed on {baseline_sample}); "
          f"ratio {base_total / wall:.1f}x")
    return {"three_year_ms": ours_3y * 1000, "three_year_baseline_ms": base_3y * 1000, "batch_wall_s": wall,
            "batch_n": done, "baseline_projected_s": base_total, "ratio_batch": base_total / wall}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
