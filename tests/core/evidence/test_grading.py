"""Oxford CEBM 2011 levels: design mapping and the two documented downgrades."""

from __future__ import annotations

import pytest

from ldncare.core.evidence.grading import DESIGN_LEVELS, IMPRECISION_MIN_N, SCHEME, grade_study
from ldncare.core.knowledge.studies import DESIGNS, Study, get_study, load_studies


def test_every_design_has_a_level_and_label():
    assert set(DESIGN_LEVELS) == set(DESIGNS)
    assert {level for level, _ in DESIGN_LEVELS.values()} == {1, 2, 3, 4, 5}
    assert "CEBM 2011" in SCHEME


@pytest.mark.parametrize(
    ("study_id", "level", "design_level"),
    [
        ("parker2018-cochrane-crohns", 1, 1),
        ("vatvani2024-fibromyalgia-meta", 1, 1),
        ("smith2011-crohns-rct", 2, 2),
        ("bruun2024-fibromyalgia-final-rct", 2, 2),
        ("cree2010-ms-qol-crossover", 2, 2),
        ("smith2013-pediatric-crohns", 3, 2),  # 14 children: imprecision
        ("mischoulon2017-mdd-augmentation", 3, 2),  # 12 patients: imprecision
        ("pgimer2021-diabetic-neuropathy-vs-amitriptyline", 3, 2),  # active comparator only: indirectness
        ("younger2009-fibromyalgia-pilot", 4, 3),  # non-randomized, 10 women: imprecision
        ("raknes2019-ra-register", 4, 3),  # dispensing as proxy outcome: indirectness
        ("smith2007-crohns-openlabel", 4, 4),
        ("frech2011-ssc-pruritus", 4, 4),
        ("isman2024-longcovid-ldn-nad", 5, 4),  # NAD+ co-intervention
        ("kim2020-chronic-pain-review", 5, 5),
        ("mcdermott2019-hashimoto-chapter", 5, 5),
    ],
)
def test_levels(study_id, level, design_level):
    grade = grade_study(get_study(study_id))
    assert (grade.level, grade.design_level) == (level, design_level)
    assert len(grade.downgrades) == level - design_level


def test_autism_trials_are_graded_down_for_indirectness():
    grade = grade_study(get_study("bouvard1995-autism-0.5mgkg"))
    assert grade.design_level == 2
    assert [d.reason for d in grade.downgrades] == ["indirectness"]
    assert "0.5 mg/kg" in grade.downgrades[0].explanation


def test_level_never_exceeds_5_and_downgrades_only_add():
    for study in load_studies():
        grade = grade_study(study)
        assert 1 <= grade.design_level <= grade.level <= 5


def test_imprecision_threshold_is_strict():
    base = get_study("smith2011-crohns-rct").model_dump()
    at = Study.model_validate(base | {"n_enrolled": IMPRECISION_MIN_N})
    below = Study.model_validate(base | {"n_enrolled": IMPRECISION_MIN_N - 1})
    assert grade_study(at).level == 2
    assert grade_study(below).level == 3
    assert grade_study(below).downgrades[0].reason == "imprecision"
