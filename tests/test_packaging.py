"""A built wheel carries the data the code reads: knowledge YAML, templates, static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")


@pytest.mark.slow
def test_wheel_contains_every_data_file(tmp_path):
    subprocess.run([str(UV), "build", "--wheel", "-q", "-o", str(tmp_path), str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("ldncare-*.whl")
    packaged = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "src/ldncare"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data_files = {name.removeprefix("src/") for name in tracked if not name.endswith(".py")}
    assert data_files, "no data files found"
    assert data_files - packaged == set()
