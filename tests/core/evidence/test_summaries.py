"""Condition summaries: counts computed from the records, studies sorted, JSON contract keys."""

from __future__ import annotations

import pytest

from ldncare.core.evidence.summaries import summarize_all, summarize_condition
from ldncare.core.knowledge import UnknownConditionError
from ldncare.core.knowledge.studies import studies_for_condition

STUDY_KEYS = {"id", "year", "design", "level", "n_enrolled", "pmid", "doi", "ldn_dose_mg", "results", "sources"}


def test_every_condition_has_a_summary_with_its_studies():
    summaries = summarize_all()
    assert len(summaries) >= 13
    for summary in summaries:
        ids = {g.study.id for g in summary.studies}
        assert ids == {s.id for s in studies_for_condition(summary.condition.id)}
        assert summary.n_studies + summary.n_reviews == len(summary.studies)


def test_fibromyalgia_numbers():
    s = summarize_condition("fibromyalgia")
    assert s.n_studies == 4  # Younger 2009, Younger 2013, Bested 2023, Bruun 2024
    assert s.n_reviews == 4  # Vatvani 2024, Rassi-Mariani 2024, Kim 2020, Rupp 2023
    assert s.total_participants == 10 + 31 + 58 + 99
    assert s.n_controlled == 4
    assert s.designs == {
        "narrative_review": 1,
        "nonrandomized_controlled": 1,
        "rct_crossover": 2,
        "rct_parallel": 1,
        "scoping_review": 1,
        "systematic_review_rcts": 2,
    }


def test_studies_sorted_by_level_then_newest():
    s = summarize_condition("crohns-disease")
    keys = [(g.grade.level, -g.study.citation.year) for g in s.studies]
    assert keys == sorted(keys)
    assert s.studies[0].study.id == "parker2018-cochrane-crohns"


def test_resolves_what_people_type():
    assert summarize_condition("Crohn's disease").condition.id == "crohns-disease"
    with pytest.raises(UnknownConditionError):
        summarize_condition("definitely-not-a-condition")


def test_json_shape_keeps_the_contract():
    d = summarize_condition("crohns-disease").to_dict()
    assert set(d) >= {"condition", "certainty", "certainty_reasons", "summary", "studies"}
    assert set(d["condition"]) == {"id", "name", "icd10"}
    smith = next(x for x in d["studies"] if x["id"] == "smith2007-crohns-openlabel")
    assert set(smith) >= STUDY_KEYS
    assert (smith["year"], smith["n_enrolled"], smith["ldn_dose_mg"], smith["pmid"]) == (2007, 17, 4.5, "17222320")
    assert any(r["values"].get("response_pct") == 89 for r in smith["results"])
    assert smith["sources"][0]["url"] == "https://pubmed.ncbi.nlm.nih.gov/17222320/"


def test_certainty_reasons_and_text_come_from_the_reviewed_knowledge_data():
    from ldncare.core.knowledge.condition_evidence import get_condition_evidence

    for summary in summarize_all():
        graded = get_condition_evidence(summary.condition.id)
        assert summary.certainty == graded.certainty
        assert summary.certainty_reasons == tuple(graded.certainty_reasons)
        assert summary.summary == graded.summary
        assert summary.what_this_means == graded.what_this_means
        # every study the grade rests on is in the atlas for that condition
        assert set(graded.studies) <= {g.study.id for g in summary.studies}, summary.condition.id
    d = summarize_condition("fibromyalgia").to_dict()
    assert d["certainty"] == "low"
    assert {r["domain"] for r in d["certainty_reasons"]} >= {"inconsistency", "imprecision"}
    assert all(r["text"] for r in d["certainty_reasons"])
