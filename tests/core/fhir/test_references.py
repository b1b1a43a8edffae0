"""Reference resolution by the FHIR R4B Bundle rules (https://hl7.org/fhir/R4B/bundle.html#references)."""

import pytest

from ldncare.core.fhir.references import AmbiguousReferenceError, Resolver, restful_root

# The shape of the specification's own example, Bundle/bundle-references
# (https://hl7.org/fhir/R4B/bundle-references.json.html): a server patient, a bundle-local one.
ENTRIES = [
    ("http://example.org/fhir/Patient/23", {"resourceType": "Patient", "id": "23", "meta": {"versionId": "1"}}),
    ("urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d", {"resourceType": "Patient"}),
    ("http://example.org/fhir/Observation/123", {"resourceType": "Observation", "id": "123"}),
    ("urn:uuid:9a1c5d3e-1111-4b44-9b71-2f6a3c1e8d01", {"resourceType": "Observation", "id": "local"}),
]
OBS = "http://example.org/fhir/Observation/123"


def test_a_relative_reference_resolves_against_the_root_of_a_restful_full_url():
    assert restful_root(OBS) == "http://example.org/fhir/"
    assert Resolver(ENTRIES).resolve("Patient/23", OBS) == 0


def test_absolute_and_urn_references_match_full_urls():
    resolver = Resolver(ENTRIES)
    assert resolver.resolve("http://example.org/fhir/Patient/23", None) == 0
    assert resolver.resolve("urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d", OBS) == 1
    assert resolver.resolve("urn:uuid:00000000-0000-0000-0000-000000000000", OBS) is None


def test_a_version_specific_reference_drops_the_version_and_matches_meta_version_id():
    resolver = Resolver(ENTRIES)
    assert resolver.resolve("Patient/23/_history/1", OBS) == 0
    assert resolver.resolve("http://example.org/fhir/Patient/23/_history/1", None) == 0
    assert resolver.resolve("Patient/23/_history/2", OBS) is None


def test_a_relative_reference_on_another_server_or_unknown_names_nothing():
    resolver = Resolver(ENTRIES)
    assert resolver.resolve("Patient/24", OBS) is None
    assert resolver.resolve("Patient/23", "http://other.example/fhir/Observation/1") is None


def test_from_a_urn_full_url_a_unique_type_and_id_is_accepted():
    # beyond the rules (no RESTful root): accepted only when exactly one entry has that type and id
    assert Resolver(ENTRIES).resolve("Patient/23", "urn:uuid:9a1c5d3e-1111-4b44-9b71-2f6a3c1e8d01") == 0
    twice = [*ENTRIES, ("urn:uuid:5b1f", {"resourceType": "Patient", "id": "23"})]
    with pytest.raises(AmbiguousReferenceError, match="matches 2 entries"):
        Resolver(twice).resolve("Patient/23", "urn:uuid:9a1c5d3e-1111-4b44-9b71-2f6a3c1e8d01")
