"""``ldncare plan``: the JSON contract, the iCalendar file and exit code 2 for bad input."""

from __future__ import annotations

import json

import icalendar
import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


def run_json(*args):
    result = runner.invoke(app, ["plan", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_contract():
    payload = run_json("--protocol", "article", "--start-date", "2026-12-01")
    assert payload["protocol"] == "article"
    assert payload["sources"]
    assert all(s["url"] for s in payload["sources"])
    step = payload["steps"][0]
    assert set(step) >= {"start_date", "end_date", "dose_mg", "time", "volume_ml", "device"}
    assert step == {**step, "start_date": "2026-12-01", "end_date": "2026-12-14", "dose_mg": 1.5,
                    "time": "22:00", "volume_ml": 1.5, "device": "syringe-3ml"}
    assert [s["dose_mg"] for s in payload["steps"]] == [1.5, 3, 4.5]
    assert payload["morning_option"]["evidence_level"].startswith("low")


def test_pediatric_custom_time_and_concentration():
    payload = run_json("--protocol", "pediatric", "--weight-kg", "18", "--start-date", "2026-12-01",
                       "--concentration-mg-per-ml", "1", "--time", "20:00")
    assert [(s["dose_mg"], s["volume_ml"], s["time"]) for s in payload["steps"]] == [(1.8, 1.8, "20:00")]
    assert payload["weight_kg"] == 18


def test_custom_protocol_reports_unmeasurable_steps():
    payload = run_json("--protocol", "custom", "--start-mg", "0.25", "--step-mg", "0.25", "--interval-days", "7",
                       "--target-mg", "1.5", "--start-date", "2026-12-01")
    assert payload["unmeasurable_steps"] == [4]
    assert payload["steps"][4]["device"] is None


def test_ics_file_is_written_and_parses(tmp_path):
    path = tmp_path / "plan.ics"
    result = runner.invoke(app, ["plan", "--protocol", "trust", "--start-date", "2026-12-01", "--ics", str(path)])
    assert result.exit_code == 0, result.output
    events = list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    assert len(events) == 5


def test_human_output_has_the_table_and_disclaimer():
    result = runner.invoke(app, ["plan", "--protocol", "gentle", "--start-date", "2026-12-01"])
    assert result.exit_code == 0
    assert "0.5 mg" in result.output
    assert "Not medical advice" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--protocol", "fast"], "allowed: article, trust, gentle, pediatric, custom"),
        (["--protocol", "pediatric"], "needs the weight"),
        (["--protocol", "article", "--start-date", "2026-02-30"], "not a date"),
        (["--protocol", "article", "--target-mg", "-4.5"], "out of range"),
        (["--protocol", "article", "--target-mg", "6"], "above the maximum"),
        (["--protocol", "article", "--target-mg", "4.5", "--max-mg", "3"], "above the maximum 3 mg"),
        (["--protocol", "article", "--max-mg", "500"], "at most 10 mg"),
        (["--protocol", "custom", "--start-mg", "1"], "needs"),
        (["--protocol", "article", "--time", "9pm"], "HH:MM"),
        (["--protocol", "article", "--start-date", "9999-12-01"], "calendar"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_reported_events_replan_and_explain():
    payload = run_json("--protocol", "trust", "--start-date", "2026-12-01", "--event", "2026-12-10:sleeplessness:moderate")
    assert [c["kind"] for c in payload["changes"]] == ["hold", "morning"]
    assert payload["timing"] == "morning"
    assert payload["steps"][-1]["time"] == "08:00"
    assert payload["devices_needed"] == ["syringe-1ml", "syringe-3ml", "syringe-5ml"]


@pytest.mark.parametrize(
    ("event", "message"),
    [("2026-12-10:insomnia", "DATE:SIDE_EFFECT:SEVERITY"), ("2026-12-10:teleport:mild", "unknown side effect"),
     ("2026-12-10:insomnia:awful", "mild, moderate, severe"), ("2026-12-32:insomnia:mild", "not a date")],
)
def test_bad_events_exit_2(event, message):
    result = runner.invoke(app, ["plan", "--protocol", "trust", "--event", event])
    assert result.exit_code == 2
    assert message in result.stderr
