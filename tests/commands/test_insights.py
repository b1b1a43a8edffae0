"""``ldncare insights``: the JSON contract, words, and errors with exit code 2."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.response.diary import write_diary
from ldncare.core.response.simulate import simulate_factor_diary

runner = CliRunner()


def test_json_contract(tmp_path):
    path = write_diary(simulate_factor_diary(seed=2, effect_points=-1.2), tmp_path / "d.csv")
    result = runner.invoke(app, ["insights", str(path), "--outcome", "pain", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["associations"][0]) >= {"factor", "lag_days", "estimate", "ci95", "q_value"}
    assert len(data["associations"]) == 18  # 9 factors x 2 lags
    top = data["associations"][0]
    assert (top["factor"], top["lag_days"], top["found"]) == ("factor:true", 1, True)
    assert "Association, not cause" in data["caveat"]


def test_text_says_association_not_cause(tmp_path):
    path = write_diary(simulate_factor_diary(seed=2), tmp_path / "d.csv")
    result = runner.invoke(app, ["insights", str(path)])
    assert result.exit_code == 0, result.output
    assert "Association, not cause" in result.output


def test_unknown_outcome_or_factor_exits_2(tmp_path):
    path = write_diary(simulate_factor_diary(seed=2), tmp_path / "d.csv")
    assert runner.invoke(app, ["insights", str(path), "--outcome", "nausea"]).exit_code == 2
    bad = runner.invoke(app, ["insights", str(path), "--factor", "factor:cake"])
    assert bad.exit_code == 2
    assert "no factor 'factor:cake'" in bad.output


def test_a_bad_factor_value_is_a_format_error(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("date,pain,factor:steps\n2026-01-01,4,lots\n")
    result = runner.invoke(app, ["insights", str(path)])
    assert result.exit_code == 2
    assert "line 2, column 3 (factor:steps)" in result.output
