"""'Other condition': a condition beyond the library, in her own words, on the onboarding page; shown to her,
to her clinician on the record and the visit report, and exported to FHIR as Condition.code.text only."""

from __future__ import annotations

import json

import pytest

from ldncare.core.fhir import bundle_to_json, import_bundle
from ldncare.web.record.models import Profile

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ANSWERS = {"conditions": ["fibromyalgia"], "medicines": "", "hepatic": "none"}


def test_she_types_other_conditions_and_they_are_kept_as_typed(client, patient):
    client.force_login(patient)
    assert "Another condition, not in the list" in client.get("/me/onboarding/").content.decode()
    client.post("/me/onboarding/", {**ANSWERS, "other_conditions": "  Hailey-Hailey disease \n\nMCAS (mast cell)\nMCAS (mast cell)\n"})
    profile = Profile.objects.get(patient=patient)
    assert profile.other_conditions == ["Hailey-Hailey disease", "MCAS (mast cell)"]
    assert profile.condition_ids == ["fibromyalgia"]
    again = client.get("/me/onboarding/").content.decode()
    assert "Hailey-Hailey disease\nMCAS (mast cell)</textarea>" in again
    conditions = client.get("/me/conditions/").content.decode()
    assert "Hailey-Hailey disease" in conditions
    assert "no evidence summary" in conditions
    assert "Fibromyalgia" in conditions
    client.post("/me/onboarding/", {**ANSWERS, "other_conditions": ""})
    assert Profile.objects.get(patient=patient).other_conditions == []


def test_only_other_conditions_is_not_an_empty_conditions_page(client, patient):
    client.force_login(patient)
    client.post("/me/onboarding/", {**ANSWERS, "conditions": [], "other_conditions": "Long COVID"})
    page = client.get("/me/conditions/").content.decode()
    assert "Long COVID" in page
    assert "You have not told ldncare your conditions yet" not in page


@pytest.mark.parametrize(("typed", "says"), [
    ("Lyme\x1b[31m disease", "control character U+001B"),
    ("x" * 101, "allowed: 2 to 100"),
    ("x", "allowed: 2 to 100"),
    ("\n".join(f"condition {n}" for n in range(11)), "allowed: at most 10"),
])
def test_what_cannot_be_an_other_condition_is_a_form_error(client, patient, typed, says):
    client.force_login(patient)
    page = client.post("/me/onboarding/", {**ANSWERS, "other_conditions": typed}).content.decode()
    assert says in page
    assert not Profile.objects.filter(patient=patient).exists()  # nothing half-written


def test_the_clinician_sees_the_words_on_the_record_and_the_visit_report(client, world):
    Profile.objects.filter(patient=world["owner"]).update(other_conditions=["Hailey-Hailey disease"])
    client.force_login(world["clin_ok"])
    record = client.get(f"/patients/{world['owner'].public_id}/").content.decode()
    assert "Fibromyalgia; other (as she typed them): “Hailey-Hailey disease”" in record
    report = client.get(f"/patients/{world['owner'].public_id}/report/").content.decode()
    assert "other, as the patient typed them: “Hailey-Hailey disease”" in report


def test_fhir_export_has_the_words_as_code_text_with_no_coding_and_reads_back(world):
    from ldncare.web.interop.services import export_patient_bundle, patient_record

    Profile.objects.filter(patient=world["owner"]).update(other_conditions=["Hailey-Hailey disease"])
    bundle = json.loads(bundle_to_json(export_patient_bundle(world["owner"])))
    conditions = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    other = [c for c in conditions if c["code"].get("text") == "Hailey-Hailey disease"]
    assert len(conditions) == 2
    assert len(other) == 1
    assert "coding" not in other[0]["code"]
    result = import_bundle(bundle)
    assert result.unknown == ()
    assert result.record.other_conditions == ("Hailey-Hailey disease",)
    assert result.record == patient_record(world["owner"])
