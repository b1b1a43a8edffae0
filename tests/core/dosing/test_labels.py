"""Labels: every element present, or named as missing; placebo capsules match the active ones."""

from __future__ import annotations

import datetime as dt

from ldncare.core.dosing import (
    LabelFacts,
    compound_capsules,
    compound_placebo_capsules,
    format_label,
)

FACTS = {"rx_number": "RX-1", "patient_name": "Patty Smith", "prescriber_name": "Lin Chen",
         "pharmacy_name": "Compounding Chemists", "pharmacy_phone": "0113 496 0000", "dispensed_on": dt.date(2026, 12, 4),
         "beyond_use_date": dt.date(2026, 12, 18), "storage": "refrigerator (2–8 °C)",
         "product": "Naltrexone hydrochloride 1 mg/mL oral liquid (LDN), 21 mL", "directions": "Take 1.5 mL."}


def test_a_complete_label_has_every_element():
    label = format_label(LabelFacts(**FACTS, lot_number="L7"))
    assert label.missing == ()
    for part in ("RX-1", "Patty Smith", "Lin Chen", "Compounding Chemists", "0113 496 0000", "2026-12-04",
                 "2026-12-18", "refrigerator", "21 mL", "Take 1.5 mL.", "Lot L7", "Do not take with opioid medicines"):
        assert part in label.text
    assert label.sources  # the opioid warning is sourced


def test_a_missing_element_is_named_never_invented():
    label = format_label(LabelFacts(**{**FACTS, "pharmacy_phone": "", "patient_name": " "}))
    assert label.missing == ("patient's full name", "pharmacy phone")
    assert "MISSING: pharmacy phone" in label.text
    assert "MISSING: patient's full name" in label.text


def test_placebo_capsules_match_the_active_fill():
    made = dt.date(2026, 12, 1)
    active = compound_capsules(4.5, 31, fill_weight_mg=110, prepared_on=made)
    placebo = compound_placebo_capsules(31, fill_weight_mg=110, prepared_on=made)
    assert (placebo.capsule_size, placebo.fill_weight_mg, placebo.bud_days) == (active.capsule_size, 110, active.bud_days)
    assert placebo.filler_mg == 31 * 110
    assert "same fill weight as the active capsules" in placebo.worksheet
