"""bench/response.py runs in --quick mode, so the benchmark cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "response.py"


@pytest.mark.slow
def test_quick_benchmark_runs_and_reports_figures(capsys):
    spec = importlib.util.spec_from_file_location("bench_response", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--quick", "--workers", "1", "--diaries", "40"])
    out = capsys.readouterr().out
    assert "3-year diary" in out
    assert "ratio" in out
    assert figures["batch_n"] == 40
    assert figures["three_year_ms"] > 0
    # the exact fast estimator and the SARIMAX baseline agree on the effect of one diary
    diary = module.one_year_diary(3)
    from ldncare.core.response import analyze_response

    assert analyze_response(diary, "pain").effect == pytest.approx(module.sarimax_effect(diary), abs=0.02)
