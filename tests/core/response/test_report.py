"""The response report follows the ``ldncare analyze --json`` contract."""

from __future__ import annotations

import json

from ldncare.core.response.report import build_response_report
from ldncare.core.response.simulate import simulate_diary

CONTRACT_KEYS = {"outcome", "baseline", "maintenance", "effect", "percent_change", "mcid",
                 "p_improvement_ge_mcid", "status", "missing", "side_effects", "adherence"}


def test_contract_keys_and_shapes():
    report = build_response_report(simulate_diary(effect_points=-3.0, seed=3, persistent_side_effect="headache"))
    assert set(report) >= CONTRACT_KEYS
    assert set(report["baseline"]) >= {"n_days", "mean"}
    assert set(report["maintenance"]) >= {"n_days", "mean"}
    assert set(report["effect"]) >= {"estimate", "ci95", "method"}
    assert len(report["effect"]["ci95"]) == 2
    assert set(report["mcid"]) >= {"points", "percent", "source"}
    assert report["effect"]["estimate"] < 0  # negative = the score went down (better for pain)
    for course in report["side_effects"]:
        assert set(course) >= {"name", "first_day", "last_day", "days", "flag"}
    assert {c["name"]: c["flag"] for c in report["side_effects"]}["headache"] == "persisting"
    assert set(report["adherence"]) >= {"days_planned", "days_taken"}
    json.dumps(report, allow_nan=False)


def test_insufficient_data_report_is_still_valid_json():
    report = build_response_report(simulate_diary(seed=1, baseline_days=3))
    assert report["status"] == "insufficient_data"
    assert report["effect"]["estimate"] is None
    json.dumps(report, allow_nan=False)
