"""bench/load.py runs in --quick mode (SQLite, gunicorn, 2 s per scenario), so the load test cannot rot."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "load.py"


def _module():
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percentile_is_nearest_rank():
    percentile = _module().percentile
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0


@pytest.mark.slow
def test_quick_load_run_reports_every_figure_without_errors():
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--json"], capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    (results,) = json.loads(done.stdout)
    assert results["engine"] == "sqlite"
    assert results["server"] == "gunicorn 4 sync workers"  # several processes, as in production
    for name in ("floor", "floor_write", "write", "progress", "progress_1"):
        figures = results[name]
        assert figures["requests"] > 0
        assert figures["errors"] == 0, figures["statuses"]  # every write 201, every page 200
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert results["write_to_floor"] > 0
    assert results["write_to_floor_write"] > 0
    assert set(results["goals"]) == {"write_ratio_ge_0.5", "write_to_floor_write_ge_0.4", "progress_p99_lt_300ms",
                                     "zero_errors"}
    assert len(results["load_before"].split()) == len(results["load_after"].split()) == 3  # the machine's load
    assert results["goals"]["zero_errors"]
