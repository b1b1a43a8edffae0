import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldncare.core.fhir import (
    FhirImportError,
    PatientRecord,
    bundle_to_json,
    export_bundle,
    import_bundle,
    unresolved_references,
)
from ldncare.core.fhir.resources import model_class
from ldncare.core.response import DiaryDay, format_diary, parse_diary

RECORDED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
FOREIGN = Path(__file__).resolve().parents[2] / "data" / "fhir" / "foreign-bundle.json"


@pytest.fixture(scope="module")
def exported(full_record):
    return json.loads(bundle_to_json(export_bundle(full_record, timezone="America/New_York", recorded=RECORDED)))


def entry_index(bundle, kind, predicate=lambda r: True):
    return next(i for i, e in enumerate(bundle["entry"])
                if e["resource"]["resourceType"] == kind and predicate(e["resource"]))


def test_round_trip_restores_the_whole_record(full_record, exported):
    result = import_bundle(exported)
    assert result.record == full_record
    assert result.unknown == ()
    assert result.imported["Condition"] == 2
    assert result.imported["MedicationRequest"] == 1


def test_round_trip_csv_is_identical(full_record, exported):
    restored = import_bundle(json.dumps(exported)).record
    assert format_diary(restored.diary) == format_diary(full_record.diary)
    assert restored.plan.to_json() == full_record.plan.to_json()


def test_unknown_resources_are_reported_not_dropped():
    result = import_bundle(FOREIGN.read_text())
    assert result.record.pseudonym == "0b1f7c0e-5d57-4a8e-8a55-4f5d2f3f2a01"
    # a Condition coded only in ICD-10-CM maps when ldncare lists the code
    assert [(c.id, c.icd10) for c in result.record.conditions] == [("fibromyalgia", "M79.7")]
    assert len(result.unknown) == 3
    assert result.unknown[0].startswith("entry[1] Encounter/")
    assert "entry[3] Condition/" in result.unknown[1]
    assert "entry[4] Observation/" in result.unknown[2]
    assert result.record.diary is None


@pytest.mark.parametrize(("kind", "has", "field", "value", "path"), [
    ("Observation", "valueInteger", "valueInteger", "six", "valueInteger"),
    ("MedicationRequest", "dosageInstruction", "dosageInstruction", [{"sequence": "first"}],
     "dosageInstruction[0].sequence"),
    ("AdverseEvent", "event", "resourceType", "Sideeffect", "resourceType"),
    ("MedicationAdministration", "effectiveDateTime", "effectiveDateTime", "yesterday", "effectiveDateTime"),
])
def test_malformed_bundles_name_the_path_of_the_first_error(exported, kind, has, field, value, path):
    bundle = copy.deepcopy(exported)
    i = entry_index(bundle, kind, lambda r: has in r)
    bundle["entry"][i]["resource"][field] = value
    with pytest.raises(FhirImportError) as caught:
        import_bundle(bundle)
    assert caught.value.path.startswith(f"entry[{i}].resource.{path}")


def test_a_dangling_reference_is_an_error(exported):
    bundle = copy.deepcopy(exported)
    i = entry_index(bundle, "AdverseEvent")
    bundle["entry"][i]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    with pytest.raises(FhirImportError, match="names no entry") as caught:
        import_bundle(bundle)
    assert caught.value.path == f"entry[{i}].resource.subject.reference"


@pytest.mark.parametrize(("kind", "field", "value", "message"), [
    ("Observation", "valueQuantity", {"value": 11, "unit": "{score}"}, "score 11"),
    ("MedicationAdministration", "dosage", {"dose": {"value": 4.5, "unit": "g", "code": "g"}}, "unit 'g'"),
    ("AdverseEvent", "severity", {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
                                              "code": "fatal"}]}, "severity"),
])
def test_out_of_range_values_are_refused_with_their_path(exported, kind, field, value, message):
    bundle = copy.deepcopy(exported)
    i = entry_index(bundle, kind, lambda r: field in r)
    bundle["entry"][i]["resource"][field] = value
    with pytest.raises(FhirImportError, match=message) as caught:
        import_bundle(bundle)
    assert caught.value.path.startswith(f"entry[{i}].resource.{field}")


@pytest.mark.parametrize("text", ["", "[]", '{"resourceType": "Patient"}', "not json"])
def test_anything_but_a_bundle_is_refused(text):
    with pytest.raises(FhirImportError):
        import_bundle(text)


def test_invalid_icd10cm_code_is_refused(exported):
    bundle = copy.deepcopy(exported)
    i = entry_index(bundle, "Condition")
    bundle["entry"][i]["resource"]["code"]["coding"][0]["code"] = "Q99.XYZ"
    with pytest.raises(FhirImportError, match="not an ICD-10-CM code"):
        import_bundle(bundle)


# --- property test: generated diaries --------------------------------------------------------

SIDE_EFFECTS = ("headache", "vivid_dreams", "insomnia", "nausea", "fatigue", "liver_injury_signs")
OUTCOMES = ("pain", "fatigue", "sleep_quality", "mood", "stiffness", "brain_fog")
halves = st.integers(0, 20).map(lambda n: n / 2)


