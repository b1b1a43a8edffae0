"""The seed article's factual claims, each with a verdict, an explanation and sources.

Patients read articles like the one ldncare starts from; :func:`load_claims` shows, claim
by claim, where such an article matches the evidence and where it goes beyond it. A
:class:`Claim` quotes the article, restates the claim, gives a verdict (``supported``,
``partly_supported``, ``not_supported``, ``no_evidence_found``), explains it with numbers and
lists the study ids (``studies.yaml``) the verdict rests on.

>>> claim = get_claim("smith2007-89-response-67-remission")
>>> claim.verdict, claim.verdict_label
('partly_supported', 'Partly supported')
>>> count_verdicts()["supported"] > 0
True
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = ["VERDICTS", "Claim", "count_verdicts", "get_claim", "load_claims"]

CLAIMS_FILE = "claims.yaml"

Verdict = Literal["supported", "partly_supported", "not_supported", "no_evidence_found"]

#: The four verdicts, from agreement with the evidence to its absence.
VERDICTS: tuple[Verdict, ...] = ("supported", "partly_supported", "not_supported", "no_evidence_found")


class Claim(SourcedRecord):
    """One factual claim of the article and what the evidence says about it."""

    section: str = Field(min_length=3, description="the article heading the claim sits under")
    quote: str = Field(min_length=10, description="the article's own words")
    claim: str = Field(min_length=10, description="the claim restated as one checkable sentence")
    verdict: Verdict
    explanation: str = Field(min_length=10)
    studies: list[str] = Field(default_factory=list, description="study ids in studies.yaml")
    conditions: list[str] = Field(default_factory=list, description="condition ids in conditions.yaml")

    @property
    def verdict_label(self) -> str:
        """``Supported``, ``Partly supported``, ``Not supported`` or ``No evidence found``."""
        return self.verdict.replace("_", " ").capitalize()


def load_claims() -> tuple[Claim, ...]:
    """The article's claims in article order."""
    return load_records(CLAIMS_FILE, Claim, key="claims")


def get_claim(claim_id: str) -> Claim:
    """The claim with this id; raises ``LookupError`` naming the known ids otherwise."""
    claims = load_claims()
    for claim in claims:
        if claim.id == claim_id:
            return claim
    raise LookupError(f"unknown claim {claim_id!r}; known: {', '.join(c.id for c in claims)}")


def count_verdicts() -> dict[str, int]:
    """How many claims got each verdict (every verdict present, zero if unused)."""
    counts = Counter(c.verdict for c in load_claims())
    return {verdict: counts.get(verdict, 0) for verdict in VERDICTS}
