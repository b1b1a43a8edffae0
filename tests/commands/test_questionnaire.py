"""``ldncare questionnaire``: the JSON contract and exit code 2 with what is allowed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ldncare.cli import app

runner = CliRunner()


def test_score_json_contract():
    result = runner.invoke(app, ["questionnaire", "score", "promis_pain_interference_4a", "--answers", "2,3,1,4",
                                 "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["instrument"] == "promis_pain_interference_4a"
    assert (payload["raw_score"], payload["t_score"], payload["se"]) == (10, 58.5, 1.8)
    assert payload["interpretation"] == "mild"


def test_score_text_applies_sleep_reversal():
    result = runner.invoke(app, ["questionnaire", "score", "promis_sleep_disturbance_4a", "--answers", "1,1,5,5"])
    assert result.exit_code == 0, result.output
    assert "raw score 20, T-score 73.3 (SE 4.6), severe" in result.stdout


def test_missing_answer_exits_2():
    result = runner.invoke(app, ["questionnaire", "score", "promis_fatigue_4a", "--answers", "2,,1,4"])
    assert result.exit_code == 2
    assert "unanswered" in result.stderr
    assert "all 4 items" in result.stderr


def test_out_of_range_and_non_numbers_exit_2_with_what_is_allowed():
    result = runner.invoke(app, ["questionnaire", "score", "promis_fatigue_4a", "--answers", "2,3,7,4"])
    assert result.exit_code == 2
    assert "use 1 = Not at all" in result.stderr
    result = runner.invoke(app, ["questionnaire", "score", "promis_fatigue_4a", "--answers", "2,x,1,4"])
    assert result.exit_code == 2
    assert "'x' is not a whole number" in result.stderr


def test_unknown_instrument_lists_the_allowed_ones():
    result = runner.invoke(app, ["questionnaire", "score", "phq9", "--answers", "1,1,1,1"])
    assert result.exit_code == 2
    assert "allowed: promis_pain_interference_4a, promis_fatigue_4a, promis_sleep_disturbance_4a, pgic" in result.stderr


def test_list_shows_items_codes_and_licence():
    result = runner.invoke(app, ["questionnaire", "list"])
    assert result.exit_code == 0, result.output
    assert "My sleep quality was... [1 Very poor" in result.stdout
    assert "(reverse-scored)" in result.stdout
    assert "without licensing or royalty fees" in result.stdout
    result = runner.invoke(app, ["questionnaire", "list", "--json"])
    assert [q["id"] for q in json.loads(result.stdout)] == [
        "promis_pain_interference_4a", "promis_fatigue_4a", "promis_sleep_disturbance_4a", "pgic"]


def test_list_names_the_instruments_left_out_for_their_licence():
    result = runner.invoke(app, ["questionnaire", "list"])
    assert "not included: Multiple Sclerosis Impact Scale (MSIS-29)" in result.stdout
    assert "Permission must be obtained for use" in result.stdout


def test_pgic_scores_its_answer_without_a_t_score():
    result = runner.invoke(app, ["questionnaire", "score", "pgic", "--answers", "5"])
    assert result.exit_code == 0, result.output
    assert '5 of 7, "Moderately better, and a slight but noticeable change"' in result.stdout
    assert "T-score" not in result.stdout
    result = runner.invoke(app, ["questionnaire", "score", "pgic", "--answers", "5", "--json"])
    payload = json.loads(result.stdout)
    assert (payload["raw_score"], payload["t_score"], payload["se"]) == (5, None, None)
    result = runner.invoke(app, ["questionnaire", "score", "pgic", "--answers", "8"])
    assert result.exit_code == 2
    assert "use 1 = No change" in result.stderr
