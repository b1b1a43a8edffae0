"""bench/reminders.py runs (its --quick mode), so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "reminders.py"


@pytest.mark.slow
def test_the_reminders_bench_runs_and_claims_every_due_reminder():
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--json"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["reminders_claimed"] == 1000
    assert result["baseline_reminders"] == 200
    assert result["tasks_enqueued"] >= 24  # at least one per zone
    assert result["ratio_vs_baseline"] > 0
