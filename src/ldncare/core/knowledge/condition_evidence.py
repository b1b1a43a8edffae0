"""Per-condition certainty of evidence (GRADE), with the reasons as data.

For each condition a :class:`ConditionEvidence` record says how certain the evidence is
that LDN helps (``high`` / ``moderate`` / ``low`` / ``very_low``), why (one
:class:`CertaintyReason` per GRADE domain: risk of bias, inconsistency, indirectness,
imprecision, publication bias, each with its downgrade and the studies it concerns), a
reviewed plain-language summary and a "what this means for you" line. The loader checks
that the certainty equals the starting level (randomised trials: high; observational
only: low) minus the downgrades, so the grade and its reasons cannot drift apart.

>>> ev = get_condition_evidence("fibromyalgia")
>>> ev.certainty, [r.domain for r in ev.downgrades]
('low', ['inconsistency', 'imprecision'])
>>> ev.certainty_label
'Low'
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import Record, SourcedRecord, load_records

__all__ = [
    "CERTAINTY_LEVELS",
    "CertaintyReason",
    "ConditionEvidence",
    "UnknownConditionEvidenceError",
    "get_condition_evidence",
    "load_condition_evidence",
]

CONDITION_EVIDENCE_FILE = "condition_evidence.yaml"

Certainty = Literal["high", "moderate", "low", "very_low"]
Domain = Literal["risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias"]
Signal = Literal["possible_benefit", "mixed", "no_benefit_found", "insufficient"]

#: GRADE certainty levels from lowest to highest.
CERTAINTY_LEVELS: tuple[Certainty, ...] = ("very_low", "low", "moderate", "high")

_DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}


class CertaintyReason(Record):
    """One GRADE domain's judgement: how many levels it downgrades (0-2) and why."""

    domain: Domain
    downgrade: int = Field(ge=0, le=2, description="levels removed: 0 none, 1 serious, 2 very serious")
    explanation: str = Field(min_length=20)
    studies: list[str] = Field(default_factory=list, description="study ids in studies.yaml")

    @property
    def text(self) -> str:
        """One display line, e.g. ``Imprecision (-1): Three patients in total.``"""
        return f"{_DOMAIN_LABELS[self.domain]} ({-self.downgrade if self.downgrade else 'not downgraded'}): {self.explanation}"


class ConditionEvidence(SourcedRecord):
    """The graded body of evidence for one condition (``id`` is the condition id)."""

    question: str = Field(min_length=10)
    starting_level: Literal["high", "low"]
    certainty: Certainty
    signal: Signal
    certainty_reasons: list[CertaintyReason] = Field(min_length=1)
    studies: list[str] = Field(min_length=1, description="every study id the grade rests on")
    summary: str = Field(min_length=100)
    what_this_means: str = Field(min_length=30)

    @model_validator(mode="after")
    def _grade_follows_from_reasons(self) -> ConditionEvidence:
        domains = [r.domain for r in self.certainty_reasons]
        if len(domains) != len(set(domains)):
            raise ValueError("each GRADE domain may appear only once")
        start = CERTAINTY_LEVELS.index(self.starting_level)
        expected = CERTAINTY_LEVELS[max(0, start - sum(r.downgrade for r in self.certainty_reasons))]
        if expected != self.certainty:
            raise ValueError(
                f"certainty {self.certainty!r} does not follow from starting level {self.starting_level!r} "
                f"and the downgrades given (expected {expected!r})"
            )
        cited = {s for r in self.certainty_reasons for s in r.studies}
        if missing := sorted(cited - set(self.studies)):
            raise ValueError(f"reasons cite studies not listed in studies: {', '.join(missing)}")
        return self

    @property
    def condition_id(self) -> str:
        """The condition this grade is about (same as ``id``)."""
        return self.id

    @property
    def downgrades(self) -> tuple[CertaintyReason, ...]:
        """The reasons that actually lowered the certainty."""
        return tuple(r for r in self.certainty_reasons if r.downgrade)

    @property
    def certainty_label(self) -> str:
        """``High``, ``Moderate``, ``Low`` or ``Very low``."""
        return self.certainty.replace("_", " ").capitalize()


class UnknownConditionEvidenceError(LookupError):
    """No graded evidence record for this condition id."""


def load_condition_evidence() -> tuple[ConditionEvidence, ...]:
    """The graded evidence for every condition, in file order.

    >>> {e.certainty for e in load_condition_evidence()} <= set(CERTAINTY_LEVELS)
    True
    """
    return load_records(CONDITION_EVIDENCE_FILE, ConditionEvidence, key="condition_evidence")


def get_condition_evidence(condition_id: str) -> ConditionEvidence:
    """The graded evidence for ``condition_id`` (a condition id, see :func:`resolve_condition`).

    >>> get_condition_evidence("crohns-disease").certainty
    'low'
    """
    for record in load_condition_evidence():
        if record.id == condition_id:
            return record
    raise UnknownConditionEvidenceError(f"no graded evidence for condition {condition_id!r}")
