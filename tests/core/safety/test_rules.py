"""Safety rules as data: every rule sourced, levels where they belong, templates fill."""

from __future__ import annotations

import string

from ldncare.core.safety.rules import LEVELS, load_screen_rules, load_triage_rules


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_screen_rules_have_a_level_and_sources():
    rules = load_screen_rules()
    assert len(rules) >= 20
    for rule in rules.values():
        assert rule.level in LEVELS, rule.id
        assert rule.sources, rule.id
        assert rule.review.reviewed_by, rule.id


def test_triage_rules_are_not_screen_findings():
    rules = load_triage_rules()
    assert {"urgent-care", "try-morning-dosing", "lower-dose", "expected-transient"} <= set(rules)
    for rule in rules.values():
        assert rule.level is None, rule.id
        assert rule.sources, rule.id


def test_opioid_rules_explain_both_directions():
    for rule in load_screen_rules().values():
        if rule.level == "contraindicated":
            text = (rule.message + " " + rule.action).lower()
            assert "withdrawal" in text, rule.id
            assert "block" in text, rule.id


def test_templates_only_use_known_placeholders():
    known = {"medicine", "ingredients", "activity", "unknown", "hepatic", "surgery_date", "days_until",
             "stop_date", "days_since", "dose_mg", "weight_dose", "weight_kg", "max_mg", "effect",
             "severity", "days"}
    for rule in (*load_screen_rules().values(), *load_triage_rules().values()):
        assert _placeholders(rule.message) | _placeholders(rule.action) <= known, rule.id


def test_thresholds_match_the_issue():
    rules = load_screen_rules()
    assert rules["dose-above-usual"].params["above_mg"] == 4.5
    assert rules["dose-high"].params["above_mg"] == 9
    assert rules["dose-not-low"].params["at_least_mg"] == 50
    assert rules["surgery-planned"].params["stop_days_before"] == 2
    assert load_triage_rules()["lower-dose"].params["persist_days"] == 14
