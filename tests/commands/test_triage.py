"""``ldncare triage``: outcome, reasons and sources; exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


def test_json_output():
    result = runner.invoke(app, ["triage", "--effect", "vivid dreams", "--severity", "mild", "--days", "3", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["effect"] == "vivid_dreams"
    assert payload["outcome"] == "try_morning_dosing"
    assert payload["reasons"]
    assert payload["sources"]


def test_urgent_human_output():
    result = runner.invoke(app, ["triage", "--effect", "opioid withdrawal", "--severity", "mild", "--days", "0"])
    assert result.exit_code == 0
    assert "URGENT" in result.stdout
    assert "Not medical advice" in result.stdout


def test_persisting_escalates():
    result = runner.invoke(app, ["triage", "--effect", "headache", "--severity", "moderate", "--days", "20", "--json"])
    assert json.loads(result.stdout)["outcome"] == "contact_prescriber"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--effect", "headache", "--severity", "awful", "--days", "1"], "mild, moderate, severe"),
        (["--effect", "headache", "--severity", "mild", "--days", "-1"], "from 0 to"),
        (["--effect", "headache", "--severity", "mild", "--days", "99999"], "from 0 to"),
        (["--effect", "headache", "--severity", "mild", "--days", "two"], "Usage"),  # click: not an integer
    ],
)
def test_bad_input_exits_2(args, message):
    result = runner.invoke(app, ["triage", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("effect", "outcome"),
    [("chest pain", "urgent_care"), ("I want to die", "urgent_care"), ("pooping blood", "contact_prescriber"),
     ("heart racing", "contact_prescriber"), ("sweating", "urgent_care"), ("mild headache", "expected_transient")],
)
def test_free_text_red_flags(effect, outcome):
    result = runner.invoke(app, ["triage", "--effect", effect, "--severity", "moderate", "--days", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == outcome


def test_unknown_text_is_answered_not_refused():
    result = runner.invoke(app, ["triage", "--effect", "green toenails", "--severity", "mild", "--days", "1", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["outcome"] == "contact_prescriber"
    assert payload["matched_by"] == "unrecognised"
    human = runner.invoke(app, ["triage", "--effect", "green toenails", "--severity", "mild", "--days", "1"])
    assert human.exit_code == 0
    assert "Not recognised" in human.stdout
    assert "Contact your prescriber" in human.stdout


def test_typo_of_a_known_effect_is_read():
    result = runner.invoke(app, ["triage", "--effect", "headach", "--severity", "mild", "--days", "1", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["effect"] == "headache"
