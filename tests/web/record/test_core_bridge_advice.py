"""The one order of advice, and which check-in reports become alerts (core_bridge.advice), over
every side effect of the knowledge data, every severity and a span of days on the dose."""

from __future__ import annotations

import itertools

import pytest

from ldncare.core import safety
from ldncare.web.record.core_bridge import (
    ALERT_OUTCOMES,
    advice_sorted,
    alert_reports,
    urgency_rank,
)
from ldncare.web.record.vocab import side_effect_ids

SEVERITIES = ("mild", "moderate", "severe")
DAYS = (0, 3, 4, 14, 15, 60)


@pytest.mark.parametrize(("effect_id", "severity"), list(itertools.product(sorted(side_effect_ids()), SEVERITIES)))
def test_a_report_alerts_exactly_when_the_core_says_urgent_or_contact_and_days_are_read_at_most_once(
        effect_id, severity):
    for days in DAYS:
        calls: list[int] = []

        def days_on_dose(days=days, calls=calls):
            calls.append(days)
            return days

        expected = safety.triage_effect(effect_id, severity, days).outcome in ALERT_OUTCOMES
        reports = alert_reports([(effect_id, severity)], days_on_dose=days_on_dose)
        assert bool(reports) == expected, (effect_id, severity, days)
        assert len(calls) <= 1
        if reports:
            assert reports[0]["urgency"] == safety.triage_effect(effect_id, severity, days).outcome


def test_days_are_not_read_when_day_zero_already_decides():
    def never():
        raise AssertionError("the days on the dose were read")

    assert [r["effect_id"] for r in alert_reports([("allergic_reaction", "mild"), ("rash", "mild"),
                                                   ("vivid_dreams", "mild")], days_on_dose=never)] == [
        "allergic_reaction", "rash"]


def test_most_urgent_first_and_stable():
    cards = [{"urgency": u, "n": i} for i, u in enumerate(
        ["expected_transient", "contact_prescriber", "urgent_care", "try_morning_dosing", "urgent_care", "lower_dose"])]
    assert [(c["urgency"], c["n"]) for c in advice_sorted(cards)] == [
        ("urgent_care", 2), ("urgent_care", 4), ("contact_prescriber", 1), ("lower_dose", 5),
        ("try_morning_dosing", 3), ("expected_transient", 0)]
    assert urgency_rank("urgent_care") < urgency_rank("contact_prescriber") < urgency_rank("expected_transient")
    assert urgency_rank("made_up") > urgency_rank("expected_transient")
