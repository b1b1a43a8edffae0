from __future__ import annotations

import pytest

from ldncare.core.knowledge._matching import Vocabulary, match_key, name_keys


def test_keys_ignore_case_apostrophes_punctuation_and_spacing():
    assert match_key("Crohn’s  Disease") == match_key("crohns-disease") == "crohnsdisease"
    assert match_key("vivid_dreams") == match_key("Vivid Dreams") == "vividdreams"
    assert match_key("Sjögren") == "sjogren"


def test_a_possessive_name_is_also_found_without_its_s():
    assert name_keys("Hashimoto's thyroiditis") == {"hashimotosthyroiditis", "hashimotothyroiditis"}


def test_a_name_claimed_by_two_records_is_refused():
    with pytest.raises(ValueError, match="matches both"):
        Vocabulary([("a", ["MS"]), ("b", ["m.s."])])


def test_suggestions_are_distinct_ids_best_first():
    vocab = Vocabulary([("fibromyalgia", ["fibromyalgia syndrome"]), ("fatigue", ["tiredness"])])
    assert vocab.suggest("fibromialgia") == ["fibromyalgia"]
    assert vocab.suggest("") == []
    assert vocab.suggest("zzzzzz") == []


def test_a_known_name_inside_longer_text_is_suggested():
    vocab = Vocabulary([("crohns-disease", ["Crohn's disease"]), ("ulcerative-colitis", ["ulcerative colitis", "UC"])])
    assert vocab.lookup("Crohn's disease in children") is None
    assert vocab.suggest("Crohn's disease in children") == ["crohns-disease"]
    assert set(vocab.suggest("ulcerative colitis and Crohn's disease")) == {"crohns-disease", "ulcerative-colitis"}


def test_short_abbreviations_are_not_suggested_for_unrelated_words():
    vocab = Vocabulary([("multiple-sclerosis", ["SPMS", "MS"])])
    assert vocab.suggest("symptoms") == []
