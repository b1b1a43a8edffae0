import datetime as dt
import json

import pytest

from ldncare.core.fhir import (
    ExportError,
    PatientRecord,
    bundle_to_json,
    export_bundle,
    unresolved_references,
)
from ldncare.core.fhir.codes import ADVERSE_EVENT_SEVERITY, ICD10CM, LOINC, SIDE_EFFECT, UCUM
from ldncare.core.fhir.resources import model_class

RECORDED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bundle_json(full_record):
    return json.loads(bundle_to_json(export_bundle(full_record, timezone="Europe/Amsterdam", recorded=RECORDED)))


def resources(bundle_json, kind):
    return [e["resource"] for e in bundle_json["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_validates_on_its_own_and_every_reference_resolves(bundle_json):
    assert bundle_json["type"] == "collection"
    for entry in bundle_json["entry"]:
        resource = entry["resource"]
        model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    assert unresolved_references(bundle_json) == []
    refs = json.dumps(bundle_json).count('"reference": "urn:uuid:')
    assert refs > 100


def test_the_same_record_gives_the_same_bundle(full_record, bundle_json):
    again = json.loads(bundle_to_json(export_bundle(full_record, timezone="Europe/Amsterdam", recorded=RECORDED)))
    assert again == bundle_json


def test_patient_is_pseudonymous(bundle_json):
    (patient,) = resources(bundle_json, "Patient")
    assert set(patient) == {"resourceType", "id", "identifier"}
    assert patient["identifier"][0]["value"] == "pseudo-42"


def test_conditions_are_icd10cm_coded(bundle_json):
    codes = {c["code"]["coding"][0]["system"] + "|" + c["code"]["coding"][0]["code"]
             for c in resources(bundle_json, "Condition")}
    assert codes == {f"{ICD10CM}|M79.7", f"{ICD10CM}|K50.10"}
    crohn = next(c for c in resources(bundle_json, "Condition") if c["code"]["coding"][1]["code"] == "crohns-disease")
    assert crohn["code"]["coding"][0]["display"] == "Crohn's disease of large intestine without complications"


def test_plan_steps_are_dosage_instructions_with_bounds_time_and_mg(full_record, bundle_json):
    (request,) = resources(bundle_json, "MedicationRequest")
    dosages = request["dosageInstruction"]
    assert len(dosages) == len(full_record.plan.steps)
    for dosage, step in zip(dosages, full_record.plan.steps, strict=True):
        repeat = dosage["timing"]["repeat"]
        assert repeat["boundsPeriod"] == {"start": step.start_date.isoformat(), "end": step.end_date.isoformat()}
        assert repeat["timeOfDay"] == [f"{step.time}:00"]
        assert dosage["doseAndRate"][0]["doseQuantity"] == {"value": float(step.dose_mg), "unit": "mg",
                                                            "system": UCUM, "code": "mg"}
    (medication,) = resources(bundle_json, "Medication")
    assert request["medicationReference"]["reference"] == f"urn:uuid:{medication['id']}"
    assert "compounded" in medication["code"]["text"]
    assert medication["ingredient"][0]["strength"]["numerator"]["value"] == float(full_record.plan.concentration_mg_per_ml)


def test_doses_carry_the_time_taken_with_the_zone_offset(bundle_json):
    taken = sorted(a["effectiveDateTime"] for a in resources(bundle_json, "MedicationAdministration"))
    # winter in Amsterdam is UTC+1; a dose without a time keeps date precision
    assert taken == ["2026-02-02T22:30:00+01:00", "2026-02-03", "2026-02-04T23:10:00+01:00",
                     "2026-03-02T08:00:00+01:00", "2026-03-03T07:55:00+01:00"]
    no_dose = next(a for a in resources(bundle_json, "MedicationAdministration")
                   if a["effectiveDateTime"].startswith("2026-02-04"))
    assert "dosage" not in no_dose


def test_pain_is_loinc_72514_3_and_other_scores_are_local(bundle_json):
    observations = resources(bundle_json, "Observation")
    pain = [o for o in observations if o["code"]["coding"][0].get("system") == LOINC]
    assert {o["code"]["coding"][0]["code"] for o in pain} == {"72514-3"}
    assert len(pain) == 6
    assert all(o["code"]["coding"][1]["code"] == "pain" for o in pain)
    fatigue = [o for o in observations if o["code"]["coding"][0]["code"] == "fatigue"]
    assert len(fatigue) == 5
    assert all(len(o["code"]["coding"]) == 1 for o in fatigue)


def test_side_effects_are_adverse_events_with_severity(bundle_json):
    events = {(e["date"], e["event"]["coding"][0]["code"], e["severity"]["coding"][0]["code"])
              for e in resources(bundle_json, "AdverseEvent")}
    assert events == {("2026-02-02", "vivid_dreams", "moderate"), ("2026-02-02", "insomnia", "mild"),
                      ("2026-02-04", "headache", "severe")}
    for event in resources(bundle_json, "AdverseEvent"):
        assert event["event"]["coding"][0]["system"] == SIDE_EFFECT
        assert event["severity"]["coding"][0]["system"] == ADVERSE_EVENT_SEVERITY


def test_trial_design_is_exported_without_the_allocation(full_record, bundle_json):
    (study,) = resources(bundle_json, "ResearchStudy")
    assert study["identifier"][0]["value"] == full_record.trial.trial_id
    text = json.dumps(study)
    assert '"bottle"' in text
    assert "placebo" in text
    # only the two generic arm names, never bottle -> arm
    assert [a["name"] for a in study["arm"]] == ["ldn", "placebo"]
    assert "allocation" not in json.dumps(bundle_json).replace("The allocation key is held", "")
    (subject,) = resources(bundle_json, "ResearchSubject")
    assert subject["study"]["reference"] == f"urn:uuid:{study['id']}"


def test_provenance_says_who_entered_what(bundle_json):
    provenances = {p["id"]: p for p in resources(bundle_json, "Provenance")}
    (patient,) = resources(bundle_json, "Patient")
    diary = next(p for p in provenances.values() if p["agent"][0]["who"].get("reference") == f"urn:uuid:{patient['id']}")
    assert diary["agent"][0]["type"]["coding"][0]["code"] == "author"
    kinds = {ref["type"] for ref in diary["target"]}
    assert kinds == {"List", "Observation", "MedicationAdministration", "AdverseEvent"}
    assert diary["recorded"] == "2026-11-24T12:00:00Z"
    covered = {t["reference"] for p in provenances.values() for t in p["target"]}
    mapped = {e["fullUrl"] for e in bundle_json["entry"]
              if e["resource"]["resourceType"] not in ("Patient", "Device", "Provenance")}
    assert covered == mapped


def test_prescriber_is_named_when_known(full_record):
    bundle = json.loads(bundle_to_json(export_bundle(full_record, recorded=RECORDED, prescriber="Dr. A. Example")))
    (request,) = resources(bundle, "MedicationRequest")
    assert request["requester"] == {"display": "Dr. A. Example"}


def test_bad_time_zone_and_naive_recorded_time_are_refused(full_record):
    with pytest.raises(ExportError, match="unknown time zone 'Mars/Olympus'"):
        export_bundle(full_record, timezone="Mars/Olympus")
    with pytest.raises(ExportError, match="time zone"):
        export_bundle(full_record, recorded=dt.datetime(2026, 1, 1))


def test_an_empty_record_is_a_patient_and_the_medication_only():
    bundle = export_bundle(PatientRecord(pseudonym="x"), recorded=RECORDED)
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient", "Device", "Medication", "Provenance"]
