"""The schedule rule: exactly one reminder per period whatever the tick times; none once answered."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldncare.web.questionnaires.periods import Rule, next_period_start, period_start, reminder_due

rules = st.one_of(
    st.builds(Rule, frequency=st.just("weekly"), weekday=st.integers(0, 6), day_of_month=st.none(),
              time=st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    st.builds(Rule, frequency=st.just("monthly"), weekday=st.none(), day_of_month=st.integers(1, 28),
              time=st.times().map(lambda t: t.replace(second=0, microsecond=0))),
)
START = dt.datetime(2026, 1, 1)


@given(rules, st.lists(st.integers(0, 120 * 24 * 60), min_size=1, max_size=200))
def test_exactly_one_reminder_per_period_whatever_the_tick_times(rule, minutes):
    ticks = sorted(START + dt.timedelta(minutes=m) for m in minutes)
    sent: list[dt.date] = []
    sent_period = None
    for now in ticks:
        due = reminder_due(rule, now_local=now, active_from_local=START, sent_period=sent_period, answered_since=None)
        if due is not None:
            sent.append(due)
            sent_period = due
    assert len(sent) == len(set(sent))  # never twice for one period
    for now in ticks:  # every period that had a tick at or after its moment got its reminder
        start = period_start(rule, now.date())
        moment = dt.datetime.combine(start, rule.time)
        if moment >= START and now >= moment and now.time() >= rule.time:
            assert start in sent


@given(rules, st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)))
def test_a_day_lies_in_its_period(rule, day):
    start = period_start(rule, day)
    assert start <= day < next_period_start(rule, start)
    assert period_start(rule, start) == start


def test_no_reminder_once_answered_in_the_period_nor_for_a_period_begun_before_the_schedule():
    rule = Rule(frequency="weekly", weekday=0, day_of_month=None, time=dt.time(9))
    monday_10 = dt.datetime(2026, 11, 30, 10)
    assert reminder_due(rule, now_local=monday_10, active_from_local=START, sent_period=None,
                        answered_since=None) == dt.date(2026, 11, 30)
    assert reminder_due(rule, now_local=monday_10, active_from_local=START, sent_period=None,
                        answered_since=dt.date(2026, 11, 30)) is None
    # set on Wednesday: this week's Monday is past, next Monday is the first
    wednesday = dt.datetime(2026, 12, 2, 12)
    assert reminder_due(rule, now_local=dt.datetime(2026, 12, 3, 10), active_from_local=wednesday, sent_period=None,
                        answered_since=None) is None
    assert reminder_due(rule, now_local=dt.datetime(2026, 12, 7, 9), active_from_local=wednesday, sent_period=None,
                        answered_since=None) == dt.date(2026, 12, 7)
    # a worker down on Monday sends on Tuesday, but not before 09:00
    assert reminder_due(rule, now_local=dt.datetime(2026, 12, 1, 3), active_from_local=START, sent_period=None,
                        answered_since=None) is None


def test_monthly_periods_cross_the_year():
    rule = Rule(frequency="monthly", weekday=None, day_of_month=15, time=dt.time(8))
    assert period_start(rule, dt.date(2027, 1, 3)) == dt.date(2026, 12, 15)
    assert next_period_start(rule, dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


@pytest.mark.parametrize(("frequency", "weekday", "dom"), [("weekly", None, None), ("weekly", 7, None),
                                                           ("monthly", None, 29), ("daily", None, None)])
def test_bad_rules_are_refused(frequency, weekday, dom):
    with pytest.raises(ValueError, match="schedule has|unknown frequency"):
        Rule(frequency=frequency, weekday=weekday, day_of_month=dom, time=dt.time(9))
