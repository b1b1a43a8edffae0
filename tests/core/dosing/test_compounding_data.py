"""Compounding data: USP <795> categories, the study, formulas, fillers — all sourced."""

from __future__ import annotations

from decimal import Decimal

from ldncare.core.dosing.compounding_data import (
    get_bud_category,
    get_capsule_size,
    get_formula,
    get_stability_study,
    get_tablet,
    load_bud_categories,
    load_fillers,
    load_formulas,
)


def test_the_four_usp_795_categories_and_their_days():
    days = {c.id: c.bud_days for c in load_bud_categories()}
    assert days == {"aqueous-unpreserved": 14, "aqueous-preserved": 35, "nonaqueous-liquid": 90, "solid": 180}


def test_the_fawcett_study_is_cited_by_pmid_and_doi():
    study = get_stability_study("fawcett-1997")
    assert (study.refrigerated_days, study.room_temperature_days) == (60, 30)
    assert {s.pmid for s in study.sources} >= {"9391680"}
    assert any(s.doi == "10.1177/106002809703101102" for s in study.sources)
    assert get_formula(study.formula_id).preserved


def test_formulas_point_to_existing_categories_and_studies():
    for formula in load_formulas():
        assert get_bud_category(formula.bud_category)
        if formula.stability_study:
            assert get_stability_study(formula.stability_study)


def test_one_recommended_filler_and_slow_release_fillers_are_avoided():
    fillers = {f.id: f.use for f in load_fillers()}
    assert fillers["microcrystalline-cellulose"] == "recommended"
    assert fillers["methylcellulose-derivatives"] == "avoid"
    assert [f for f, use in fillers.items() if use == "recommended"] == ["microcrystalline-cellulose"]


def test_capsule_and_tablet_numbers():
    assert get_capsule_size().volume_ml == Decimal("0.3")
    assert get_tablet().strength_mg == 50
