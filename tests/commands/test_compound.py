"""``ldncare compound liquid|capsules``: JSON contracts and exit code 2 for bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


def run_json(*args):
    result = runner.invoke(app, ["compound", *args, "--json", "--prepared-on", "2026-12-01"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_liquid_contract():
    payload = run_json("liquid", "--dose-mg", "4.5", "--days", "30", "--preserved")
    assert set(payload) >= {"concentration_mg_per_ml", "volume_per_dose_ml", "device", "total_volume_ml",
                            "tablets_50mg", "bud_days", "bud_basis", "worksheet"}
    assert (payload["concentration_mg_per_ml"], payload["volume_per_dose_ml"], payload["device"]) == (1, 4.5, "syringe-10ml")
    assert (payload["total_volume_ml"], payload["tablets_50mg"], payload["bud_days"]) == (150, 3, 35)
    assert "USP <795>" in payload["bud_basis"]
    assert payload["beyond_use_date"] == "2027-01-05"


def test_liquid_from_api_and_with_the_stability_study():
    payload = run_json("liquid", "--dose-mg", "1.5", "--days", "30", "--source", "api", "--preserved",
                       "--stability-study")
    assert payload["tablets_50mg"] == 0
    assert payload["api_mg"] == 45
    assert payload["bud_days"] == 60
    assert "Fawcett" in payload["bud_basis"]


def test_capsules_contract():
    payload = run_json("capsules", "--strength-mg", "4.5", "--count", "30")
    assert set(payload) >= {"api_mg", "tablets_50mg", "filler", "bud_days", "worksheet"}
    assert (payload["api_mg"], payload["tablets_50mg"], payload["bud_days"]) == (135, 3, 180)
    assert "cellulose" in payload["filler"].lower()


def test_human_output_prints_worksheet_and_label():
    result = runner.invoke(app, ["compound", "liquid", "--dose-mg", "3", "--days", "14"])
    assert result.exit_code == 0
    assert "COMPOUNDING WORKSHEET" in result.output
    assert "LABEL" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["liquid", "--dose-mg", "-1", "--days", "30"], "out of range"),
        (["liquid", "--dose-mg", "50", "--days", "30"], "at most 10"),
        (["liquid", "--dose-mg", "4.5", "--days", "0"], "days 0"),
        (["liquid", "--dose-mg", "4.5", "--days", "30", "--source", "powder"], "allowed: tablets, api"),
        (["liquid", "--dose-mg", "4.5", "--days", "30", "--stability-study"], "Fawcett"),
        (["liquid", "--dose-mg", "4.5", "--days", "30", "--prepared-on", "2026-13-01"], "not a date"),
        (["capsules", "--strength-mg", "4.5", "--count", "-3"], "count -3"),
        (["capsules", "--strength-mg", "nan", "--count", "30"], "strength"),
    ],
)
def test_bad_input_exits_2(args, message):
    result = runner.invoke(app, ["compound", *args])
    assert result.exit_code == 2
    assert message in result.stderr
