"""The drug vocabulary the safety screen matches medicines against.

``knowledge/data/drugs.yaml`` holds two lists of sourced records: :class:`Ingredient`
(what a medicine contains, its opioid activity, and the screen rule it triggers) and
:class:`Product` (brand names and combination products, mapped to ingredient ids).
:func:`load_drug_vocabulary` reads and cross-checks both.

>>> vocab = load_drug_vocabulary()
>>> vocab.ingredient("tramadol").is_opioid_agonist
True
>>> [i.id for i in vocab.ingredients_of(vocab.product("norco"))]
['hydrocodone', 'acetaminophen']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from pydantic import Field

from ldncare.core.knowledge.records import KnowledgeDataError, SourcedRecord, load_records

__all__ = [
    "DRUGS_FILE",
    "OPIOID_AGONIST_ACTIVITIES",
    "DrugVocabulary",
    "Ingredient",
    "OpioidActivity",
    "Product",
    "load_drug_vocabulary",
]

DRUGS_FILE = "drugs.yaml"

OpioidActivity = Literal["full_agonist", "partial_agonist", "agonist_antagonist", "antagonist", "none"]
OPIOID_AGONIST_ACTIVITIES: frozenset[str] = frozenset({"full_agonist", "partial_agonist", "agonist_antagonist"})


class Ingredient(SourcedRecord):
    """An active ingredient: names people use for it, its class and opioid activity."""

    name: str = Field(min_length=2)
    synonyms: list[str] = Field(default_factory=list, description="other names, salts, abbreviations")
    misspellings: list[str] = Field(default_factory=list, description="common misspellings, matched exactly")
    drug_class: str = Field(min_length=3)
    opioid_activity: OpioidActivity
    rule: str | None = Field(default=None, description="id of the screen rule this ingredient triggers")
    note: str | None = None

    @property
    def is_opioid_agonist(self) -> bool:
        """True for full agonists, partial agonists and agonist-antagonists."""
        return self.opioid_activity in OPIOID_AGONIST_ACTIVITIES

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this ingredient is matched under (name, synonyms, misspellings)."""
        return (self.name, *self.synonyms, *self.misspellings)


class Product(SourcedRecord):
    """A brand or combination product and the ingredient ids it contains."""

    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    misspellings: list[str] = Field(default_factory=list)
    ingredients: list[str] = Field(min_length=1)
    region: Literal["US", "UK", "EU", "AU", "CA", "INT"] = "US"
    rule: str | None = Field(default=None, description="overrides the ingredient rule (e.g. cough products)")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this product is matched under (name, aliases, misspellings)."""
        return (self.name, *self.aliases, *self.misspellings)


@dataclass(frozen=True, eq=False)  # identity hash: usable as a cache key
class DrugVocabulary:
    """Ingredients and products, indexed by id (a validated, immutable view of drugs.yaml)."""

    ingredients: tuple[Ingredient, ...]
    products: tuple[Product, ...]
    _by_id: dict[str, Ingredient | Product] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({r.id: r for r in (*self.ingredients, *self.products)})
        known = {i.id for i in self.ingredients}
        clash = known & {p.id for p in self.products}
        if clash:
            raise KnowledgeDataError(f"{DRUGS_FILE}: ids used by both an ingredient and a product: {sorted(clash)}")
        for product in self.products:
            missing = [i for i in product.ingredients if i not in known]
            if missing:
                raise KnowledgeDataError(f"{DRUGS_FILE}: product {product.id!r} names unknown ingredient ids {missing}")

    def ingredient(self, ingredient_id: str) -> Ingredient:
        """The ingredient with this id (``KeyError`` if none)."""
        record = self._by_id[ingredient_id]
        if not isinstance(record, Ingredient):
            raise KeyError(ingredient_id)
        return record

    def product(self, product_id: str) -> Product:
        """The product with this id (``KeyError`` if none)."""
        record = self._by_id[product_id]
        if not isinstance(record, Product):
            raise KeyError(product_id)
        return record

    def ingredients_of(self, product: Product) -> tuple[Ingredient, ...]:
        """The ingredient records of ``product``, in label order."""
        return tuple(self.ingredient(i) for i in product.ingredients)

    def opioid_entries(self) -> Iterator[Ingredient | Product]:
        """Every ingredient and product that contains an opioid agonist or partial agonist."""
        for ingredient in self.ingredients:
            if ingredient.is_opioid_agonist:
                yield ingredient
        for product in self.products:
            if any(i.is_opioid_agonist for i in self.ingredients_of(product)):
                yield product


@cache
def load_drug_vocabulary() -> DrugVocabulary:
    """Read ``drugs.yaml`` (ingredients and products), validated and cross-checked."""
    return DrugVocabulary(
        ingredients=load_records(DRUGS_FILE, Ingredient, key="ingredients"),
        products=load_records(DRUGS_FILE, Product, key="products"),
    )
