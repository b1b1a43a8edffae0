"""Plans: the protocols' ladders, validation, and property tests over the input space."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.dosing.devices import get_device, is_measurable
from ldncare.core.dosing.plan import PlanError, build_plan

START = dt.date(2026, 12, 1)


def doses(plan):
    return [str(step.dose_mg) for step in plan.steps]


def test_article_ladder():
    plan = build_plan("article", start_date=START)
    assert doses(plan) == ["1.5", "3", "4.5"]
    assert [s.start_date for s in plan.steps] == [START, dt.date(2026, 12, 15), dt.date(2026, 12, 29)]
    assert plan.steps[-1].days == 56


def test_trust_reaches_4_5_mg_in_week_5():
    plan = build_plan("trust", start_date=START)
    assert doses(plan) == ["1", "2", "3", "4", "4.5"]
    assert plan.steps[4].start_date == START + dt.timedelta(weeks=4)


def test_gentle_steps_half_a_mg_every_two_weeks():
    plan = build_plan("gentle", start_date=START)
    assert doses(plan) == ["0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5"]
    assert {s.days for s in plan.steps[:-1]} == {14}


def test_a_lower_target_ends_the_ladder_there():
    assert doses(build_plan("trust", start_date=START, target_mg=3)) == ["1", "2", "3"]
    assert doses(build_plan("article", start_date=START, target_mg=2.5)) == ["1.5", "2.5"]


@pytest.mark.parametrize(("weight", "dose"), [(8, "0.8"), (23.7, "2.3"), (45, "4.5"), (70, "4.5")])
def test_pediatric_dose_is_0_1_mg_per_kg_rounded_down_and_capped(weight, dose):
    plan = build_plan("pediatric", start_date=START, weight_kg=weight)
    assert doses(plan) == [dose]
    # 4.5 mL at 1 mg/mL falls between the 0.2 mL lines of the 5 and 10 mL syringes.
    assert (plan.steps[0].device is None) == (dose == "4.5")


def test_custom_plan_reports_the_step_no_syringe_measures():
    plan = build_plan("custom", start_date=START, start_mg=0.25, step_mg=0.25, interval_days=3, target_mg=1.5)
    assert doses(plan) == ["0.25", "0.5", "0.75", "1", "1.25", "1.5"]
    assert [str(s.dose_mg) for s in plan.unmeasurable_steps] == ["1.25"]
    assert any("1.25 mL" in note for note in plan.notes)


def test_a_custom_time_and_concentration_are_used():
    plan = build_plan("trust", start_date=START, time="07:30", concentration_mg_per_ml=2)
    assert {s.time for s in plan.steps} == {"07:30"}
    assert plan.timing == "custom"
    assert [str(s.volume_ml) for s in plan.steps] == ["0.5", "1", "1.5", "2", "2.25"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"protocol": "fast"}, "allowed: article, trust, gentle, pediatric, custom"),
        ({"protocol": "pediatric"}, "needs the weight"),
        ({"protocol": "pediatric", "weight_kg": 500}, "weight 500 kg is out of range"),
        ({"protocol": "article", "target_mg": 6}, "above the maximum 4.5 mg"),
        ({"protocol": "article", "target_mg": 6, "max_mg": 12}, "maximum dose 12 mg is out of range"),
        ({"protocol": "article", "target_mg": -1}, "more than 0 mg"),
        ({"protocol": "article", "target_mg": float("nan")}, "finite"),
        ({"protocol": "custom", "start_mg": 1}, "needs step_mg, interval_days"),
        ({"protocol": "custom", "start_mg": 5, "step_mg": 1, "interval_days": 7}, "start dose 5 mg is out of range"),
        ({"protocol": "custom", "start_mg": 1, "step_mg": 1, "interval_days": 0}, "interval 0 days"),
        ({"protocol": "trust", "step_mg": 1}, "only for the custom protocol"),
        ({"protocol": "trust", "weight_kg": 30}, "only applies to the pediatric protocol"),
        ({"protocol": "trust", "time": "25:00"}, "HH:MM"),
        ({"protocol": "trust", "concentration_mg_per_ml": 0}, "concentration 0 mg/mL is out of range"),
    ],
)
def test_bad_input_says_what_was_wrong_and_what_is_allowed(kwargs, message):
    protocol = kwargs.pop("protocol")
    with pytest.raises(PlanError, match=message):
        build_plan(protocol, start_date=START, **kwargs)


def test_a_prescriber_may_raise_the_maximum_explicitly():
    plan = build_plan("custom", start_date=START, start_mg=1.5, step_mg=1.5, interval_days=7, target_mg=6, max_mg=6)
    assert doses(plan) == ["1.5", "3", "4.5", "6"]


tenths = st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 10)


@st.composite
def custom_plans(draw):
    maximum = draw(tenths)
    target = draw(tenths.filter(lambda t: t <= maximum))
    start = draw(tenths.filter(lambda s: s <= target))
    step = draw(st.integers(min_value=1, max_value=30).map(lambda n: Decimal(n) / 20))
    interval = draw(st.integers(min_value=1, max_value=90))
    concentration = draw(st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)]))
    start_date = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
    return build_plan("custom", start_date=start_date, start_mg=start, step_mg=step, interval_days=interval,
                      target_mg=target, max_mg=maximum, concentration_mg_per_ml=concentration)


@settings(max_examples=150, deadline=None)
@given(custom_plans())
def test_plans_never_exceed_target_or_maximum_and_steps_are_contiguous(plan):
    assert plan.steps[-1].dose_mg == plan.target_mg
    for step in plan.steps:
        assert 0 < step.dose_mg <= plan.target_mg <= plan.max_mg
        assert step.start_date <= step.end_date
    for before, after in zip(plan.steps, plan.steps[1:], strict=False):
        assert after.start_date == before.end_date + dt.timedelta(days=1)
        assert after.dose_mg > before.dose_mg


@settings(max_examples=150, deadline=None)
@given(custom_plans())
def test_every_dose_is_measurable_with_its_device_or_reported(plan):
    for step in plan.steps:
        assert Fraction(step.volume_ml) * Fraction(plan.concentration_mg_per_ml) == Fraction(step.dose_mg) or not step.measurable
        if step.measurable:
            assert is_measurable(step.volume_ml, get_device(step.device))
        else:
            assert step in plan.unmeasurable_steps


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=2, max_value=150, places=1))
def test_pediatric_dose_never_exceeds_0_1_mg_per_kg_or_4_5_mg(weight):
    plan = build_plan("pediatric", start_date=START, weight_kg=weight)
    dose = plan.steps[0].dose_mg
    assert dose <= Decimal("0.1") * weight
    assert dose <= Decimal("4.5")
    assert Decimal("0.1") * weight - dose < Decimal("0.1") or dose == Decimal("4.5")


def test_unmeasurable_plans_suggest_strengths_where_every_step_is_measurable():
    plan = build_plan("custom", start_date=START, start_mg=0.25, step_mg=0.25, interval_days=3, target_mg=1.5)
    assert any("0.5 mg/mL, 2.5 mg/mL, 5 mg/mL" in note for note in plan.notes)
    fixed = build_plan("custom", start_date=START, start_mg=0.25, step_mg=0.25, interval_days=3, target_mg=1.5,
                       concentration_mg_per_ml=0.5)
    assert fixed.unmeasurable_steps == ()


def test_devices_needed_lists_each_syringe_once_in_order_of_use():
    assert build_plan("gentle", start_date=START).devices_needed == ("syringe-1ml", "syringe-3ml", "syringe-5ml")


def test_a_start_date_at_the_end_of_the_calendar_is_refused():
    with pytest.raises(PlanError, match="earlier start date"):
        build_plan("trust", start_date=dt.date(9999, 12, 1))
