"""A condition beyond ldncare's library ("other condition") leaves as a Condition with code.text only (her
words, no invented coding) and comes back as the same words; unsafe words are refused both ways."""

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from ldncare.core.fhir import (
    FhirImportError,
    PatientRecord,
    bundle_to_json,
    condition_entry,
    export_bundle,
    import_bundle,
)

RECORDED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _bundle(record: PatientRecord) -> dict:
    return json.loads(bundle_to_json(export_bundle(record, recorded=RECORDED)))


def test_export_import_export_is_identical():
    record = PatientRecord(pseudonym="p-1", conditions=(condition_entry("fibromyalgia"),),
                           other_conditions=("Hailey-Hailey disease", "Long COVID"))
    bundle = _bundle(record)
    texts = [e["resource"]["code"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert {"text": "Hailey-Hailey disease"} in texts
    assert {"text": "Long COVID"} in texts
    result = import_bundle(bundle)
    assert result.unknown == ()
    assert result.record.other_conditions == ("Hailey-Hailey disease", "Long COVID")
    assert _bundle(result.record) == bundle


def test_unsafe_or_overlong_words_are_refused():
    with pytest.raises(ValidationError, match="control character"):
        PatientRecord(pseudonym="p-1", other_conditions=("bad\x07",))
    with pytest.raises(ValidationError, match="allowed: 2 to 100"):
        PatientRecord(pseudonym="p-1", other_conditions=("x" * 101,))
    bundle = _bundle(PatientRecord(pseudonym="p-1", other_conditions=("Long COVID",)))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Condition":
            entry["resource"]["code"]["text"] = "Long\x1bCOVID"
    with pytest.raises(FhirImportError, match="control character"):
        import_bundle(bundle)


def test_a_condition_with_a_foreign_coding_is_still_skipped_not_taken_as_words():
    bundle = _bundle(PatientRecord(pseudonym="p-1", other_conditions=("Long COVID",)))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Condition":
            entry["resource"]["code"]["coding"] = [{"system": "http://snomed.info/sct", "code": "1119303003"}]
    result = import_bundle(bundle)
    assert result.record.other_conditions == ()
    assert any("condition not in ldncare's list" in u for u in result.unknown)
