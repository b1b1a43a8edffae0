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
    rule = load_screen_rules()[ingredient.rule]
    if ingredient.id in PERIPHERAL_ANTIDIARRHOEALS:
        # the label's precaution ("may not benefit"), not a contraindication (issue 13)
        assert (rule.id, rule.level) == ("opioid-antidiarrheal", "caution")
    else:
        assert rule.level == "contraindicated"


#: Opioids acting on the gut at usual doses: the only opioid agonists graded as a caution.
PERIPHERAL_ANTIDIARRHOEALS = {"loperamide", "diphenoxylate", "difenoxin", "eluxadoline"}


def test_only_peripheral_antidiarrhoeals_use_the_opioid_precaution():
    users = {i.id for i in VOCAB.ingredients if i.rule == "opioid-antidiarrheal"}
    assert users == PERIPHERAL_ANTIDIARRHOEALS


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


def _numeric_brand(record, tokens: tuple[str, ...]) -> bool:
    """A product whose name is one bare number of three digits or more (Canada's 222, 282, 292)."""
    return isinstance(record, Product) and len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) >= 3


def test_every_name_tokenizes_to_a_word_that_is_not_just_a_unit_or_form():
    for record in (*VOCAB.ingredients, *VOCAB.products):
        for name in record.names:
            tokens = tokenize(name)
            if _numeric_brand(record, tokens):
                continue  # matched as a whole number only, and never when a unit follows (test_matching)
            assert any(t not in IGNORED_WORDS and not t.replace(".", "").isdigit() for t in tokens), (record.id, name)


def test_numeric_names_are_whole_brands_of_three_digits_or_more():
    # A one- or two-digit name would swallow every quantity ("2 tabs"); only real numeric brands are allowed.
    numeric = {name for record in (*VOCAB.ingredients, *VOCAB.products) for name in record.names
               if all(t.replace(".", "").isdigit() for t in tokenize(name))}
    assert numeric == {"222", "282", "292"}
    for number in numeric:
        assert {"codeine", "aspirin", "caffeine"} == set(VOCAB.product(number).ingredients)


@pytest.mark.parametrize(
    ("product_id", "ingredients"),
    [
        ("endone", {"oxycodone"}), ("proladone", {"oxycodone"}), ("norspan", {"buprenorphine"}),
        ("kapanol", {"morphine"}), ("ms-mono", {"morphine"}), ("ordine", {"morphine"}), ("jurnista", {"hydromorphone"}),
        ("biodone", {"methadone"}), ("aspalgin", {"codeine", "aspirin"}),
        ("mersyndol", {"codeine", "acetaminophen", "doxylamine"}), ("mersyndol-daystrength", {"codeine", "acetaminophen"}),
        ("codalgin", {"codeine", "acetaminophen"}), ("prodeine", {"codeine", "acetaminophen"}),
        ("panamax-co", {"codeine", "acetaminophen"}), ("222", {"codeine", "aspirin", "caffeine"}),
        ("zaldiar", {"tramadol", "acetaminophen"}), ("dafalgan-codeine", {"codeine", "acetaminophen"}),
        ("efferalgan-codeine", {"codeine", "acetaminophen"}), ("valoron-n", {"tilidine", "naloxone"}),
        ("instanyl", {"fentanyl"}), ("pecfent", {"fentanyl"}), ("probuphine", {"buprenorphine"}),
        ("lamaline", {"opium", "acetaminophen", "caffeine"}), ("dipidolor", {"piritramide"}),
        ("l-polamidon", {"levomethadone"}),
        ("panamax", {"acetaminophen"}), ("dafalgan", {"acetaminophen"}), ("efferalgan", {"acetaminophen"}),
    ],
)
def test_international_brands_name_their_label_ingredients(product_id, ingredients):
    product = VOCAB.product(product_id)
    assert set(product.ingredients) == ingredients
    assert product.region in {"AU", "CA", "EU", "US"}
    assert product.sources
    assert all(s.note for s in product.sources)


def test_sources_of_international_brands_are_not_staging_hosts():
    for record in (*VOCAB.ingredients, *VOCAB.products):
        for source in record.sources:
            assert "staging" not in (source.url or ""), (record.id, source.url)


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