@st.composite
def diary_days(draw):
    offsets = draw(st.lists(st.integers(0, 400), min_size=1, max_size=12, unique=True))
    days = []
    for offset in offsets:
        effects = draw(st.lists(st.sampled_from(SIDE_EFFECTS), unique=True, max_size=3))
        days.append(DiaryDay(
            date=dt.date(2026, 1, 1) + dt.timedelta(days=offset),
            ldn_dose_mg=draw(st.none() | st.integers(0, 90).map(lambda n: n / 4)),
            dose_time=draw(st.none() | st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))),
            phase=draw(st.none() | st.sampled_from(["baseline", "titration", "maintenance", "period 2, bottle B"])),
            scores=draw(st.dictionaries(st.sampled_from(OUTCOMES), halves, max_size=4)),
            pgic=draw(st.none() | st.integers(1, 7)),
            side_effects=tuple((e, draw(st.sampled_from(["mild", "moderate", "severe"]))) for e in effects),
            notes=draw(st.text(st.sampled_from("abc XYZ,;\"'é"), max_size=12)).strip(),
            **draw(st.sampled_from([{}, {"symptom": "cramps", "symptom_severity": "mild"},
                                    {"symptom": 'a "sharp", odd ache', "symptom_severity": "severe"}])),
        ))
    return parse_diary(format_diary(days))  # the canonical diary, as a CSV file would give it


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diary=diary_days(), zone=st.sampled_from(["UTC", "Europe/Amsterdam", "Pacific/Auckland", "America/Denver"]))
def test_every_exported_diary_validates_and_round_trips(diary, zone):
    record = PatientRecord(pseudonym="generated", diary=diary)
    bundle = json.loads(bundle_to_json(export_bundle(record, timezone=zone, recorded=RECORDED)))
    for entry in bundle["entry"]:
        model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    assert unresolved_references(bundle) == []
    restored = import_bundle(bundle, latest_day=dt.date(2027, 12, 31)).record  # generated days reach into 2027
    assert restored == record
    assert format_diary(restored.diary) == format_diary(diary)


def test_a_hand_entered_plan_with_an_open_last_step_round_trips():
    from ldncare.core.fhir import PrescribedPlan

    plan = PrescribedPlan.from_json({"protocol": "custom", "target_mg": 4.5, "steps": [
        {"start_date": "2026-03-01", "end_date": "2026-03-14", "dose_mg": 1.5, "time": "21:00"},
        {"start_date": "2026-03-15", "end_date": None, "dose_mg": 4.5, "time": "21:00"}]})
    record = PatientRecord(pseudonym="hand", plan=plan)
    bundle = json.loads(bundle_to_json(export_bundle(record, recorded=RECORDED)))
    request = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationRequest")
    assert request["dosageInstruction"][1]["timing"]["repeat"]["boundsPeriod"] == {"start": "2026-03-15"}
    assert "maxDosePerPeriod" not in request["dosageInstruction"][0]
    restored = import_bundle(bundle).record.plan
    assert restored == plan
    assert restored.to_json()["steps"][1]["days"] is None


def test_an_entry_without_a_resource_is_reported():
    result = import_bundle({"resourceType": "Bundle", "type": "collection",
                            "entry": [{"fullUrl": "urn:uuid:0b1f7c0e-5d57-4a8e-8a55-4f5d2f3f2a09"}]})
    assert result.unknown == ("entry[0]: no resource (only a fullUrl, request or response)",)


def test_export_import_export_is_byte_identical(full_record):
    first = bundle_to_json(export_bundle(full_record, timezone="Europe/Amsterdam", recorded=RECORDED))
    again = bundle_to_json(export_bundle(import_bundle(first).record, timezone="Europe/Amsterdam", recorded=RECORDED))
    assert again == first


def test_the_medication_is_coded_for_a_receiving_interaction_checker(exported):
    (medication,) = [e["resource"] for e in exported["entry"] if e["resource"]["resourceType"] == "Medication"]
    codes = {(c["system"], c["code"]) for c in medication["code"]["coding"]}
    assert ("http://www.nlm.nih.gov/research/umls/rxnorm", "7243") in codes
    assert ("https://ldncare.org/fhir/CodeSystem/medication", "ldn-compounded") in codes  # the local code kept
    ingredient = medication["ingredient"][0]["itemCodeableConcept"]["coding"]
    assert ingredient == [{"system": "http://fdasis.nlm.nih.gov", "code": "Z6375YW9SF",
                           "display": "NALTREXONE HYDROCHLORIDE"}]


def test_a_stored_note_with_control_characters_is_exported_without_them():
    from ldncare.core.response import Diary

    stored = DiaryDay(date=dt.date(2026, 3, 1), scores={"pain": 4.0}, notes="bell\x07 esc\x1b[31m ok")
    record = PatientRecord(pseudonym="p", diary=Diary(days=(stored,)))  # as stored before the rule
    bundle = json.loads(bundle_to_json(export_bundle(record, recorded=RECORDED)))
    notes = [n["text"] for e in bundle["entry"] for n in e["resource"].get("note", [])
             if e["resource"]["resourceType"] == "Observation"]
    assert notes == ["bell esc[31m ok"]
    assert import_bundle(bundle).record.diary.days[0].notes == "bell esc[31m ok"
