"""The condition and side-effect vocabularies the forms offer, read from the knowledge data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ldncare.core.knowledge import load_conditions, load_side_effects

__all__ = ["Term", "condition_ids", "condition_name", "conditions", "side_effect_ids", "side_effect_name", "side_effects"]


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


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    return {"condition": {t.id: t.name for t in conditions()}, "side_effect": {t.id: t.name for t in side_effects()}}


def condition_name(condition_id: str) -> str:
    """The name people read (``crohns-disease`` → ``Crohn's disease``); an unknown id as it is."""
    return _names()["condition"].get(condition_id, condition_id)


def side_effect_name(side_effect_id: str) -> str:
    """The name people read (``vivid_dreams`` → ``Vivid dreams``); an unknown id as it is."""
    return _names()["side_effect"].get(side_effect_id, side_effect_id)
