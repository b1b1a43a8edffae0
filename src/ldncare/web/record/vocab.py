"""The condition and side-effect vocabularies, from the knowledge data.

The ids are the shared contract (common brief); they are read through
``ldncare.core.knowledge`` when that package provides its loaders, so names and urgency
come from the curated data. Until then the contract's ids are used with readable names
derived from the id (no medical facts are invented here).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Term", "conditions", "side_effects", "side_effect_ids", "condition_ids"]

CONTRACT_CONDITION_IDS = (
    "crohns-disease", "ulcerative-colitis", "multiple-sclerosis", "systemic-sclerosis",
    "hashimotos-thyroiditis", "fibromyalgia", "autism", "neuropathic-pain", "depression",
    "complex-regional-pain-syndrome", "me-cfs", "rheumatoid-arthritis", "long-covid",
)
CONTRACT_SIDE_EFFECT_IDS = (
    "headache", "bloating", "dizziness", "insomnia", "vivid_dreams", "fatigue", "nausea", "vomiting",
    "dry_mouth", "diarrhea", "anxiety", "runny_nose", "muscle_aches", "rash", "difficulty_urinating",
    "low_blood_pressure", "weight_loss", "euphoria", "liver_injury_signs", "allergic_reaction",
    "opioid_withdrawal",
)


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    urgency: str = ""


def _readable(term_id: str) -> str:
    return term_id.replace("-", " ").replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def conditions() -> tuple[Term, ...]:
    try:
        from ldncare.core.knowledge import load_conditions
    except ImportError:
        return tuple(Term(i, _readable(i)) for i in CONTRACT_CONDITION_IDS)
    return tuple(Term(c.id, c.name) for c in load_conditions())


@lru_cache(maxsize=1)
def side_effects() -> tuple[Term, ...]:
    try:
        from ldncare.core.knowledge import load_side_effects
    except ImportError:
        return tuple(Term(i, _readable(i)) for i in CONTRACT_SIDE_EFFECT_IDS)
    return tuple(Term(s.id, s.name, s.urgency) for s in load_side_effects())


def condition_ids() -> frozenset[str]:
    return frozenset(t.id for t in conditions())


def side_effect_ids() -> frozenset[str]:
    return frozenset(t.id for t in side_effects())
