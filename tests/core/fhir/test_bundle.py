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
