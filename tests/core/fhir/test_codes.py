import pytest

from ldncare.core.fhir.codes import (
    EXT,
    LOINC,
    NALTREXONE_HCL_UNII,
    RXNORM,
    UNII,
    InvalidCodeError,
    check_icd10cm,
    is_billable_icd10cm,
    is_naltrexone,
    outcome_codings,
    outcome_of,
)
from ldncare.core.knowledge import load_conditions


def test_every_listed_condition_code_is_a_billable_icd10cm_code():
    for condition in load_conditions():
        for code in condition.icd10:
            assert check_icd10cm(code)
            assert is_billable_icd10cm(code), f"{condition.id}: {code} is a category header"


def test_naltrexone_is_recognised_by_code_or_name_and_nothing_else_is():
    assert is_naltrexone({"coding": [{"system": UNII, "code": NALTREXONE_HCL_UNII[0]}]})
    assert is_naltrexone({"coding": [{"system": RXNORM, "code": "1483744", "display": "naltrexone hydrochloride 50 MG Oral Tablet"}]})
    assert is_naltrexone({"text": "LDN (Naltrexone) 4.5 mg"})
    assert not is_naltrexone({"coding": [{"system": RXNORM, "code": "7242", "display": "naloxone"}]})
    assert not is_naltrexone(None)


def test_pain_is_read_from_its_loinc_code_alone():
    assert outcome_of({"coding": [{"system": LOINC, "code": "72514-3"}]}) == "pain"
    assert outcome_of({"coding": [{"system": LOINC, "code": "8867-4"}]}) is None


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
