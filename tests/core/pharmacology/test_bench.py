"""The benchmark script keeps running (quick mode), prints every ratio, and its engine agrees with solve_ivp."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "pharmacology.py"


@pytest.mark.slow
def test_bench_quick_runs_and_prints_ratios():
    proc = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-3].startswith("ratio_vs_fairest_per_core: ")
    assert float(lines[-3].split(": ")[1]) > 0
    assert "numba-dopri5" in proc.stdout
    assert "exact-pk+rk4" in proc.stdout
    assert "diffrax" in proc.stdout  # a figure, or the note that it is not installed
    assert lines[-2].startswith("ratio_vs_scipy: ")
    assert lines[-1].startswith("ratio_vs_roadrunner: ")
    assert float(lines[-2].split(": ")[1]) > 1.0
    assert "OK" in proc.stdout
