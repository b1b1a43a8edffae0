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
    # Younger 2009, Younger 2013, Bested 2023, Bruun 2024; Bruun-Plesner 2020 (dose finding), Parkitny 2017 (pilot)
    assert s.n_studies == 6
    # Vatvani 2024, Rassi-Mariani 2024, Kim 2020, Rupp 2023, Ologunowa 2025, Ann Med Surg 2025, Partridge 2023, Yang 2023,
    # Saif 2026
    assert s.n_reviews == 9
    assert s.participants == {
        "controlled_trials": 10 + 31 + 58 + 99,
        "uncontrolled_studies": 27 + 8,
        "registers": 0,
        "mixed_condition_cohorts": 0,
    }
    assert s.n_controlled == 4
    assert s.designs == {
        "narrative_review": 1,
        "nonrandomized_controlled": 1,
        "prospective_uncontrolled": 2,
        "rct_crossover": 2,
        "rct_parallel": 1,
        "scoping_review": 1,
        "systematic_review_mixed": 3,
        "systematic_review_rcts": 4,
    }


def test_participants_are_counted_apart_never_added_up():
    """Ulcerative colitis has no UC trial: its 629 people are a register (582, mostly Crohn's) and a mixed IBD cohort (47)."""
    uc = summarize_condition("ulcerative-colitis")
    assert uc.participants == {"controlled_trials": 0, "uncontrolled_studies": 0, "registers": 582, "mixed_condition_cohorts": 47}
    assert uc.trial_participants == 0
    crohns = summarize_condition("crohns-disease")
    assert crohns.participants["controlled_trials"] == 40 + 14
    assert crohns.participants["registers"] == 582
    for summary in summarize_all():
        total = sum(g.study.n_enrolled or 0 for g in summary.primary)
        assert sum(summary.participants.values()) == total  # every person is counted once, in one kind
    d = uc.to_dict()
    assert d["numbers"]["participants"]["controlled_trials"] == 0
    assert "total_participants" not in d["numbers"]
    kinds = {x["id"]: x["participant_kind"] for x in d["studies"]}
    assert kinds == {"raknes2018-ibd-register": "registers", "lie2018-ibd-prospective": "mixed_condition_cohorts"}


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
