"""The WSGI entry point loads every view up front and freezes the loaded program for the garbage collector."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import gc, json, time
import ldncare.web.wsgi
from django.urls import get_resolver
started = time.perf_counter()
gc.collect()
print(json.dumps({"frozen": gc.get_freeze_count(), "views_loaded": bool(get_resolver().url_patterns),
                  "full_collect_ms": (time.perf_counter() - started) * 1000}))
"""


@pytest.mark.slow
def test_loaded_app_is_frozen_so_a_full_collection_stays_short(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite3'}", "LDNCARE_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["views_loaded"]
    assert probe["frozen"] > 100_000  # the loaded program (hundreds of thousands of objects), out of the collector's walks
    assert probe["full_collect_ms"] < 100  # unfrozen: ~500 ms on the 2-core development machine
