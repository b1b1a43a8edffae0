"""Benchmark of the diary response analysis (ldncare.core.response).

Two goals from issue 6, each measured against a straightforward baseline in the same run:

1. one 3-year diary analysed in under 200 ms (the full report: response, side effects,
   adherence, dose steps, dosing time) — baseline: the same AR(1) regression fitted with
   statsmodels SARIMAX (Kalman filter, NaN for missing days), the obvious implementation;
2. 10 000 one-year diaries in under 2 minutes on 2 cores — ldncare's exact fast AR(1)
   estimator in a process pool, against a per-diary loop of the SARIMAX baseline (timed on
   a sample of diaries and extrapolated, since running it 10 000 times would take long).

Ratios are CPU time on one core (``time.process_time``; BLAS/OpenMP limited to one thread
before NumPy is imported), with SARIMAX given ``concentrate_scale=True`` (the scale
concentrated out of the likelihood: one parameter fewer to optimise, the fairest setting);
the load average is printed beside each figure.

Usage: ``.venv/bin/python bench/response.py [--quick] [--workers 2] [--diaries 10000]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

from ldncare.core.response import analyze_response, assign_phases, simulate_diary  # noqa: E402
from ldncare.core.response.report import build_response_report  # noqa: E402

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
        fit = SARIMAX(y, exog=np.column_stack([np.ones(n), maint]), order=(1, 0, 0), trend="n",
                      concentrate_scale=True).fit(disp=False)
    return float(fit.params[1])


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _cpu_times(fn, repeats: int) -> list[float]:
    """CPU seconds (one thread) of each of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return times


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
          f"statsmodels SARIMAX fit alone {base_3y * 1000:.1f} ms; wall-clock ratio {base_3y / ours_3y:.1f}x")
    ours_cpu = _cpu_times(lambda: build_response_report(diary), repeats)
    base_cpu = _cpu_times(lambda: sarimax_effect(diary), 3)
    cpu_ratios = sorted(b / statistics.median(ours_cpu) for b in base_cpu)
    print(f"3-year diary, CPU time on one core: full report median {statistics.median(ours_cpu) * 1000:.1f} ms; "
          f"SARIMAX (concentrate_scale=True) fit alone min/median/max {min(base_cpu) * 1000:.1f}/"
          f"{statistics.median(base_cpu) * 1000:.1f}/{max(base_cpu) * 1000:.1f} ms; CPU-time ratio min/median/max "
          f"{cpu_ratios[0]:.1f}/{cpu_ratios[1]:.1f}/{cpu_ratios[-1]:.1f}x; {_load()}")

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
    base_cpu_diary, ours_cpu_diary = [], []
    for seed in range(baseline_sample):
        d = one_year_diary(seed)
        base_cpu_diary += _cpu_times(lambda d=d: sarimax_effect(d), 1)
        ours_cpu_diary += _cpu_times(lambda d=d: analyze_response(d, "pain"), 1)
    cpu_ratio = sum(base_cpu_diary) / sum(ours_cpu_diary)
    base_total = per_diary_base * n_diaries
    print(f"{done} one-year diaries on {args.workers} workers: {wall:.1f} s wall including simulation "
          f"({analysis_cpu / done * 1000:.2f} ms analysis per diary; goal for 10 000: < {GOAL_BATCH_S:.0f} s, "
          f"projected {wall / done * 10_000:.0f} s); likely responders {responders}/{done}")
    print(f"straightforward per-diary SARIMAX loop (1 core, simulation included): {per_diary_base * 1000:.0f} ms per "
          f"diary, {base_total:.0f} s projected for {n_diaries} (timed on {baseline_sample}); "
          f"ratio {base_total / wall:.1f}x (wall clock, {args.workers} workers vs 1 core)")
    print(f"one-year diary analysis, CPU time on one core ({baseline_sample} diaries, simulation excluded): "
          f"ldncare {sum(ours_cpu_diary) / baseline_sample * 1000:.2f} ms, SARIMAX (concentrate_scale=True) "
          f"{sum(base_cpu_diary) / baseline_sample * 1000:.1f} ms per diary; CPU-time ratio {cpu_ratio:.1f}x; "
          f"{_load()}")
    return {"cpu_ratio_3y_median": cpu_ratios[1], "cpu_ratio_batch": cpu_ratio,
            "three_year_ms": ours_3y * 1000, "three_year_baseline_ms": base_3y * 1000, "batch_wall_s": wall,
            "batch_n": done, "baseline_projected_s": base_total, "ratio_batch": base_total / wall}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
