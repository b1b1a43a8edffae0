"""``ldncare compound liquid|capsules|plan``: JSON contracts and exit code 2 for bad input."""

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
    # 4.5 mL is between the 0.2 mL lines of the 5 and 10 mL syringes: nearest line, warned, a strength suggested.
    assert (payload["concentration_mg_per_ml"], payload["volume_per_dose_ml"], payload["device"]) == (1, 4.4, "syringe-5ml")
    assert (payload["on_a_line"], payload["suggested_concentration_mg_per_ml"]) == (False, 0.5)
    assert payload["label"].startswith("CHECK BEFORE LABELLING")
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


def test_capsules_follow_the_measured_fill_weight():
    measured = run_json("capsules", "--strength-mg", "4.5", "--count", "30", "--source", "api", "--fill-weight-mg", "120")
    assert (measured["fill_weight_mg"], measured["fill_weight_measured"]) == (120, True)
    assert (measured["blend_mg"], measured["filler_mg"], measured["drug_percent_of_fill"]) == (3600, 3465, 3.75)
    default = run_json("capsules", "--strength-mg", "4.5", "--count", "30")
    assert default["fill_weight_measured"] is False
    assert default["fill_weight_mg"] <= 0.30 * 0.33 * 1000  # what 0.30 mL of cellulose can hold
    assert default["capsule_volume_ml"] == 0.3


def run_plan(*args):
    return runner.invoke(app, ["compound", "plan", "--step", "1.5:14", "--step", "3:14", "--step", "4.5:30",
                               "--start", "2026-12-04", *args, "--json"])


@pytest.mark.parametrize("form", [["--form", "liquid"], ["--form", "liquid", "--preserved"], ["--form", "capsules"]])
def test_plan_contract_covers_every_day_once(form):
    import datetime as dt

    result = run_plan(*form)
    assert result.exit_code == 0, result.output
    preps = json.loads(result.stdout)["preparations"]
    day = dt.date(2026, 12, 4)
    for p in preps:
        assert set(p) >= {"dose_mg", "first_use", "last_use", "prepared_on", "beyond_use_date"}
        made, first, last, bud = (dt.date.fromisoformat(p[k]) for k in ("prepared_on", "first_use", "last_use",
                                                                         "beyond_use_date"))
        assert made <= first <= last <= bud
        assert first == day
        day = last + dt.timedelta(days=1)
    assert day == dt.date(2026, 12, 4) + dt.timedelta(days=58)


def test_plan_unpreserved_liquid_dates_follow_use():
    preps = json.loads(run_plan("--form", "liquid").stdout)["preparations"]
    assert [(p["dose_mg"], p["prepared_on"], p["beyond_use_date"]) for p in preps[:2]] == [
        (1.5, "2026-12-04", "2026-12-18"), (3, "2026-12-17", "2026-12-31")]


@pytest.mark.parametrize(("args", "message"), [
    (["--step", "1.5", "--start", "2026-12-04", "--form", "liquid"], "not MG:DAYS"),
    (["--step", "1.5:14", "--start", "2026-13-04", "--form", "liquid"], "--start"),
    (["--step", "1.5:14", "--start", "2026-12-04", "--form", "drops"], "form 'drops' is unknown"),
    (["--step", "20:14", "--start", "2026-12-04", "--form", "liquid"], "at most 10 mg"),
    (["--step", "1.5:14", "--start", "2026-12-04", "--form", "capsules", "--preserved"], "liquids only"),
])
def test_plan_bad_input_exits_2(args, message):
    result = runner.invoke(app, ["compound", "plan", *args, "--json"])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--fill-weight-mg", "400"], "fill weight 400 mg is out of range for a Size #3 hard capsule"),
    (["--fill-weight-mg", "5"], "allowed: 9 to 300 mg"),
    (["--capsule-size", "size-9"], "unknown capsule size 'size-9'"),
])
def test_capsules_bad_fill_weight_or_size_exits_2(args, message):
    result = runner.invoke(app, ["compound", "capsules", "--strength-mg", "4.5", "--count", "30", *args, "--json"])
    assert result.exit_code == 2
    assert message in result.output
