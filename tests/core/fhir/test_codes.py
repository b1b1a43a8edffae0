import pytest

from ldncare.core.fhir.codes import EXT, LOINC, InvalidCodeError, check_icd10cm, outcome_codings
from ldncare.core.knowledge import load_conditions


def test_every_listed_condition_code_is_icd10cm():
    for condition in load_conditions():
        for code in condition.icd10:
            assert check_icd10cm(code)


@pytest.mark.parametrize("code", ["K5090", "Z99.999", "", "k50.90"])
def test_invalid_codes_are_refused(code):
    with pytest.raises(InvalidCodeError):
        check_icd10cm(code)


def test_only_pain_has_a_loinc_coding():
    assert [c.system for c in outcome_codings("pain")][0] == LOINC
    for outcome in ("fatigue", "sleep_quality", "mood", "pgic", "stiffness"):
        assert all(c.system != LOINC for c in outcome_codings(outcome))


def test_extension_urls():
    assert EXT.plan_target_dose == "https://ldncare.org/fhir/StructureDefinition/plan-target-dose"
    with pytest.raises(AttributeError):
        EXT.plan_protocl  # noqa: B018
