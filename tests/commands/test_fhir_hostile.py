"""Hostile and foreign FHIR bundles through ``ldncare fhir import`` (issue 18).

Every case either imports exactly (the diary written equals the expected CSV) or is refused
with exit 2, a message with the path, no traceback and nothing written. Cases are built from
ldncare's own export of a full record, or are foreign bundles under ``tests/data/fhir/``.
Together: 0 tracebacks, 0 silent merges, 0 out-of-range days written.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ldncare.cli import app
from ldncare.core.fhir import (
    MAX_BUNDLE_BYTES,
    PatientRecord,
    bundle_to_json,
    export_bundle,
    import_bundle,
)
from ldncare.core.response import format_diary, parse_diary

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "fhir"
RECORDED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
DIARY = """date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,pgic,side_effects,notes
2026-03-01,,,baseline,6,5,4,5,,,
2026-03-02,1.5,22:30,titration,5,5,3,5,,vivid_dreams:moderate,first dose
2026-03-03,1.5,22:40,,4,,3,,3,,
"""


def base() -> dict:
    record = PatientRecord(pseudonym="hostile-1", diary=parse_diary(DIARY))
    return json.loads(bundle_to_json(export_bundle(record, timezone="Europe/Amsterdam", recorded=RECORDED)))


def find(bundle: dict, kind: str, predicate=lambda r: True) -> tuple[int, dict]:
    return next((i, e["resource"]) for i, e in enumerate(bundle["entry"])
                if e["resource"]["resourceType"] == kind and predicate(e["resource"]))


def code(resource: dict) -> str:
    return resource.get("code", {}).get("coding", [{}])[-1].get("code", "")


def panel(day: str):
    return lambda r: code(r) == "diary-day" and r["effectiveDateTime"] == day


def pain(day: str):
    return lambda r: code(r) == "pain" and r["effectiveDateTime"] == day


def copy_entry(bundle: dict, i: int, **changes) -> dict:
    """A copy of entry i with a new identity (and the given resource fields changed), appended."""
    entry = copy.deepcopy(bundle["entry"][i])
    new = str(uuid.uuid4())
    entry["fullUrl"], entry["resource"]["id"] = f"urn:uuid:{new}", new
    entry["resource"].update(changes)
    bundle["entry"].append(entry)
    return entry["resource"]


def set_in(bundle: dict, kind: str, predicate, **changes) -> dict:
    _, resource = find(bundle, kind, predicate)
    resource.update(changes)
    return bundle


# --- the cases: name → (build() → bundle dict or raw text, expected) -------------------------------
# expected: ("refused", a fragment of the message) or ("imported", the expected diary CSV or None)

def dup_panel():
    b = base()
    i, _ = find(b, "Observation", panel("2026-03-02"))
    copy_entry(b, i, note=[{"text": "a different note"}], hasMember=None)
    return b


def conflicting_pain():
    b = base()
    i, _ = find(b, "Observation", pain("2026-03-01"))
    copy_entry(b, i, valueQuantity={"value": 9, "unit": "{score}", "system": "http://unitsofmeasure.org",
                                    "code": "{score}"})
    return b


def duplicate_pain():
    b = base()
    copy_entry(b, find(b, "Observation", pain("2026-03-01"))[0])
    return b


def day_at(day: str):
    def build():
        b = base()
        for _, r in [(i, e["resource"]) for i, e in enumerate(b["entry"])]:
            if r.get("effectiveDateTime", "").startswith("2026-03-01"):
                r["effectiveDateTime"] = day
        return b
    return build


def pain_value(value):
    def build():
        b = base()
        _, r = find(b, "Observation", pain("2026-03-01"))
        r["valueQuantity"]["value"] = value
        return b
    return build


def dose(value, unit="mg"):
    def build():
        b = base()
        _, r = find(b, "MedicationAdministration")
        r["dosage"]["dose"].update(value=value, unit=unit, code=unit)
        return b
    return build


def note(text: str):
    return lambda: set_in(base(), "Observation", panel("2026-03-02"), note=[{"text": text}])


def raw(build, text_change):
    return lambda: text_change(json.dumps(build()))


def deep_extension():
    b = base()
    _, r = find(b, "Observation", panel("2026-03-01"))
    r["extension"] = ["DEEP"]
    leaf = json.dumps({"url": "https://x.example/leaf", "valueString": "x"})
    deep = '{"url": "https://x.example/n", "extension": [' * 3000 + leaf + "]}" * 3000
    return json.dumps(b).replace('"DEEP"', deep)


def two_patients():
    b = base()
    copy_entry(b, find(b, "Patient")[0])
    return b


def dangling():
    b = base()
    _, r = find(b, "AdverseEvent")
    r["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    return b


def duplicate_full_url():
    b = base()
    b["entry"][-1]["fullUrl"] = b["entry"][0]["fullUrl"]
    return b


def unknown_type():
    b = base()
    b["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {"resourceType": "Sideeffect"}})
    return b


def transaction_delete():
    b = base()
    b["type"] = "transaction"
    for e in b["entry"]:
        e["request"] = {"method": "POST", "url": e["resource"]["resourceType"]}
    b["entry"].append({"request": {"method": "DELETE", "url": "Observation?subject=Patient/1"}})
    return b


def history():
    b = base()
    b["type"] = "history"
    return b


def other_patient():
    b = base()
    _, r = find(b, "Observation", pain("2026-03-02"))
    r["subject"]["reference"] = "Patient/somebody-else"
    return b


def member_on_other_day():
    b = base()
    _, r = find(b, "Observation", pain("2026-03-01"))
    r["effectiveDateTime"] = "2026-02-27"
    return b


def ambiguous():
    b = base()
    pid = b["entry"][0]["resource"]["id"]
    b["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {"resourceType": "Device", "id": "dev"}})
    b["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {"resourceType": "Device", "id": "dev"}})
    _, r = find(b, "Observation", pain("2026-03-02"))
    r["device"] = {"reference": "Device/dev"}
    assert pid
    return b


def huge():
    text = json.dumps(base())
    return text[:-2] + " " * (MAX_BUNDLE_BYTES + 10) + text[-2:]


def bool_score():
    b = base()
    _, r = find(b, "Observation", lambda r: code(r) == "pgic")
    r["valueInteger"] = True
    return b


def month_only():
    return set_in(base(), "Observation", panel("2026-03-03"), effectiveDateTime="2026-03")


def pgic_nine():
    return set_in(base(), "Observation", lambda r: code(r) == "pgic", valueInteger=9)


def unknown_side_effect():
    b = base()
    _, r = find(b, "AdverseEvent")
    r["event"]["coding"][0]["code"] = "zombie_bite"
    return b


def ibuprofen_dose():
    b = base()
    i, _ = find(b, "MedicationAdministration")
    copy_entry(b, i, medicationReference=None, medicationCodeableConcept={"text": "Ibuprofen 400 mg"},
               effectiveDateTime="2026-03-01T12:00:00+01:00",
               dosage={"dose": {"value": 400, "unit": "mg", "code": "mg", "system": "http://unitsofmeasure.org"}})
    return b


def entered_in_error_pain():
    b = base()
    copy_entry(b, find(b, "Observation", pain("2026-03-01"))[0], status="entered-in-error")
    return b


def pain_without_value():
    b = base()
    copy_entry(b, find(b, "Observation", pain("2026-03-01"))[0], valueQuantity=None,
               dataAbsentReason={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                             "code": "asked-declined"}]})
    return b


def pain_as_string():
    b = base()
    _, r = find(b, "Observation", pain("2026-03-01"))
    del r["valueQuantity"]
    r["valueString"] = "6"
    return b


def pain_in_mmhg():
    b = base()
    _, r = find(b, "Observation", pain("2026-03-01"))
    r["valueQuantity"].update(unit="mmHg", code="mm[Hg]")
    return b


def device_heart_rate():
    b = base()
    device = next(e for e in b["entry"] if e["resource"]["resourceType"] == "Device")
    b["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": device["fullUrl"]}, "effectiveDateTime": "2026-03-01",
        "valueQuantity": {"value": 70, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}})
    return b


def side_effect_of_another_medicine():
    b = base()
    i, _ = find(b, "AdverseEvent")
    copy_entry(b, i, event={"text": "Headache"},
               contained=[{"resourceType": "Medication", "id": "ibu", "code": {"text": "Ibuprofen 400 mg tablet"}}],
               suspectEntity=[{"instance": {"reference": "#ibu"}}])
    return b


def pain_without_a_day():
    b = base()
    i, _ = find(b, "Observation", pain("2026-03-01"))
    r = copy_entry(b, i, valueQuantity={"value": 2, "unit": "{score}"})
    del r["effectiveDateTime"]
    return b


def pain_as_answer_and_snomed_mg():
    b = base()
    _, r = find(b, "Observation", pain("2026-03-01"))
    del r["valueQuantity"]
    r["valueCodeableConcept"] = {"coding": [{"system": "http://loinc.org", "code": "LA-example", "display": "6"}],
                                 "text": "6"}
    _, r = find(b, "MedicationAdministration", lambda r: r["effectiveDateTime"].startswith("2026-03-02"))
    r["dosage"]["dose"] = {"value": 1.5, "unit": "mg", "system": "http://snomed.info/sct", "code": "258684004"}
    return b


def bom():
    return "\ufeff" + json.dumps(base())


SERVER_STYLE = """date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,pgic,side_effects,notes
2026-11-16,1.5,22:15,,6,,,,,,
2026-11-17,,,,5,,,,,,
2026-11-18,,,,4.5,,,,,,
"""

CASES = {
    "own-bundle": (base, ("imported", DIARY)),
    "utf8-bom": (bom, ("imported", DIARY)),
    "server-style-foreign": (lambda: json.loads((DATA / "server-style-bundle.json").read_text()),
                             ("imported", SERVER_STYLE)),
    "ibuprofen-is-not-a-dose": (ibuprofen_dose, ("imported", DIARY)),
    "entered-in-error-is-left-out": (entered_in_error_pain, ("imported", DIARY)),
    "pain-without-value-is-listed": (pain_without_value, ("imported", DIARY)),
    "pain-as-valueString": (pain_as_string, ("imported", DIARY)),
    "unmapped-observation-of-a-device": (device_heart_rate, ("imported", DIARY)),
    "side-effect-of-another-medicine": (side_effect_of_another_medicine, ("imported", DIARY)),
    "pain-without-a-day-is-listed": (pain_without_a_day, ("imported", DIARY)),
    "pain-as-answer-text-dose-in-snomed-mg": (pain_as_answer_and_snomed_mg, ("imported", DIARY)),
    "dose-less-than": (raw(dose(1.5), lambda t: t.replace('"value": 1.5, "unit": "mg"', '"value": 1.5, "comparator": "<", "unit": "mg"', 1)),
                       ("refused", "not an exact dose")),
    "pain-in-mmHg": (pain_in_mmhg, ("refused", "UCUM unit 'mm[Hg]' is not a score unit")),
    "duplicate-diary-day": (dup_panel, ("refused", "2026-03-02 day panel: duplicate")),
    "conflicting-pain-same-day": (conflicting_pain, ("refused", "2026-03-01 score pain: conflict")),
    "duplicate-pain": (duplicate_pain, ("refused", "2026-03-01 score pain: duplicate")),
    "day-0001-01-01": (day_at("0001-01-01"), ("refused", "before 2000-01-01")),
    "day-9999-12-31": (day_at("9999-12-31"), ("refused", "is in the future")),
    "day-1999-12-31": (day_at("1999-12-31"), ("refused", "before 2000-01-01")),
    "month-only-date": (month_only, ("refused", "not a full date")),
    "pain-11": (pain_value(11), ("refused", "score 11")),
    "pain-minus-3": (pain_value(-3), ("refused", "score -3")),
    "pain-NaN": (raw(pain_value(123456.0), lambda t: t.replace("123456.0", "NaN")), ("refused", "NaN")),
    "pgic-9": (pgic_nine, ("refused", "PGIC 9")),
    "pgic-true": (bool_score, ("refused", "valueInteger")),
    "dose-4500mg": (dose(4500), ("refused", "dose 4500 mg")),
    "dose-in-grams": (dose(4.5, "g"), ("refused", "unit 'g'")),
    "note-bell-escape": (note("ok\x07\x1b[31m"), ("refused", "control character U+0007, U+001B")),
    "note-NUL": (note("a\x00b"), ("refused", "U+0000")),
    "note-lone-surrogate": (raw(note("SURROGATE"), lambda t: t.replace("SURROGATE", "\\ud800")), ("refused", "U+D800")),
    "note-200kB": (note("x" * 200_000), ("refused", "allowed: at most 2000")),
    "3000-deep-extension": (deep_extension, ("refused", "nested")),
    "100000-deep-arrays": (lambda: "[" * 100_000 + "]" * 100_000, ("refused", "nested too deeply")),
    "over-32-MiB": (huge, ("refused", "allowed: at most 32 MiB")),
    "two-patients": (two_patients, ("refused", "2 patients in one bundle")),
    "another-patients-record": (other_patient, ("refused", "not in this bundle")),
    "dangling-urn-reference": (dangling, ("refused", "names no entry of the bundle")),
    "ambiguous-reference": (ambiguous, ("refused", "matches 2 entries")),
    "duplicate-fullUrl": (duplicate_full_url, ("refused", "one entry per fullUrl")),
    "panel-member-on-another-day": (member_on_other_day, ("refused", "members of the same day")),
    "unknown-resourceType": (unknown_type, ("refused", "'Sideeffect' is not a FHIR 4.3.0 resource type")),
    "unknown-side-effect-code": (unknown_side_effect, ("refused", "unknown side effect 'zombie_bite'")),
    "transaction-with-DELETE": (transaction_delete, ("refused", "'DELETE': ldncare imports records, not operations")),
    "history-bundle": (history, ("refused", "a 'history' bundle")),
    "not-a-bundle": (lambda: '{"resourceType": "Patient"}', ("refused", "expected a FHIR Bundle")),
    "not-json": (lambda: "{not json", ("refused", "not JSON")),
}


def _write(tmp_path: Path, built) -> Path:
    path = tmp_path / "bundle.json"
    if isinstance(built, str):
        path.write_text(built, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(json.dumps(built), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_a_bundle_is_imported_exactly_or_refused_with_nothing_written(tmp_path, name):
    build, (outcome, expected) = CASES[name]
    path = _write(tmp_path, build())
    out = tmp_path / "diary.csv"
    result = runner.invoke(app, ["fhir", "import", str(path), "--diary-out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if outcome == "imported":
        assert result.exit_code == 0, result.output
        assert out.read_text() == expected
    else:
        assert result.exit_code == 2, result.output
        assert expected in result.stderr
        assert "nothing was written" in result.stderr
        assert not out.exists()


def test_the_suite_has_at_least_25_hostile_or_foreign_bundles():
    assert len([c for c in CASES.values() if c[1][0] == "refused"]) >= 25


def test_keep_first_keeps_the_first_value_and_lists_the_other(tmp_path):
    path = _write(tmp_path, conflicting_pain())
    out = tmp_path / "diary.csv"
    result = runner.invoke(app, ["fhir", "import", str(path), "--diary-out", str(out), "--on-conflict", "keep-first",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (conflict,) = report["conflicts"]
    assert (conflict["date"], conflict["item"], conflict["kind"]) == ("2026-03-01", "score pain", "conflict")
    assert [c["value"] for c in conflict["claims"]] == ["6", "9"]
    assert out.read_text() == DIARY  # the first value (6) kept, 9 listed, nothing merged


def test_keep_first_on_a_duplicate_day_keeps_the_first_note(tmp_path):
    result = import_bundle(dup_panel(), on_conflict="keep-first")
    assert result.record.diary.days[1].notes == "first dose"
    items = sorted(c.item for c in result.conflicts)
    assert items == ["day panel", "notes", "phase"]
    assert "'a different note'" in str(next(c for c in result.conflicts if c.item == "notes"))


def test_refusal_lists_every_conflict_in_json(tmp_path):
    bundle = conflicting_pain()
    copy_entry(bundle, find(bundle, "Observation", pain("2026-03-03"))[0])
    result = runner.invoke(app, ["fhir", "import", str(_write(tmp_path, bundle)), "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [(c["date"], c["kind"]) for c in report["conflicts"]] == [("2026-03-01", "conflict"),
                                                                     ("2026-03-03", "duplicate")]
    assert report["written"] == {}


def test_a_bad_on_conflict_value_is_refused():
    result = runner.invoke(app, ["fhir", "import", str(DATA / "server-style-bundle.json"), "--on-conflict", "merge"])
    assert result.exit_code == 2
    assert "allowed: refuse, keep-first" in result.stderr


def test_the_foreign_server_bundle_reports_what_it_left_out_and_changed():
    result = import_bundle((DATA / "server-style-bundle.json").read_text())
    assert result.record.pseudonym == "pat-1"
    assert [(c.id, c.icd10) for c in result.record.conditions] == [("multiple-sclerosis", "G35.D")]
    assert "stored as G35.D (Multiple sclerosis, unspecified)" in result.adjusted[0]
    assert [line.split(":")[0] for line in result.unknown] == [
        "entry[4] Observation/pain-3", "entry[5] Observation/hr-1", "entry[7] MedicationAdministration/ma-2",
        "entry[8] Encounter/enc-1"]
    assert format_diary(result.record.diary) == SERVER_STYLE
