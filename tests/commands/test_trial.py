"""``ldncare trial``: design with a separate key, dispensing list, and analysis only with the key."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.response import write_diary
from ldncare.core.response.simulate import simulate_trial_diary
from ldncare.core.response.trial import load_key

runner = CliRunner()
DESIGN = ["trial", "design", "--pairs", "3", "--period-weeks", "4", "--start-date", "2027-01-04", "--seed", "21"]


def test_end_to_end_design_log_and_analyse(tmp_path):
    key_path = tmp_path / "key.json"
    result = runner.invoke(app, [*DESIGN, "--json", "--key-out", str(key_path)])
    assert result.exit_code == 0, result.output
    design = json.loads(result.stdout)
    assert [p["label"] for p in design["periods"]] == [f"period {i}, bottle {b}" for i, b in zip(range(1, 7), "ABCDEF", strict=True)]
    assert design["periods"][0]["start_date"] == "2027-01-04"
    assert design["key_file"] == str(key_path)
    assert "\"ldn\"" not in result.stdout
    assert "\"placebo\"" not in result.stdout

    key = load_key(key_path)  # the pharmacist's file holds the allocation
    diary_path = write_diary(simulate_trial_diary(key.design, key, effect_points=-3.0, seed=9), tmp_path / "trial.csv")
    result = runner.invoke(app, ["trial", "analyze", str(diary_path), "--key", str(key_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == "ldn_better"
    assert report["p_ldn_beats_placebo_by_mcid"] > 0.5
    assert {p["arm"] for p in report["periods"]} == {"ldn", "placebo"}
    assert report["paired_t"]["n_pairs"] == 3
    assert "LDN" in report["summary"]

    human = runner.invoke(app, ["trial", "analyze", str(diary_path), "--key", str(key_path)])
    assert human.exit_code == 0
    assert "paired t-test over 3 pairs" in human.stdout


def test_analysis_needs_the_key(tmp_path):
    key_path = tmp_path / "key.json"
    runner.invoke(app, [*DESIGN, "--key-out", str(key_path)])
    key = load_key(key_path)
    diary_path = write_diary(simulate_trial_diary(key.design, key, seed=1), tmp_path / "trial.csv")
    result = runner.invoke(app, ["trial", "analyze", str(diary_path)])
    assert result.exit_code == 2
    assert "--key" in result.output
    result = runner.invoke(app, ["trial", "analyze", str(diary_path), "--key", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_design_human_output_and_dispensing(tmp_path):
    key_path = tmp_path / "key.json"
    result = runner.invoke(app, [*DESIGN, "--key-out", str(key_path)])
    assert result.exit_code == 0
    assert "period 1, bottle A" in result.stdout
    assert "pharmacist, not the patient" in " ".join(result.stdout.split())
    listing = runner.invoke(app, ["trial", "dispensing", "--key", str(key_path), "--json"])
    items = json.loads(listing.stdout)
    assert sorted("naltrexone" in i["contents"] for i in items) == [False] * 3 + [True] * 3
    assert runner.invoke(app, [*DESIGN, "--key-out", str(key_path)]).exit_code == 2  # never overwritten


def test_design_without_key_out_warns(tmp_path):
    result = runner.invoke(app, DESIGN)
    assert result.exit_code == 0
    assert "No key file written" in result.stdout


def test_bad_design_input_exits_2():
    assert runner.invoke(app, ["trial", "design", "--start-date", "2027-02-30", "--seed", "1"]).exit_code == 2
    result = runner.invoke(app, ["trial", "design", "--pairs", "1", "--start-date", "2027-01-04", "--seed", "1"])
    assert result.exit_code == 2
    assert "pairs 1 is not allowed" in result.stderr


def test_malformed_trial_diary_exits_2(tmp_path):
    key_path = tmp_path / "key.json"
    runner.invoke(app, [*DESIGN, "--key-out", str(key_path)])
    bad = tmp_path / "bad.csv"
    bad.write_text(f"date,phase,pain\n{dt.date(2027, 1, 4)},\"period 1, bottle A\",12\n")
    result = runner.invoke(app, ["trial", "analyze", str(bad), "--key", str(key_path)])
    assert result.exit_code == 2
    assert "line 2, column 3 (pain): score 12 is out of range" in result.stderr
