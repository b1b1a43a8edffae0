"""Re-planning: hold, step back, morning switch, stop — and the plan invariants survive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.dosing.plan import build_plan
from ldncare.core.dosing.replan import SideEffectEvent, halve_dose_mg, replan
from ldncare.core.knowledge import UnknownSideEffectError

START = dt.date(2026, 12, 1)
TRUST = build_plan("trust", start_date=START)


def event(day, effect, severity):
    return SideEffectEvent(date=START + dt.timedelta(days=day), side_effect=effect, severity=severity)


def test_no_events_no_change():
    result = replan(TRUST, [])
    assert result.plan.steps == TRUST.steps
    assert result.changes == ()


def test_mild_side_effects_change_nothing_and_say_so():
    result = replan(TRUST, [event(2, "headache", "mild")])
    assert result.plan.steps == TRUST.steps
    assert [c.kind for c in result.changes] == ["none"]
    assert "no change" in result.changes[0].explanation


def test_moderate_side_effect_holds_the_next_increase_until_five_days_after():
    result = replan(TRUST, [event(9, "headache", "moderate")])  # 2026-12-10, on 2 mg
    steps = result.plan.steps
    assert steps[2].dose_mg == 3
    assert steps[2].start_date == dt.date(2026, 12, 16)  # 10th + 1 + 5
    assert steps[1].end_date == dt.date(2026, 12, 15)
    assert [c.kind for c in result.changes] == ["hold"]
    assert "moves from 2026-12-15 to 2026-12-16" in result.changes[0].explanation
    assert "5 more days" in result.changes[0].explanation
    assert result.changes[0].sources


def test_a_persisting_moderate_side_effect_halves_and_retitrates_slower():
    result = replan(TRUST, [event(9, "nausea", "moderate"), event(12, "nausea", "moderate")])
    kinds = [c.kind for c in result.changes]
    assert kinds == ["hold", "step_back"]
    steps = result.plan.steps
    back = next(s for s in steps if s.start_date == dt.date(2026, 12, 14))
    assert back.dose_mg == 1  # half of 2 mg
    later = [s for s in steps if s.start_date > back.start_date]
    assert [str(s.dose_mg) for s in later] == ["2", "3", "4", "4.5"]
    assert {s.days for s in [back, *later[:-1]]} == {14}  # twice the weekly interval
    assert "assumption" in result.changes[1].explanation


def test_a_severe_side_effect_steps_back_at_once():
    result = replan(TRUST, [event(30, "dizziness", "severe")])  # on 4.5 mg
    changes = result.changes
    assert [c.kind for c in changes] == ["step_back"]
    assert "halved to 2.2 mg" in changes[0].explanation
    assert result.plan.steps[-1].dose_mg == Decimal("4.5")


def test_moderate_insomnia_moves_the_dose_to_the_morning_from_the_next_day():
    result = replan(TRUST, [event(3, "sleeplessness", "moderate")])
    assert [c.kind for c in result.changes] == ["hold", "morning"]
    steps = result.plan.steps
    assert steps[0].time == "22:00"
    assert steps[0].end_date == START + dt.timedelta(days=3)
    assert all(s.time == "08:00" for s in steps[1:])
    assert result.plan.timing == "morning"
    assert "low" in result.changes[1].explanation


def test_urgent_side_effects_stop_the_plan():
    result = replan(TRUST, [event(10, "liver_injury_signs", "mild"), event(12, "headache", "severe")])
    assert [c.kind for c in result.changes] == ["stop", "none"]
    assert result.plan.end_date == START + dt.timedelta(days=10)


def test_events_outside_the_plan_are_reported_not_applied():
    result = replan(TRUST, [event(-3, "headache", "severe")])
    assert result.plan.steps == TRUST.steps
    assert "outside the plan" in result.changes[0].explanation


def test_unknown_side_effects_are_rejected():
    with pytest.raises(UnknownSideEffectError):
        replan(TRUST, [event(2, "teleportation", "mild")])


def test_halving_rounds_down_to_a_measurable_volume():
    assert halve_dose_mg(Decimal("4.5"), Decimal(1)) == Decimal("2.2")
    assert halve_dose_mg(Decimal("3"), Decimal(1)) == Decimal("1.5")
    assert halve_dose_mg(Decimal("0.5"), Decimal(1)) == Decimal("0.25")


effects = st.sampled_from(["headache", "nausea", "insomnia", "vivid_dreams", "dizziness", "fatigue"])
events = st.lists(
    st.builds(SideEffectEvent, date=st.dates(min_value=START, max_value=START + dt.timedelta(days=120)),
              side_effect=effects, severity=st.sampled_from(["mild", "moderate", "severe"])),
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["article", "trust", "gentle"]), events)
def test_replanned_plans_stay_contiguous_and_within_target_and_maximum(protocol, reported):
    plan = build_plan(protocol, start_date=START)
    result = replan(plan, reported)
    new = result.plan
    assert new.steps[0].start_date == START
    for step in new.steps:
        assert 0 < step.dose_mg <= new.target_mg <= new.max_mg
        assert step.start_date <= step.end_date
        assert step.measurable or step in new.unmeasurable_steps
    for before, after in zip(new.steps, new.steps[1:], strict=False):
        assert after.start_date == before.end_date + dt.timedelta(days=1)
    assert len(result.changes) >= len(reported)


def test_a_single_step_pediatric_plan_steps_back_and_climbs_to_its_dose():
    plan = build_plan("pediatric", start_date=START, weight_kg=30)
    result = replan(plan, [event(4, "nausea", "severe")])
    assert [(str(s.dose_mg), s.days) for s in result.plan.steps] == [("3", 5), ("1.5", 28), ("3", 56)]
    assert "no steps" in result.changes[0].explanation
