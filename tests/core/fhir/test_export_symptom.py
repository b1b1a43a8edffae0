"""A symptom in the patient's own words ("Something else?") leaves in a FHIR bundle as a text-only
Observation (the words and their severity; no invented code, not attributed to LDN)."""

import dataclasses
import datetime as dt
import json

from ldncare.core.fhir import PatientRecord, bundle_to_json, export_bundle, import_bundle
from ldncare.core.response import Diary, DiaryDay

RECORDED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _bundle(day: DiaryDay) -> dict:
    record = PatientRecord(pseudonym="pseudo-7", diary=Diary(days=(day,)))
    return json.loads(bundle_to_json(export_bundle(record, recorded=RECORDED)))


def _symptoms(bundle: dict) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
            and e["resource"].get("code", {}).get("text") == "Symptom in the patient's own words"]


def test_the_typed_symptom_is_an_observation_with_text_only():
    day = DiaryDay(date=dt.date(2026, 3, 1), scores={"pain": 4}, symptom="crushing chest pain",
                   symptom_severity="moderate")
    [observation] = _symptoms(_bundle(day))
    assert observation["valueString"] == "crushing chest pain"
    assert "coding" not in observation["code"]  # no code is invented for the person's words
    assert observation["effectiveDateTime"] == "2026-03-01"
    [severity] = observation["component"]
    assert severity["valueCodeableConcept"]["coding"][0]["code"] == "moderate"
    assert "suspectEntity" not in observation


def test_a_control_character_is_never_written_and_no_symptom_no_observation():
    day = DiaryDay(date=dt.date(2026, 3, 1), symptom="pain\x1b[31m", symptom_severity="mild")
    assert _symptoms(_bundle(day))[0]["valueString"] == "pain[31m"
    assert _symptoms(_bundle(dataclasses.replace(day, symptom="", symptom_severity=None))) == []


def test_importing_it_gives_back_the_symptom_never_a_guessed_side_effect():
    day = DiaryDay(date=dt.date(2026, 3, 1), scores={"pain": 4}, symptom="mild headache", symptom_severity="mild")
    bundle = _bundle(day)
    result = import_bundle(bundle)
    (restored,) = result.record.diary.days
    assert restored.side_effects == ()  # never turned into a catalogue side effect
    assert (restored.symptom, restored.symptom_severity) == ("mild headache", "mild")
    assert result.unknown == ()
    again = bundle_to_json(export_bundle(result.record, recorded=RECORDED))
    assert json.loads(again) == bundle  # export → import → export is identical


def test_a_foreign_text_only_observation_is_still_listed():
    bundle = _bundle(DiaryDay(date=dt.date(2026, 3, 1), scores={"pain": 4}, symptom="cramps", symptom_severity="mild"))
    [observation] = _symptoms(bundle)
    observation["code"]["text"] = "Patient comment"
    result = import_bundle(bundle)
    assert result.record.diary.days[0].symptom == ""
    assert any("Observation" in line for line in result.unknown)
