from __future__ import annotations

import pytest
from pydantic import ValidationError

from ldncare.core.knowledge.records import KnowledgeDataError, Source, SourcedRecord, load_records

STAMP = "review: {reviewed_by: A Reviewer, reviewed_on: 2026-11-24}"


def test_a_source_needs_something_a_reader_can_follow():
    with pytest.raises(ValidationError, match="needs a pmid, doi, nct or url"):
        Source(note="trust me")


@pytest.mark.parametrize(("field", "value"), [("pmid", "PMID123"), ("doi", "doi.org/10.1/x"), ("nct", "NCT123"), ("url", "ftp://x")])
def test_malformed_identifiers_are_refused(field, value):
    with pytest.raises(ValidationError):
        Source(**{field: value})


def test_identifiers_get_a_followable_url():
    assert Source(doi="10.1000/abc").url == "https://doi.org/10.1000/abc"
    assert Source(nct="NCT01234567").url == "https://clinicaltrials.gov/study/NCT01234567"


def test_load_records_reads_valid_records(tmp_path):
    (tmp_path / "x.yaml").write_text(f"- id: one\n  sources: [{{pmid: '1'}}]\n  {STAMP}\n")
    (record,) = load_records("x.yaml", SourcedRecord, data_dir=tmp_path)
    assert record.id == "one"
    assert record.sources[0].label == "PMID 1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"- id: one\n  sources: []\n  {STAMP}\n", "record 1 (id 'one'): sources"),
        ("- id: one\n  sources: [{pmid: '1'}]\n", "record 1 (id 'one'): review"),
        (f"- id: one\n  sources: [{{pmid: '1'}}]\n  {STAMP}\n- id: one\n  sources: [{{pmid: '2'}}]\n  {STAMP}\n", "duplicate id 'one'"),
        (f"- id: One Two\n  sources: [{{pmid: '1'}}]\n  {STAMP}\n", "not a slug"),
        (f"- id: one\n  sources: [{{pmid: '1'}}]\n  surprise: 1\n  {STAMP}\n", "surprise"),
        ("- [unclosed", "not valid YAML"),
        ("just text", "expected a list"),
    ],
)
def test_bad_files_fail_with_file_record_and_field(tmp_path, text, message):
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(KnowledgeDataError) as excinfo:
        load_records("bad.yaml", SourcedRecord, data_dir=tmp_path)
    assert str(excinfo.value).startswith("bad.yaml")
    assert message in str(excinfo.value)
