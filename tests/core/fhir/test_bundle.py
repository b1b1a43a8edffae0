from ldncare.core.fhir.bundle import collect_references, stable_id, unresolved_references


def test_stable_ids_differ_by_pseudonym_and_part():
    assert stable_id("a", "day", 1) == stable_id("a", "day", 1)
    assert len({stable_id("a", "day", 1), stable_id("b", "day", 1), stable_id("a", "day", 2)}) == 3


def test_references_are_found_with_their_paths():
    bundle = {"resourceType": "Bundle", "entry": [
        {"fullUrl": "urn:uuid:1", "resource": {"subject": {"reference": "urn:uuid:1"}}},
        {"fullUrl": "urn:uuid:2", "resource": {"target": [{"reference": "urn:uuid:1"}, {"reference": "urn:uuid:9"}]}},
    ]}
    assert collect_references(bundle) == [("entry[0].resource.subject", "urn:uuid:1"),
                                           ("entry[1].resource.target[0]", "urn:uuid:1"),
                                           ("entry[1].resource.target[1]", "urn:uuid:9")]
    assert unresolved_references(bundle) == [("entry[1].resource.target[1]", "urn:uuid:9")]


def test_no_string_is_written_with_a_control_character():
    import datetime as dt

    from ldncare.core.fhir import PatientRecord, PrescribedPlan, bundle_to_json, export_bundle

    plan = PrescribedPlan.from_json({"protocol": "custom", "protocol_name": "slow\x1b[31m", "target_mg": 4.5,
                                     "steps": [{"start_date": "2026-03-01", "dose_mg": 1.5, "time": "21:00",
                                                "device_name": "syringe\x07"}]})
    text = bundle_to_json(export_bundle(PatientRecord(pseudonym="p", plan=plan),
                                        recorded=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    assert "slow[31m" in text
    assert "\\u001b" not in text and "\x1b" not in text and "\x07" not in text  # noqa: PT018
