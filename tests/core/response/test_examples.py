"""The example diaries in docs/examples: their analysis (docs/response.md) is reproduced here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from ldncare.core.response import analyze_trial, format_diary, load_key, read_diary
from ldncare.core.response.report import build_response_report

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())
OPEN_LABEL = ["responder", "non_responder", "unclear", "too_short"]


def _approx(value):
    if isinstance(value, float):
        return pytest.approx(value, abs=1e-3)
    if isinstance(value, list):
        return [_approx(v) for v in value]
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", OPEN_LABEL)
def test_example_analysis_is_reproduced(name):
    report = build_response_report(read_diary(EXAMPLES / f"{name}.csv"), "pain")
    for key, value in EXPECTED[name].items():
        assert report[key] == _approx(value), key


def test_the_examples_show_each_status():
    assert [EXPECTED[n]["status"] for n in OPEN_LABEL] == [
        "likely_responder", "likely_non_responder", "unclear", "insufficient_data"]
    flags = {c["name"]: c["flag"] for c in EXPECTED["non_responder"]["side_effects"]}
    assert flags["headache"] == "persisting"


def test_example_trial_is_reproduced_only_with_its_key():
    result = analyze_trial(read_diary(EXAMPLES / "trial-diary.csv"), load_key(EXAMPLES / "trial-key.json"), "pain")
    assert result.verdict == EXPECTED["trial"]["verdict"] == "ldn_better"
    assert list(result.pair_improvements) == _approx(EXPECTED["trial"]["pair_improvements"])
    assert result.bayes["p_ldn_better_by_mcid"] == pytest.approx(EXPECTED["trial"]["p_ldn_better_by_mcid"], abs=1e-6)


def test_the_seeded_script_regenerates_the_committed_diaries():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, diary in module.example_diaries().items():
        assert format_diary(diary) == (EXAMPLES / f"{name}.csv").read_text(), name
