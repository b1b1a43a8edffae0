"""Side-effect names in the diary, resolved through the knowledge data.

The knowledge package (``ldncare.core.knowledge.resolve_side_effect``) is the one home of
side-effect ids, synonyms, expected courses and urgency. This module adapts it to what the
diary needs: an id for a name the patient typed, and the urgency of an id.

>>> resolve_side_effect_id("Vivid Dreams")
'vivid_dreams'
>>> resolve_side_effect_id("sleeplessness")
'insomnia'
>>> side_effect_urgency("allergic_reaction")
'urgent_care'
"""

from __future__ import annotations

from functools import lru_cache

from ldncare.core.knowledge import UnknownSideEffectError, resolve_side_effect

__all__ = ["UnknownSideEffectName", "resolve_side_effect_id", "side_effect_urgency"]


class UnknownSideEffectName(LookupError):
    """A diary side-effect name the knowledge data do not know; ``.suggestions`` lists ids."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)


@lru_cache(maxsize=512)
def resolve_side_effect_id(text: str) -> str:
    """The knowledge id of a side-effect name (case, spaces and underscores ignored, synonyms accepted)."""
    try:
        return resolve_side_effect(text).id
    except UnknownSideEffectError as exc:
        raise UnknownSideEffectName(str(exc), tuple(exc.suggestions)[:3]) from None


@lru_cache(maxsize=128)
def side_effect_urgency(side_effect_id: str) -> str:
    """``expected``, ``contact_prescriber`` or ``urgent_care`` from the knowledge data."""
    return resolve_side_effect(side_effect_id).urgency
