"""Conditions: the diseases ldncare has evidence records for, with ICD-10-CM codes.

The condition ids are a shared contract (the evidence, dosing and web layers use them).
:func:`resolve_condition` accepts what people type: case, apostrophes, punctuation and
spacing do not matter, synonyms and abbreviations are accepted.

>>> resolve_condition("crohns").id
'crohns-disease'
>>> resolve_condition("Crohn disease").icd10[0]
'K50.90'
>>> resolve_condition("ME/CFS").id
'me-cfs'
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, field_validator

from ldncare.core.knowledge._matching import Vocabulary
from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = ["Condition", "UnknownConditionError", "load_conditions", "resolve_condition"]

CONDITIONS_FILE = "conditions.yaml"

ConditionCategory = Literal["autoimmune", "inflammatory", "pain", "neurodevelopmental", "mental_health", "post_infectious"]


class Condition(SourcedRecord):
    """A condition: id (slug), display name, synonyms, ICD-10-CM codes and a plain description."""

    name: str = Field(min_length=2)
    synonyms: list[str] = Field(default_factory=list)
    icd10: list[str] = Field(min_length=1, description="ICD-10-CM codes, dotted form (K50.90)")
    category: ConditionCategory
    description: str = Field(min_length=20)

    @field_validator("icd10")
    @classmethod
    def _dotted_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (len(code) == 3 or (len(code) > 4 and code[3] == ".")) or not code[0].isalpha():
                raise ValueError(f"{code!r} is not an ICD-10-CM code in dotted form (e.g. K50.90)")
        return codes


class UnknownConditionError(LookupError):
    """No condition matches the text. ``.suggestions`` holds the closest condition ids."""

    def __init__(self, text: str, suggestions: list[str], known: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = f"did you mean: {', '.join(suggestions)}? " if suggestions else ""
        super().__init__(f"unknown condition {text!r}; {hint}known conditions: {', '.join(known)}")


def load_conditions() -> tuple[Condition, ...]:
    """All curated conditions, validated, in file order.

    >>> len(load_conditions()) >= 13
    True
    """
    return load_records(CONDITIONS_FILE, Condition, key="conditions")


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary((c.id, [c.name, *c.synonyms]) for c in load_conditions())


def resolve_condition(text: str) -> Condition:
    """The condition whose id, name or synonym matches ``text``.

    Raises :class:`UnknownConditionError` (a ``LookupError``) with the closest ids.

    >>> resolve_condition("Hashimoto").id
    'hashimotos-thyroiditis'
    >>> try:
    ...     resolve_condition("fibromyalga")
    ... except UnknownConditionError as exc:
    ...     exc.suggestions[0]
    'fibromyalgia'
    """
    vocabulary = _vocabulary()
    found = vocabulary.lookup(text)
    conditions = load_conditions()
    if found is None:
        raise UnknownConditionError(text, vocabulary.suggest(text), [c.id for c in conditions])
    return next(c for c in conditions if c.id == found)
