"""Measuring devices: exact measurability, smallest syringe first, the 1 mL reconciliation."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.dosing.devices import (
    get_device,
    is_measurable,
    load_devices,
    nearest_measurable_ml,
    pick_device,
)


def test_the_issue_resolutions_are_in_the_data_with_sources():
    graduations = {d.id: (d.capacity_ml, d.graduation_ml) for d in load_devices()}
    assert graduations["syringe-1ml-fine"] == (Decimal(1), Decimal("0.01"))
    assert graduations["syringe-1ml"] == (Decimal(1), Decimal("0.02"))  # the hospital teaching sheet
    assert graduations["syringe-3ml"] == (Decimal(3), Decimal("0.1"))
    assert graduations["syringe-5ml"] == (Decimal(5), Decimal("0.2"))
    assert all(d.sources for d in load_devices())


@pytest.mark.parametrize(
    ("volume", "device"),
    [("0.5", "syringe-1ml"), ("0.24", "syringe-1ml"), ("0.25", "syringe-1ml-fine"), ("1", "syringe-1ml"),
     ("1.5", "syringe-3ml"), ("3", "syringe-3ml"), ("3.2", "syringe-5ml"), ("4", "syringe-5ml"),
     ("4.5", None), ("4.4", "syringe-5ml"), ("9", "syringe-10ml"), ("10", "syringe-10ml"), ("1.25", None), ("10.5", None)],
)
def test_pick_device_takes_the_smallest_that_measures_exactly(volume, device):
    picked = pick_device(Decimal(volume))
    assert (picked.id if picked else None) == device


def test_4_5_ml_is_not_on_a_5_ml_syringe_line():
    assert not is_measurable(Decimal("4.5"), get_device("syringe-5ml"))
    assert is_measurable(Decimal("4.4"), get_device("syringe-5ml"))


def test_nearest_line_ties_round_down():
    assert nearest_measurable_ml(Decimal("4.3"), get_device("syringe-5ml")) == Fraction("4.2")
    assert nearest_measurable_ml(Decimal("4.35"), get_device("syringe-5ml")) == Fraction("4.4")


@given(st.integers(min_value=1, max_value=1000))
def test_every_hundredth_of_a_ml_up_to_10_is_either_measured_exactly_or_reported(hundredths):
    volume = Fraction(hundredths, 100)
    device = pick_device(volume)
    if device is None:
        assert not any(is_measurable(volume, d) for d in load_devices())
    else:
        assert volume <= Fraction(device.capacity_ml)
        assert (volume / Fraction(device.graduation_ml)).denominator == 1
