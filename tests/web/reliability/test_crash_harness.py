"""bench/reliability.py runs in --quick mode (2 SIGKILLs during writes), so the harness cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ldncare.web.record.models import CheckIn

BENCH = Path(__file__).resolve().parents[3] / "bench" / "reliability.py"


def test_the_harness_reads_the_real_diary_table():
    source = BENCH.read_text()
    assert f'CHECKIN_TABLE = "{CheckIn._meta.db_table}"' in source


@pytest.mark.slow
def test_quick_crash_loop_loses_nothing_and_keeps_the_database_intact():
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--json"], capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["kills"] == 2
    assert figures["confirmed_writes"] > 0
    assert figures["lost"] == 0
    assert figures["duplicated_days"] == figures["duplicated_ids"] == 0
    assert figures["rows"] == figures["confirmed_writes"]  # in-flight writes retried: each stored once
    assert figures["integrity"] == "ok"
    assert figures["errors"] == 0
