"""Regimens: NONMEM-style dose events from clock times and titration plans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.pharmacology.regimen import DoseEvent, daily_at, parse_clock, titrate


def test_daily_at_is_one_record_with_addl():
    r = daily_at(4.5, "22:00", days=14)
    assert r.to_table() == [{"TIME": 22.0, "AMT": 4.5, "CMT": 1, "EVID": 1, "II": 24.0, "ADDL": 13, "RATE": 0.0}]
    assert [d.time_h for d in r.doses()][:2] == [22.0, 46.0]
    assert r.end_h == 22.0 + 14 * 24


def test_sr_uses_zero_order_input():
    dose = daily_at(4.5, "08:00", days=1, form="sr").doses()[0]
    assert dose.duration_h == 1.5
    assert dose.rate_mg_per_h == pytest.approx(3.0)


def test_titration_steps():
    r = titrate([(1, 1.5), (4, 3.0), (8, 4.5)], "21:00", days=10)
    amounts = [d.amount_mg for d in r.doses()]
    assert amounts == [1.5] * 3 + [3.0] * 4 + [4.5] * 3
    assert r.doses()[3].time_h == 21.0 + 72.0


@pytest.mark.parametrize("bad", ["25:00", "7pm", "22:60", ""])
def test_bad_clock_times(bad):
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock(bad)


@pytest.mark.parametrize(("dose", "days"), [(0, 1), (-1, 1), (501, 1), (4.5, 0), (4.5, 366)])
def test_out_of_range(dose, days):
    with pytest.raises(ValueError, match="allowed"):
        daily_at(dose, "22:00", days=days)


def test_titration_must_start_on_day_one():
    with pytest.raises(ValueError, match="day 1"):
        titrate([(2, 1.5)], days=5)


def test_addl_needs_interval():
    with pytest.raises(ValueError, match="interval"):
        DoseEvent(time_h=0, amount_mg=1, addl=2)


@given(st.integers(0, 23), st.integers(0, 59))
def test_clock_round_trip(hour, minute):
    assert parse_clock(f"{hour:02d}:{minute:02d}") == pytest.approx(hour + minute / 60)
