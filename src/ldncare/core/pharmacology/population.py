"""Population runs: chunked, seedable, bounded in memory, local threads or a Dask cluster.

Subjects are simulated in chunks; each chunk draws its subjects from fixed seed blocks
(:func:`~ldncare.core.pharmacology.subjects.sample_subjects`), so a subject's values do not
depend on the chunk size or on where the chunk runs. Per-day summaries are reduced to the
5th/50th/95th percentiles: exactly (``numpy.percentile``) up to :data:`EXACT_LIMIT`
subjects, above that from fixed-bin histograms merged across chunks (memory independent of
the population size; resolution 0.7 % for concentrations, 1e-4 for occupancy, one grid step
for times). Integer histogram merges and ordered concatenation make the result identical
whichever way the chunks are computed.

>>> from ldncare.core.pharmacology.regimen import daily_at
>>> pop = simulate_population(daily_at(4.5, "22:00", days=2), 50, seed=7, chunk_size=20)
>>> pop.percentiles["ntx_cmax_ng_per_ml"].shape, pop.method
((3, 2), 'exact')
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ldncare.core.pharmacology.engine import DAILY_METRICS, simulate_subjects
from ldncare.core.pharmacology.fused import histogram_counts
from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters
from ldncare.core.pharmacology.regimen import Regimen
from ldncare.core.pharmacology.subjects import sample_subjects

__all__ = ["EXACT_LIMIT", "MAX_POPULATION", "PERCENTILES", "PopulationSummary", "simulate_chunk",
           "simulate_population"]

PERCENTILES = (5.0, 50.0, 95.0)
EXACT_LIMIT = 200_000
MAX_POPULATION = 10_000_000


def _edges(metric: str, dt_h: float) -> np.ndarray:
    if metric in ("ntx_tmax_h", "mor_hours_ge_50pct", "mor_hours_ge_90pct"):
        return np.arange(-0.5, 24.0 / dt_h + 1.5) * dt_h
    if metric.startswith("mor_occupancy"):
        return np.linspace(-1e-9, 1.0 + 1e-9, 10_001)
    if metric == "rebound_index":
        return np.linspace(-1.0, 4.0, 10_001)
    return np.logspace(-8.0, 6.0, 4_001)


@dataclass(frozen=True)
class PopulationSummary:
    """Percentiles (rows p5, p50, p95; one column per day) of every daily metric."""

    n: int
    seed: int
    scenario: str
    days: int
    percentiles: dict[str, np.ndarray]
    method: str

    def daily_rows(self) -> list[dict[str, Any]]:
        """The contract shape: per day, each metric as ``{"p5", "p50", "p95"}``."""
        rows = []
        for day in range(self.days):
            row: dict[str, Any] = {"day": day + 1}
            for metric in DAILY_METRICS:
                p5, p50, p95 = (float(v) for v in self.percentiles[metric][:, day])
                row[metric] = {"p5": p5, "p50": p50, "p95": p95}
            rows.append(row)
        return rows


def simulate_chunk(regimen: Regimen, start: int, n: int, seed: int, scenario: str, weight_kg: float,
                   hepatic: str, dt_h: float, histogram: bool,
                   params: ModelParameters | None = None, engine: str = "numba") -> dict[str, np.ndarray]:
    """Simulate subjects ``start .. start+n-1``: per-day summaries, or their histograms.

    ``engine``: ``"numba"`` (the fused compiled kernel, GIL-free; histograms compiled too) or
    ``"numpy"`` (the reference implementation).
    """
    subjects = sample_subjects(n, seed=seed, start=start, weight_kg=weight_kg, hepatic=hepatic, params=params)
    out = simulate_subjects(regimen, subjects, scenario, params=params, dt_h=dt_h, keep_series=False,
                            all_receptors=False, engine=engine)
    if not histogram:
        return out.daily
    counts = {}
    for metric, values in out.daily.items():
        edges = _edges(metric, dt_h)
        if engine == "numba":
            counts[metric] = histogram_counts(values, edges)
            continue
        clipped = np.clip(values, edges[0], edges[-1])
        counts[metric] = np.stack([np.histogram(clipped[:, d], bins=edges)[0] for d in range(values.shape[1])])
    return counts


def _percentiles_from_counts(counts: np.ndarray, edges: np.ndarray, n: int) -> np.ndarray:
    result = np.empty((len(PERCENTILES), counts.shape[0]))
    centres = 0.5 * (edges[1:] + edges[:-1])
    if edges[1] / edges[0] > 1 and edges[0] > 0 and np.allclose(np.diff(np.log(edges)), np.log(edges[1] / edges[0])):
        centres = np.sqrt(edges[1:] * edges[:-1])
    cum = np.cumsum(counts, axis=1)
    for i, q in enumerate(PERCENTILES):
        rank = q / 100.0 * (n - 1) + 1  # 1-based rank of the order statistic (nearest-rank)
        idx = (cum >= np.ceil(rank)).argmax(axis=1)
        result[i] = centres[idx]
    return result


def simulate_population(regimen: Regimen, n: int, *, seed: int, scenario: str = "fast", weight_kg: float = 70.0,
                        hepatic: str = "none", dt_h: float = 0.25, chunk_size: int = 8192, client: Any = None,
                        workers: int = 2, progress: Callable[[int], None] | None = None,
                        params: ModelParameters | None = None, engine: str = "numba") -> PopulationSummary:
    """Simulate ``n`` subjects and return per-day percentiles.

    ``client``: a ``dask.distributed.Client`` (chunks are mapped to the cluster); otherwise
    chunks run on ``workers`` local threads (the numba kernel runs without the GIL, so two
    threads use both cores; NumPy releases the GIL in its kernels).
    ``engine``: ``"numba"`` (fused compiled kernel, the default) or ``"numpy"`` (reference).
    ``progress`` is called with the number of subjects finished so far.
    """
    if not (1 <= n <= MAX_POPULATION):
        raise ValueError(f"population {n} out of range; allowed: 1 to {MAX_POPULATION:,}")
    p = params or model_parameters()
    histogram = n > EXACT_LIMIT
    starts = list(range(0, n, chunk_size))
    sizes = [min(chunk_size, n - s) for s in starts]
    if engine not in ("numba", "numpy"):
        raise ValueError(f"unknown engine {engine!r}; allowed: numba, numpy")
    args = (seed, scenario, weight_kg, hepatic, dt_h, histogram, p, engine)
    done = 0
    # histograms are summed as chunks arrive (integer sums: the same whatever the order), so
    # memory does not grow with the number of chunks; exact mode keeps the chunks in order
    totals: dict[str, np.ndarray] = {}
    results: list[Any] = [None] * len(starts)

    def collect(i: int, result: dict[str, np.ndarray]) -> None:
        nonlocal done
        if histogram:
            for metric, counts in result.items():
                if metric in totals:
                    totals[metric] += counts
                else:
                    totals[metric] = counts.astype(np.int64, copy=True)
        else:
            results[i] = result
        done += sizes[i]
        if progress:
            progress(done)

    if client is not None:
        from dask.distributed import as_completed

        futures = client.map(simulate_chunk, [regimen] * len(starts), starts, sizes,
                             *([a] * len(starts) for a in args), pure=False)
        order = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            collect(order[future.key], future.result())
            future.release()
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending = [pool.submit(simulate_chunk, regimen, s, k, *args) for s, k in zip(starts, sizes, strict=True)]
            for i in range(len(pending)):
                collect(i, pending[i].result())
                pending[i] = None  # drop the chunk's result once merged

    percentiles = {}
    for metric in DAILY_METRICS:
        if histogram:
            percentiles[metric] = _percentiles_from_counts(totals[metric], _edges(metric, dt_h), n)
        else:
            values = np.concatenate([r[metric] for r in results], axis=0)
            percentiles[metric] = np.percentile(values, PERCENTILES, axis=0)
    return PopulationSummary(n=n, seed=seed, scenario=scenario, days=regimen.days, percentiles=percentiles,
                             method="histogram" if histogram else "exact")
