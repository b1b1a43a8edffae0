"""``ldncare analyze``: the JSON contract, human output, plots and exit code 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.response import simulate_diary, write_diary

runner = CliRunner()


@pytest.fixture
def diary_csv(tmp_path):
    return write_diary(simulate_diary(effect_points=-3.0, seed=3, persistent_side_effect="headache"), tmp_path / "d.csv")


def test_json_contract(diary_csv):
    result = runner.invoke(app, ["analyze", str(diary_csv), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["outcome"] == "pain"
    assert report["status"] == "likely_responder"
    assert set(report["baseline"]) >= {"n_days", "mean"}
    assert set(report["maintenance"]) >= {"n_days", "mean"}
    assert report["effect"]["estimate"] < 0
    assert len(report["effect"]["ci95"]) == 2
    assert report["effect"]["method"]
    assert report["mcid"] == {"points": 2.0, "percent": 30.0, "source": report["mcid"]["source"], "basis": "literature"}
    assert 0.5 <= report["p_improvement_ge_mcid"] <= 1
    assert report["missing"] == []
    assert {"name", "first_day", "last_day", "days", "flag"} <= set(report["side_effects"][0])
    assert set(report["adherence"]) >= {"days_planned", "days_taken"}
    assert isinstance(report["percent_change"], float)


def test_options_outcome_and_lag(diary_csv):
    result = runner.invoke(app, ["analyze", str(diary_csv), "--outcome", "sleep_quality", "--lag-days", "28", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["outcome"] == "sleep_quality"
    assert report["maintenance"]["lag_days"] == 28
    assert report["mcid"]["basis"] == "assumption"


def test_human_output(diary_csv):
    result = runner.invoke(app, ["analyze", str(diary_csv)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "status likely_responder" in out
    assert "Pain improved by 3.0 points" in out
    assert "more than the smallest change that matters (MCID 2 points, from Farrar et al. 2001" in out
    assert "cannot tell LDN from placebo, natural course or regression to the mean" in out
    assert "it is about the change seen, not about how much of it LDN caused" in out
    assert "P(improvement ≥ MCID) =" not in out
    assert "open-label" in out
    assert "headache" in result.stdout


def test_json_headline_is_observational_with_mcid_and_source(diary_csv):
    report = json.loads(runner.invoke(app, ["analyze", str(diary_csv), "--json"]).stdout)
    assert report["headline"].startswith("Pain improved by 3.0 points")
    assert "MCID 2 points, from Farrar et al. 2001" in report["headline"]
    assert "cannot tell LDN from placebo" in report["headline"]
    assert "AR(1) regression" in report["probability_statement"]
    assert "observed" in report["probability_statement"]
    assert report["baseline_flare"]["detected"] is False


def test_insufficient_data_is_explained(tmp_path):
    path = write_diary(simulate_diary(seed=1, baseline_days=6, missing_fraction=0.0), tmp_path / "d.csv")
    result = runner.invoke(app, ["analyze", str(path), "--json"])
    report = json.loads(result.stdout)
    assert report["status"] == "insufficient_data"
    assert report["missing"][0] == "needs 14 baseline days with a pain score, has 6"


def test_plot_is_written(diary_csv, tmp_path):
    out = tmp_path / "plot.png"
    result = runner.invoke(app, ["analyze", str(diary_csv), "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000


@pytest.mark.parametrize(("row", "where"), [
    ("2026-13-01,,,,3", "line 3, column 1 (date)"),
    ("2026-01-02,,,,11", "line 3, column 5 (pain): score 11 is out of range"),
    ("2026-01-01,,,,3", "line 3, column 1 (date): duplicate date 2026-01-01"),
    ("2026-01-02,,,,3,,,,,hedache:mild", "line 3, column 10 (side_effects): unknown side effect 'hedache'"),
])
def test_malformed_csv_exits_2_naming_line_and_column(tmp_path, row, where):
    path = tmp_path / "bad.csv"
    path.write_text("date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,pgic,side_effects\n"
                    "2026-01-01,,,,3\n" + row + "\n")
    result = runner.invoke(app, ["analyze", str(path), "--json"])
    assert result.exit_code == 2
    assert where in result.stderr
    assert "nothing was analysed" in result.stderr
    assert result.stdout == ""


def test_other_bad_input_exits_2(diary_csv, tmp_path):
    assert runner.invoke(app, ["analyze", str(tmp_path / "none.csv")]).exit_code == 2
    result = runner.invoke(app, ["analyze", str(diary_csv), "--outcome", "knee"])
    assert result.exit_code == 2
    assert "it records: pain, fatigue, sleep_quality, mood" in result.stderr
    assert runner.invoke(app, ["analyze", str(diary_csv), "--lag-days", "-1"]).exit_code == 2
    assert runner.invoke(app, ["analyze", str(diary_csv), "--plot", str(tmp_path / "x.jpg")]).exit_code == 2
