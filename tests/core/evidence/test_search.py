"""Ranked search across conditions, studies, side effects and claims."""

from __future__ import annotations

import pytest

from ldncare.core.evidence.search import KINDS, load_claim_records, search


def test_condition_name_ranks_the_condition_first():
    assert search("Crohn's disease")[0].id == "crohns-disease"
    assert search("crohns")[0].id == "crohns-disease"
    assert search("multiple sclerosis")[0].id == "multiple-sclerosis"


def test_side_effect_synonyms_and_names():
    assert (search("sleeplessness")[0].kind, search("sleeplessness")[0].id) == ("side_effect", "insomnia")
    assert search("vivid dreams")[0].id == "vivid_dreams"


def test_identifiers_and_authors_find_studies():
    assert search("17222320")[0].id == "smith2007-crohns-openlabel"
    assert search("NCT04270877")[0].id == "bruun2024-fibromyalgia-final-rct"
    assert {h.id for h in search("Younger", kinds=["study"])} >= {
        "younger2009-fibromyalgia-pilot",
        "younger2013-fibromyalgia-crossover",
    }


def test_typo_tolerance_and_ranking_order():
    hits = search("fibromyalga")
    assert hits[0].id == "fibromyalgia"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_kinds_filter_and_errors():
    assert {h.kind for h in search("naltrexone", kinds=["study"])} == {"study"}
    assert search("   ") == ()
    assert search("zzzzqqqq") == ()
    with pytest.raises(ValueError, match="allowed: condition, study, side_effect, claim"):
        search("pain", kinds=["drug"])
    assert KINDS == ("condition", "study", "side_effect", "claim")


def test_claims_are_searchable():
    claims = load_claim_records()
    assert claims
    hits = search("89% remission", kinds=["claim"])
    assert hits[0].id == "smith2007-89-response-67-remission"
    assert hits[0].id in {c.id for c in claims}
