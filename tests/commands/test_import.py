"""``ldncare import apple-health`` and ``wearable-csv``: a large export in bounded memory, idempotent."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()
RECORD = ('<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
          'creationDate="{d} 10:00:00 +0000" startDate="{d} 09:{m:02d}:00 +0000" endDate="{d} 09:{m:02d}:30 +0000" '
          'value="{v}"/>\n')


def _big_export(path, mb: int) -> int:
    """An export of about ``mb`` MB of step records (one record a minute-slot, days from 2024)."""
    import datetime as dt

    written, days = 0, 0
    with path.open("w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en">\n')
        day = dt.date(2024, 1, 1)
        while written < mb * 1024 * 1024:
            block = "".join(RECORD.format(d=day.isoformat(), m=m, v=10 + m) for m in range(60)) * 30
            f.write(block)
            written += len(block)
            day += dt.timedelta(days=1)
            days += 1
        f.write("</HealthData>\n")
    return days


@pytest.mark.slow
def test_a_large_export_imports_in_bounded_memory_and_twice_changes_nothing(tmp_path):
    export = tmp_path / "export.xml"
    days = _big_export(export, 60)
    out = tmp_path / "diary.csv"
    command = [sys.executable, "-m", "ldncare.cli", "import", "apple-health", str(export), "--diary-out", str(out),
               "--time-zone", "UTC", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["days_with_factors"] == days
    first = out.read_text()
    # once more, adding to the diary it wrote: nothing changes
    again = subprocess.run([*command[:-1], "--diary", str(out), "--json"], capture_output=True, text=True, timeout=900,
                           check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    assert out.read_text() == first
    # bounded memory: the import's peak resident size stays far below the file's size
    # (the growth of the peak over what the loaded program already holds: the imports are not the file)
    probe = subprocess.run([sys.executable, "-c", (
        "import resource; from ldncare.core.response.wearables import read_apple_health; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        f"read_apple_health({str(export)!r}, time_zone='UTC'); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)")], capture_output=True, text=True,
        timeout=900, check=False)
    assert probe.returncode == 0, probe.stderr[-2000:]
    growth_mb = int(probe.stdout.strip()) / 1024
    assert growth_mb < 50, f"peak grew by {growth_mb:.0f} MB reading a {export.stat().st_size / 2**20:.0f} MB file"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_wearable_csv_into_a_diary_and_errors_exit_2(tmp_path):
    source = tmp_path / "fitbit.csv"
    source.write_text("date,metric,value\n2026-02-01,steps,8412\n")
    diary = tmp_path / "d.csv"
    diary.write_text("date,pain\n2026-02-01,4\n")
    result = runner.invoke(app, ["import", "wearable-csv", str(source), "--diary", str(diary), "--diary-out", str(diary)])
    assert result.exit_code == 0, result.output
    assert "factor:steps" in diary.read_text().splitlines()[0]
    source.write_text("date,metric,value\n2026-02-01,mood,3\n")
    bad = runner.invoke(app, ["import", "wearable-csv", str(source), "--diary-out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2
    assert "unknown metric" in bad.output
    assert not (tmp_path / "x.csv").exists()


def test_bad_zone_or_missing_file_exit_2(tmp_path):
    assert runner.invoke(app, ["import", "apple-health", str(tmp_path / "none.xml"), "--diary-out", "x.csv",
                               "--time-zone", "UTC"]).exit_code == 2
    (tmp_path / "e.xml").write_text("<HealthData/>")
    bad = runner.invoke(app, ["import", "apple-health", str(tmp_path / "e.xml"), "--diary-out", str(tmp_path / "x.csv"),
                              "--time-zone", "Mars/Base"])
    assert bad.exit_code == 2
    assert "not a time zone" in bad.output
