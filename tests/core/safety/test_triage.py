"""Side-effect triage: outcomes per urgency, severity and duration; reasons with sources."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.knowledge import UnknownSideEffectError, load_side_effects, resolve_side_effect
from ldncare.core.safety.triage import MAX_DAYS, OUTCOMES, SEVERITIES, triage, triage_effect

EFFECTS = load_side_effects()


@pytest.mark.parametrize(
    ("effect", "severity", "days", "outcome"),
    [
        ("headache", "mild", 2, "expected_transient"),
        ("nausea", "mild", 14, "expected_transient"),
        ("nausea", "mild", 15, "lower_dose"),
        ("dizziness", "moderate", 3, "expected_transient"),
        ("dizziness", "moderate", 4, "lower_dose"),
        ("dizziness", "moderate", 15, "contact_prescriber"),
        ("fatigue", "severe", 1, "contact_prescriber"),
        ("sleeplessness", "mild", 1, "try_morning_dosing"),
        ("vivid dreams", "moderate", 10, "try_morning_dosing"),
        ("insomnia", "mild", 21, "lower_dose"),
        ("insomnia", "moderate", 21, "contact_prescriber"),
        ("rash", "mild", 1, "contact_prescriber"),
        ("liver_injury_signs", "mild", 0, "urgent_care"),
        ("allergic reaction", "moderate", 2, "urgent_care"),
        ("opioid withdrawal", "mild", 0, "urgent_care"),
    ],
)
def test_outcomes(effect, severity, days, outcome):
    assert triage_effect(effect, severity, days).outcome == outcome


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(EFFECTS),
    st.sampled_from(SEVERITIES),
    st.sampled_from(SEVERITIES),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_outcome_never_gets_milder_with_more_severity_or_more_days(effect, sev_a, sev_b, days_a, days_b):
    (sev_lo, sev_hi) = sorted((sev_a, sev_b), key=SEVERITIES.index)
    (d_lo, d_hi) = sorted((days_a, days_b))
    rank = OUTCOMES.index
    assert rank(triage(effect, sev_lo, d_lo).outcome) <= rank(triage(effect, sev_hi, d_lo).outcome)
    assert rank(triage(effect, sev_lo, d_lo).outcome) <= rank(triage(effect, sev_lo, d_hi).outcome)


@pytest.mark.parametrize("effect", [e for e in EFFECTS if e.urgency == "urgent_care"], ids=lambda e: e.id)
def test_red_flags_are_always_urgent(effect):
    for severity in SEVERITIES:
        for days in (0, 7, 100):
            assert triage(effect, severity, days).outcome == "urgent_care"


def test_result_carries_reasons_and_sources():
    result = triage_effect("insomnia", "mild", 20)
    assert [r.rule for r in result.reasons] == ["try-morning-dosing", "lower-dose", "side-effect:insomnia"]
    assert all(r.sources for r in result.reasons)
    assert "20 days" in result.reasons[1].text
    payload = result.to_json()
    assert payload["outcome"] == "lower_dose"
    assert payload["effect"] == "insomnia"
    assert payload["sources"]
    assert payload["advice"]


def test_morning_dosing_is_labelled_with_its_evidence_level():
    assert "evidence level" in triage_effect("vivid_dreams", "mild", 1).reasons[0].text


@pytest.mark.parametrize(("severity", "days"), [("awful", 1), ("mild", -1), ("mild", MAX_DAYS + 1), ("mild", 1.5)])
def test_bad_input_is_refused(severity, days):
    with pytest.raises(ValueError, match="severity|days"):
        triage(resolve_side_effect("headache"), severity, days)


def test_unknown_effect_has_suggestions():
    with pytest.raises(UnknownSideEffectError) as exc:
        triage_effect("headach", "mild", 1)
    assert "headache" in exc.value.suggestions
