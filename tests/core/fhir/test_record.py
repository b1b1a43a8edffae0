import datetime as dt

import pytest

from ldncare.core.dosing import build_plan
from ldncare.core.fhir import PlanFormatError, PrescribedPlan, condition_entry
from ldncare.core.knowledge import UnknownConditionError


def test_plan_json_round_trips_through_the_record():
    plan = PrescribedPlan.from_plan(build_plan("gentle", start_date=dt.date(2026, 12, 1), concentration_mg_per_ml=0.5))
    again = PrescribedPlan.from_json(plan.to_json())
    assert again == plan
    assert again.to_json()["devices_needed"] == list(dict.fromkeys(s.device for s in plan.steps if s.device))


@pytest.mark.parametrize(("payload", "message"), [
    ([], "JSON object"),
    ({"protocol": "article"}, "lacks target_mg, steps"),
])
def test_not_a_plan_is_refused(payload, message):
    with pytest.raises(PlanFormatError, match=message):
        PrescribedPlan.from_json(payload)


def test_a_bad_step_names_its_field():
    payload = PrescribedPlan.from_plan(build_plan("article", start_date=dt.date(2026, 12, 1))).to_json()
    payload["steps"][1]["time"] = "25:00"
    with pytest.raises(PlanFormatError, match="time"):
        PrescribedPlan.from_json(payload)
    payload["steps"][1]["time"] = "22:00"
    payload["steps"][1]["dose_mg"] = "lots"
    with pytest.raises(PlanFormatError, match=r"steps\[1\].dose_mg must be a number"):
        PrescribedPlan.from_json(payload)


def test_condition_entries_use_the_first_code_or_a_listed_one():
    assert condition_entry("MS").icd10 == "G35.D"  # G35 is a header since FY2026
    assert condition_entry("multiple-sclerosis", "G35.A").icd10 == "G35.A"
    with pytest.raises(ValueError, match="not listed for multiple-sclerosis"):
        condition_entry("multiple-sclerosis", "K50.90")
    with pytest.raises(UnknownConditionError):
        condition_entry("gout-of-the-soul")
