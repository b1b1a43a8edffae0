"""The drug vocabulary (drugs.yaml): complete, consistent, sourced, reviewed."""

from __future__ import annotations

import pytest

from ldncare.core.knowledge.records import KnowledgeDataError
from ldncare.core.safety.matching import IGNORED_WORDS, tokenize
from ldncare.core.safety.rules import load_screen_rules
from ldncare.core.safety.vocabulary import DrugVocabulary, Ingredient, Product, load_drug_vocabulary

VOCAB = load_drug_vocabulary()


def test_every_record_is_sourced_and_reviewed():
    for record in (*VOCAB.ingredients, *VOCAB.products):
        assert record.sources, record.id
        assert all(s.url for s in record.sources), record.id
        assert record.review.reviewed_by


@pytest.mark.parametrize("ingredient", [i for i in VOCAB.ingredients if i.is_opioid_agonist], ids=lambda i: i.id)
def test_every_opioid_ingredient_has_a_contraindicating_rule_and_the_label(ingredient: Ingredient):
    assert ingredient.rule is not None
    assert load_screen_rules()[ingredient.rule].level == "contraindicated"


def test_rules_named_by_the_data_exist():
    rules = load_screen_rules()
    for record in (*VOCAB.ingredients, *VOCAB.products):
        if record.rule is not None:
            assert record.rule in rules, record.id
    for product in VOCAB.products:
        if product.rule is not None and any(i.is_opioid_agonist for i in VOCAB.ingredients_of(product)):
            assert rules[product.rule].level == "contraindicated", product.id


def test_the_named_opioid_classes_of_the_research_notes_are_covered():
    # clinical-practice.md §0.3 / §A3.2: analgesics, tramadol, codeine, methadone,
    # buprenorphine, loperamide, diphenoxylate, kratom (+ tapentadol, fentanyl, ...).
    for ingredient_id in ("morphine", "oxycodone", "hydrocodone", "tramadol", "tapentadol", "codeine",
                          "methadone", "buprenorphine", "loperamide", "diphenoxylate", "kratom", "fentanyl"):
        assert VOCAB.ingredient(ingredient_id).is_opioid_agonist, ingredient_id
    assert VOCAB.ingredient("buprenorphine").opioid_activity == "partial_agonist"
    assert not VOCAB.ingredient("dextromethorphan").is_opioid_agonist
    assert VOCAB.ingredient("naltrexone").opioid_activity == "antagonist"


def test_every_name_tokenizes_to_a_word_that_is_not_just_a_unit_or_form():
    for record in (*VOCAB.ingredients, *VOCAB.products):
        for name in record.names:
            tokens = tokenize(name)
            assert any(t not in IGNORED_WORDS and not t.replace(".", "").isdigit() for t in tokens), (record.id, name)


def test_no_name_means_two_different_things():
    seen: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}
    for record in (*VOCAB.ingredients, *VOCAB.products):
        contents = frozenset(record.ingredients) if isinstance(record, Product) else frozenset({record.id})
        for name in record.names:
            key = tokenize(name)
            if key in seen:
                assert seen[key][1] == contents, f"{name!r} names {seen[key][0]} and {record.id}"
            seen[key] = (record.id, contents)


def test_products_must_name_known_ingredients():
    product = VOCAB.product("norco").model_copy(update={"ingredients": ["hydrocodone", "unobtainium"]})
    with pytest.raises(KnowledgeDataError, match="unobtainium"):
        DrugVocabulary(ingredients=VOCAB.ingredients, products=(product,))


def test_lookups_by_kind():
    assert VOCAB.product("suboxone").name == "Suboxone"
    with pytest.raises(KeyError):
        VOCAB.ingredient("suboxone")
    with pytest.raises(KeyError):
        VOCAB.product("tramadol")
