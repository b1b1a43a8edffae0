from __future__ import annotations

import pytest

from ldncare.core.knowledge import KnowledgeDataError
from ldncare.core.knowledge.about import AboutEntry, get_about_entry, load_about
from ldncare.core.knowledge.records import load_records


def test_the_issue_topics_are_covered():
    topics = {e.topic for e in load_about()}
    assert {"what_it_is", "history", "mechanism", "regulatory", "access"} <= topics
    mechanisms = {e.id for e in load_about() if e.topic == "mechanism"}
    assert mechanisms == {"mechanism-receptor-blockade", "mechanism-endorphin-rebound", "mechanism-microglia-tlr4"}


def test_the_endorphin_rebound_and_tlr4_are_labelled_hypotheses():
    assert get_about_entry("mechanism-endorphin-rebound").is_hypothesis
    assert get_about_entry("mechanism-microglia-tlr4").is_hypothesis
    assert not get_about_entry("mechanism-receptor-blockade").is_hypothesis


def test_regulatory_status_says_off_label_and_no_approved_indication():
    text = get_about_entry("regulatory-status").text
    assert "off-label" in text
    assert "approved for any condition" in text


@pytest.mark.parametrize("entry", load_about(), ids=lambda e: e.id)
def test_every_entry_is_sourced_and_reviewed(entry):
    assert entry.sources
    assert entry.review.reviewed_by


def test_ids_are_unique_and_unknown_ids_fail():
    ids = [e.id for e in load_about()]
    assert len(ids) == len(set(ids))
    with pytest.raises(LookupError, match="known"):
        get_about_entry("nope")


_ENTRY = """about:
- id: m
  topic: mechanism
  title: {title}
  text: Some text that is long enough to pass the minimum length check.
  evidence_status: hypothesis
  {note}
  sources: {sources}
  review: {{reviewed_by: a b, reviewed_on: 2026-11-24}}
"""


@pytest.mark.parametrize(
    ("title", "note", "sources", "message"),
    [
        ("A hypothesis", "status_note: because", "[]", "sources"),
        ("A hypothesis", "", "[{pmid: '1'}]", "status_note"),
        ("A mechanism", "status_note: because", "[{pmid: '1'}]", "must say so"),
    ],
)
def test_bad_entries_are_refused(tmp_path, title, note, sources, message):
    (tmp_path / "a.yaml").write_text(_ENTRY.format(title=title, note=note, sources=sources))
    with pytest.raises(KnowledgeDataError, match=message):
        load_records("a.yaml", AboutEntry, key="about", data_dir=tmp_path)
