"""A titration as preparations: each bottle made no earlier than its BUD allows and before its first use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.dosing.compounding import CompoundingError
from ldncare.core.dosing.preparations import parse_step, plan_preparations, preparation_bud_limit

ISSUE_PLAN = [(Decimal("1.5"), 14), (Decimal("3"), 14), (Decimal("4.5"), 30)]
START = dt.date(2026, 12, 4)
FORMS = [("liquid", False), ("liquid", True), ("capsules", False)]


def check(preps, steps, start):
    """made ≤ first use ≤ last use ≤ BUD, BUD = made + bud_days, and every day covered once, at its dose."""
    day = start
    for p in preps:
        assert p.prepared_on <= p.first_use <= p.last_use <= p.beyond_use_date
        assert p.beyond_use_date == p.prepared_on + dt.timedelta(days=p.bud_days)
        assert p.first_use == day  # no gap, no overlap
        assert p.days <= p.bud_days
        day = p.last_use + dt.timedelta(days=1)
    assert day == start + dt.timedelta(days=sum(d for _, d in steps))
    expected = [dose for dose, days in steps for _ in range(days)]
    got = [p.dose_mg for p in preps for _ in range(p.days)]
    assert got == expected


@pytest.mark.parametrize(("form", "preserved"), FORMS)
def test_the_issue_plan_in_every_form(form, preserved):
    preps = plan_preparations(ISSUE_PLAN, start=START, form=form, preserved=preserved)
    check(preps, ISSUE_PLAN, START)
    assert preps[0].prepared_on == START


def test_the_issue_example_unpreserved_liquid_dates():
    preps = plan_preparations(ISSUE_PLAN, start=START, form="liquid")
    # Bottle 2 (3 mg, used 18-31 Dec) is made on 17 Dec, not on 4 Dec with a BUD before its last use.
    two = preps[1]
    assert (two.dose_mg, two.first_use, two.last_use) == (3, dt.date(2026, 12, 18), dt.date(2026, 12, 31))
    assert (two.prepared_on, two.beyond_use_date) == (dt.date(2026, 12, 17), dt.date(2026, 12, 31))
    # 4.5 mg for 30 days at a 14-day BUD: three equal batches, each made for its own days.
    assert [(p.dose_mg, p.days, p.batch) for p in preps[2:]] == [(Decimal("4.5"), 10, 1), (Decimal("4.5"), 10, 2),
                                                                 (Decimal("4.5"), 10, 3)]


def test_preserved_liquid_and_capsules_need_fewer_bottles():
    assert len(plan_preparations(ISSUE_PLAN, start=START, form="liquid", preserved=True)) == 3
    capsules = plan_preparations(ISSUE_PLAN, start=START, form="capsules")
    assert [p.prepared_on for p in capsules] == [START] * 3  # 180 days covers the whole plan


def test_consecutive_equal_doses_are_one_preparation():
    preps = plan_preparations([(3, 7), (3, 7)], start=START, form="liquid", preserved=True)
    assert [(p.dose_mg, p.days) for p in preps] == [(3, 14)]


def test_bud_limit_counts_from_the_day_made():
    assert preparation_bud_limit(dt.date(2026, 12, 17), "liquid") == dt.date(2026, 12, 31)
    assert preparation_bud_limit(dt.date(2026, 12, 17), "liquid", preserved=True) == dt.date(2027, 1, 21)
    assert preparation_bud_limit(dt.date(2026, 12, 17), "capsules") == dt.date(2027, 6, 15)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"steps": []}, "no steps"),
    ({"steps": [(0, 14)]}, "dose 0 mg is out of range"),
    ({"steps": [(11, 14)]}, "at most 10 mg"),
    ({"steps": [(1.5, 0)]}, "days 0 is out of range"),
    ({"steps": [(1.5, 300), (3, 100)]}, "the plan is 400 days"),
    ({"form": "drops"}, "form 'drops' is unknown"),
    ({"form": "capsules", "preserved": True}, "liquids only"),
])
def test_bad_plans_are_refused_with_what_is_allowed(kwargs, message):
    args = {"steps": ISSUE_PLAN, "start": START, "form": "liquid", **kwargs}
    with pytest.raises(CompoundingError, match=message):
        plan_preparations(args.pop("steps"), **args)


@pytest.mark.parametrize("text", ["1.5", "x:14", "1.5:x", "nan:3", ""])
def test_a_malformed_step_is_refused(text):
    with pytest.raises(CompoundingError, match="MG:DAYS"):
        parse_step(text)


steps_strategy = st.lists(
    st.tuples(st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 10), st.integers(min_value=1, max_value=120)),
    min_size=1, max_size=6,
).filter(lambda steps: sum(d for _, d in steps) <= 365)


@settings(max_examples=300, deadline=None)
@given(steps_strategy, st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)), st.sampled_from(FORMS))
def test_every_preparation_is_made_before_use_and_good_until_its_last_day(steps, start, form):
    merged: list[list] = []
    for dose, days in steps:
        if merged and merged[-1][0] == dose:
            merged[-1][1] += days
        else:
            merged.append([dose, days])
    preps = plan_preparations(steps, start=start, form=form[0], preserved=form[1])
    check(preps, [tuple(m) for m in merged], start)


TODAY = dt.date(2026, 12, 4)
near = st.integers(min_value=-40, max_value=400).map(lambda n: TODAY + dt.timedelta(days=n))


@settings(max_examples=400, deadline=None)
@given(first=near, days=st.integers(min_value=1, max_value=180), bud_days=st.sampled_from([14, 35, 180]),
       made_on=near, bud=near, short=st.one_of(st.none(), near))
def test_an_accepted_bottle_is_good_for_every_day_it_supplies(first, days, bud_days, made_on, bud, short):
    from ldncare.core.dosing.preparations import dispensing_problems

    last = first + dt.timedelta(days=days - 1)
    problems = dispensing_problems(first_use=first, last_use=last, bud_days=bud_days, made_on=made_on,
                                   beyond_use_date=bud, today=TODAY, supplied_until=short)
    until = short or last
    ok = (made_on <= TODAY and made_on <= last and TODAY <= bud <= made_on + dt.timedelta(days=bud_days)
          and first <= until <= last and bud >= until)
    assert (not problems) == ok
    for message in problems.values():
        assert message.endswith((".", ")"))  # a sentence for a person, not a code
        assert len(message) > 20


def test_the_issue_bud_is_refused_with_what_is_allowed():
    from ldncare.core.dosing.preparations import dispensing_problems

    problems = dispensing_problems(first_use=TODAY, last_use=TODAY + dt.timedelta(days=13), bud_days=14,
                                   made_on=TODAY, beyond_use_date=dt.date(9999, 12, 31), today=TODAY)
    assert problems == {"beyond_use_date": "The beyond-use date 31 Dec 9999 is later than this preparation allows: "
                                           "made on 04 Dec 2026, its BUD is 14 days, so at most 18 Dec 2026."}
