"""The compounding calculator: exact arithmetic, never too few tablets, BUDs with sources."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.dosing.compounding import CompoundingError, compound_capsules, compound_liquid
from ldncare.core.dosing.devices import get_device, is_measurable

MADE = dt.date(2026, 12, 1)


def test_the_issue_example_preserved_liquid():
    prep = compound_liquid(4.5, 30, preserved=True, prepared_on=MADE)
    # 4.5 mL falls between the 0.2 mL lines of every 5 and 10 mL syringe: measured 4.4 mL, warned,
    # a strength that lands on a line suggested, on the label too.
    assert (prep.exact_volume_ml, prep.volume_per_dose_ml, prep.device) == (Decimal("4.5"), Decimal("4.4"), "syringe-5ml")
    assert not prep.on_a_line
    assert prep.suggested_concentration_mg_per_ml == Decimal("0.5")
    assert prep.label.startswith("CHECK BEFORE LABELLING: 4.5 mL is not on a line")
    assert "At 0.5 mg/mL the dose is 9 mL, on a line of the 10 mL oral syringe (0.2 mL lines)" in prep.label
    assert prep.required_volume_ml == 132  # 30 doses of the measured 4.4 mL
    assert (prep.tablets_50mg, prep.total_volume_ml) == (3, 150)  # whole tablets: 150 mL
    assert prep.bud_days == 35
    assert prep.bud_category == "aqueous-preserved"
    assert "USP <795>" in prep.bud_basis
    assert "PMID 9391680" in prep.stability_alternative
    assert "ascorbic acid (powder or plain, non-effervescent tablets): 750 mg" in prep.worksheet
    assert "glycerol: 30 mL" in prep.worksheet
    assert prep.beyond_use_date == dt.date(2027, 1, 5)
    assert "Discard after 2027-01-05" in prep.label


def test_unpreserved_liquid_is_split_into_14_day_batches():
    prep = compound_liquid(4.5, 30, prepared_on=MADE)
    assert prep.bud_days == 14
    assert [b.days for b in prep.batches] == [14, 14, 2]
    assert [b.tablets_50mg for b in prep.batches] == [2, 2, 1]
    assert prep.tablets_50mg == 5
    assert any("3 batches" in w for w in prep.warnings)


def test_the_stability_study_bud_is_attributed_and_only_for_its_formula():
    prep = compound_liquid(3, 60, preserved=True, use_stability_study=True, prepared_on=MADE)
    assert prep.bud_days == 60
    assert "Fawcett" in prep.bud_basis
    assert "PMID 9391680" in prep.bud_basis
    assert any(s.pmid == "9391680" for s in prep.sources)
    with pytest.raises(CompoundingError, match="only to the preserved Fawcett formula"):
        compound_liquid(3, 60, use_stability_study=True, prepared_on=MADE)
    with pytest.raises(CompoundingError, match="1 mg/mL"):
        compound_liquid(3, 60, preserved=True, use_stability_study=True, concentration_mg_per_ml=2, prepared_on=MADE)


def test_api_source_makes_whole_millilitres_and_needs_no_tablets():
    prep = compound_liquid(1.5, 10, source="api", preserved=True, prepared_on=MADE)
    assert prep.tablets_50mg == 0
    assert prep.total_volume_ml == 15
    assert prep.api_mg == 15


def test_a_volume_off_the_lines_is_rounded_down_on_a_tie_and_reported():
    prep = compound_liquid(4.3, 7, prepared_on=MADE)
    assert prep.volume_per_dose_ml == Decimal("4.2")
    assert prep.delivered_dose_mg == Decimal("4.2")
    assert prep.dose_deviation_percent == Decimal("-2.33")
    assert any("not on a line" in w for w in prep.warnings)


def test_overage_is_optional_and_counted():
    prep = compound_liquid(5, 30, preserved=True, overage_percent=10, prepared_on=MADE)
    assert prep.required_volume_ml == 165
    assert prep.tablets_50mg == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"dose_mg": -1}, "dose -1 mg"), ({"dose_mg": 50}, "at most 10"), ({"days": 0}, "days 0"),
     ({"concentration_mg_per_ml": 0.01}, "0.1 to 10"), ({"source": "powder"}, "tablets, api"),
     ({"dose_mg": 9, "concentration_mg_per_ml": 0.5}, "at least 0.9 mg/mL"), ({"overage_percent": 50}, "0 to 25")],
)
def test_bad_liquid_input(kwargs, message):
    args = {"dose_mg": 4.5, "days": 30, **kwargs}
    with pytest.raises(CompoundingError, match=message):
        compound_liquid(args.pop("dose_mg"), args.pop("days"), prepared_on=MADE, **args)


def test_capsules_issue_example():
    caps = compound_capsules(4.5, 30, prepared_on=MADE)
    assert (caps.api_mg, caps.tablets_50mg, caps.tablet_powder_fraction) == (135, 3, "9/10")
    assert caps.filler == "Microcrystalline cellulose (Avicel)"
    assert set(caps.fillers_to_avoid) == {"lactose", "calcium-carbonate", "methylcellulose-derivatives"}
    assert caps.bud_days == 180
    assert "slow" in caps.worksheet.lower()
    assert "quantity 30" in caps.label
    assert "immediate release" in caps.label


def test_bad_capsule_input():
    with pytest.raises(CompoundingError, match="count 0"):
        compound_capsules(4.5, 0, prepared_on=MADE)
    with pytest.raises(CompoundingError, match="strength"):
        compound_capsules(0, 30, prepared_on=MADE)


doses = st.integers(min_value=1, max_value=200).map(lambda n: Fraction(n, 20))  # 0.05 … 10 mg
concentrations = st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2), Fraction(5, 2), Fraction(5)])


@settings(max_examples=200, deadline=None)
@given(doses, st.integers(min_value=1, max_value=365), concentrations, st.booleans(), st.sampled_from(["tablets", "api"]))
def test_liquid_arithmetic_is_exact_and_never_short(dose, days, concentration, preserved, source):
    args = {"dose_mg": Decimal(dose.numerator) / dose.denominator, "days": days,
            "concentration_mg_per_ml": Decimal(concentration.numerator) / concentration.denominator,
            "preserved": preserved, "source": source, "prepared_on": MADE}
    if dose / concentration > 10:  # more than the largest syringe holds: refused with a message
        with pytest.raises(CompoundingError, match="more than the largest syringe"):
            compound_liquid(**args)
        return
    prep = compound_liquid(**args)
    assert is_measurable(prep.volume_per_dose_ml, get_device(prep.device))
    delivered = Fraction(prep.volume_per_dose_ml) * concentration
    assert delivered == Fraction(prep.delivered_dose_mg)
    assert sum(b.days for b in prep.batches) == days
    assert all(b.days <= prep.bud_days for b in prep.batches)
    for batch in prep.batches:
        needed_mg = delivered * batch.days
        assert Fraction(batch.api_mg) >= needed_mg
        assert Fraction(batch.volume_ml) >= needed_mg / concentration
        assert Fraction(batch.api_mg) == Fraction(batch.volume_ml) * concentration
        if source == "tablets":
            assert batch.tablets_50mg == math.ceil(needed_mg / 50)  # enough, and not one more than needed
            assert Fraction(batch.api_mg) == 50 * batch.tablets_50mg
    assert prep.tablets_50mg == sum(b.tablets_50mg for b in prep.batches)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=200).map(lambda n: Fraction(n, 20)), st.integers(min_value=1, max_value=1000))
def test_capsule_tablets_are_never_too_few(strength, count):
    caps = compound_capsules(Decimal(strength.numerator) / strength.denominator, count, prepared_on=MADE)
    api = strength * count
    assert Fraction(caps.api_mg) == api
    assert 50 * caps.tablets_50mg >= api > 50 * (caps.tablets_50mg - 1)
    assert Fraction(caps.tablet_powder_fraction) == api / (50 * caps.tablets_50mg)


@pytest.mark.parametrize("dose_mg", [1e-300, 1e-9, 0.0009])
def test_vanishingly_small_doses_are_refused_with_the_smallest_preparable_amount(dose_mg):
    with pytest.raises(CompoundingError, match="too small to prepare; allowed: at least 0.001"):
        compound_liquid(dose_mg, 30, prepared_on=dt.date(2026, 11, 24))
    with pytest.raises(CompoundingError, match="too small to prepare"):
        compound_capsules(dose_mg, 30, prepared_on=dt.date(2026, 11, 24))


def test_capsule_filler_follows_the_measured_fill_weight():
    caps = compound_capsules(4.5, 30, source="api", fill_weight_mg=120, prepared_on=MADE)
    assert (caps.fill_weight_mg, caps.fill_weight_measured) == (120, True)
    assert (caps.blend_mg, caps.filler_mg) == (3600, 3600 - 135)
    assert caps.drug_percent_of_fill == Decimal("3.75")
    assert "Calibration: fill 10 empty Size #3 hard capsules" in caps.worksheet
    assert "each capsule holds F = 120 mg of blend with 4.5 mg" in caps.worksheet
    from_tablets = compound_capsules(4.5, 30, fill_weight_mg=120, prepared_on=MADE)
    assert from_tablets.filler_mg is None  # the tablet powder's own weight is weighed at the bench
    assert "3600 mg − the tablet powder used (W × 9/10 mg) of filler" in from_tablets.worksheet


def test_the_default_size_3_fill_is_what_0_30_ml_of_the_filler_holds():
    caps = compound_capsules(4.5, 30, prepared_on=MADE)
    assert caps.fill_weight_measured is False
    # 0.30 mL × microcrystalline cellulose's loose bulk density (0.28–0.33 g/mL, supplier data sheet):
    # the default must be at most what 0.30 mL of the filler can hold, never the old 225 mg.
    assert Decimal("0.30") * Decimal("0.28") * 1000 <= caps.fill_weight_mg <= Decimal("0.30") * Decimal("0.33") * 1000
    assert caps.blend_mg == caps.fill_weight_mg * 30
    assert any("Fill weight not measured" in w for w in caps.warnings)


@pytest.mark.parametrize(("fill", "message"), [(5, "fill weight 5 mg is out of range"),
                                                (400, "allowed: 9 to 300 mg"), ("x", "fill weight must be a number")])
def test_an_impossible_fill_weight_is_refused(fill, message):
    with pytest.raises(CompoundingError, match=message):
        compound_capsules(4.5, 30, fill_weight_mg=fill, prepared_on=MADE)


def test_the_slow_release_advice_is_a_practice_convention_not_a_fact():
    caps = compound_capsules(4.5, 30, prepared_on=MADE)
    assert "Do not dispense LDN as slow release" not in caps.worksheet
    assert "practice convention" in caps.worksheet
    assert "hypothesis" in caps.worksheet
