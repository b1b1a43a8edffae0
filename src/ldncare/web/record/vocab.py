"""The condition and side-effect vocabularies the forms offer, read from the knowledge data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ldncare.core.knowledge import load_conditions, load_side_effects

__all__ = ["Term", "conditions", "side_effects", "side_effect_ids", "condition_ids"]


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    urgency: str = ""


@lru_cache(maxsize=1)
def conditions() -> tuple[Term, ...]:
    return tuple(Term(c.id, c.name) for c in load_conditions())


@lru_cache(maxsize=1)
def side_effects() -> tuple[Term, ...]:
    return tuple(Term(s.id, s.name, s.urgency) for s in load_side_effects())


def condition_ids() -> frozenset[str]:
    return frozenset(t.id for t in conditions())


def side_effect_ids() -> frozenset[str]:
    return frozenset(t.id for t in side_effects())
