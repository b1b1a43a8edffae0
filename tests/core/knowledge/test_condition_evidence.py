from __future__ import annotations

import pytest

from ldncare.core.knowledge import (
    CERTAINTY_LEVELS,
    ConditionEvidence,
    KnowledgeDataError,
    UnknownConditionEvidenceError,
    get_condition_evidence,
    load_condition_evidence,
    load_conditions,
)
from ldncare.core.knowledge.records import load_records
from ldncare.core.knowledge.studies import load_studies


def test_every_condition_is_graded_exactly_once():
    graded = [e.id for e in load_condition_evidence()]
    assert sorted(graded) == sorted(c.id for c in load_conditions())


@pytest.mark.parametrize("evidence", load_condition_evidence(), ids=lambda e: e.id)
def test_every_study_cited_exists_and_is_about_that_condition(evidence):
    studies = {s.id: s for s in load_studies()}
    for study_id in evidence.studies:
        assert study_id in studies, f"{evidence.id}: unknown study {study_id}"
        assert evidence.id in studies[study_id].conditions, f"{study_id} is not tagged {evidence.id}"


@pytest.mark.parametrize("evidence", load_condition_evidence(), ids=lambda e: e.id)
def test_every_grade_has_reasons_text_sources_and_review(evidence):
    assert evidence.certainty in CERTAINTY_LEVELS
    assert evidence.downgrades, "no condition has evidence good enough to stay at its starting level"
    assert evidence.sources
    assert evidence.review.reviewed_by
    assert len(evidence.summary) > 200
    assert evidence.what_this_means.endswith(".")


def test_controlled_evidence_starts_high_and_uncontrolled_starts_low():
    controlled = {"rct_parallel", "rct_crossover"}
    studies = {s.id: s for s in load_studies()}
    for evidence in load_condition_evidence():
        has_rct = any(studies[s].design in controlled for s in evidence.studies)
        assert (evidence.starting_level == "high") == has_rct, evidence.id


def test_known_grades_and_the_reasons_the_issue_names():
    fibro = get_condition_evidence("fibromyalgia")
    assert fibro.certainty == "low"
    inconsistency = next(r for r in fibro.certainty_reasons if r.domain == "inconsistency")
    assert inconsistency.downgrade == 1
    assert {"younger2013-fibromyalgia-crossover", "bruun2024-fibromyalgia-final-rct"} <= set(inconsistency.studies)
    autism = get_condition_evidence("autism")
    indirect = next(r for r in autism.certainty_reasons if r.domain == "indirectness")
    assert indirect.downgrade == 2
    assert "0.5-2 mg/kg" in indirect.explanation
    assert get_condition_evidence("crohns-disease").certainty == "low"
    assert get_condition_evidence("hashimotos-thyroiditis").signal == "no_benefit_found"


def test_reason_text_is_a_display_line():
    reason = get_condition_evidence("systemic-sclerosis").certainty_reasons[1]
    assert reason.text == "Imprecision (-1): Three patients in total."


def test_unknown_condition_evidence_is_a_lookup_error():
    with pytest.raises(LookupError):
        get_condition_evidence("lupus")
    assert issubclass(UnknownConditionEvidenceError, LookupError)


_RECORD = """condition_evidence:
- id: x
  question: Does it work for x?
  starting_level: high
  certainty: {certainty}
  signal: mixed
  certainty_reasons:
    - {{domain: imprecision, downgrade: 1, explanation: one small trial of twelve people, studies: [s1]}}
  studies: [s1]
  summary: "{summary}"
  what_this_means: It is unknown whether it helps you here.
  sources: {sources}
  review: {{reviewed_by: a b, reviewed_on: 2026-11-24}}
"""


def _write(tmp_path, certainty="moderate", sources="[{pmid: '1'}]"):
    (tmp_path / "e.yaml").write_text(_RECORD.format(certainty=certainty, summary="word " * 30, sources=sources))
    return load_records("e.yaml", ConditionEvidence, key="condition_evidence", data_dir=tmp_path)


def test_a_consistent_record_loads(tmp_path):
    (record,) = _write(tmp_path)
    assert record.certainty_label == "Moderate"


def test_a_grade_that_does_not_follow_from_its_reasons_is_refused(tmp_path):
    with pytest.raises(KnowledgeDataError, match="does not follow"):
        _write(tmp_path, certainty="high")


def test_a_grade_without_a_source_is_refused(tmp_path):
    with pytest.raises(KnowledgeDataError, match="sources"):
        _write(tmp_path, sources="[]")
