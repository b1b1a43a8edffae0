"""Outcome instruments of the diary and their clinically important change (MCID).

The curated data live in ``knowledge/data/outcome_instruments.yaml``; each record has its
score range, its direction (is a lower score better?), the MCID in points and/or percent,
whether that MCID is a literature value or a labelled assumption, and its sources.

>>> pain = get_instrument("pain")
>>> pain.lower_is_better, pain.mcid_points, pain.mcid_percent
(True, 2.0, 30.0)
>>> get_instrument("sleep_quality").mcid_basis
'assumption'
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = [
    "OUTCOME_INSTRUMENTS_FILE",
    "OutcomeInstrument",
    "UnknownOutcomeError",
    "get_instrument",
    "load_outcome_instruments",
]

OUTCOME_INSTRUMENTS_FILE = "outcome_instruments.yaml"


class UnknownOutcomeError(LookupError):
    """An outcome name that is neither a curated instrument nor a diary column."""


class OutcomeInstrument(SourcedRecord):
    """One outcome scale: range, direction and clinically important change."""

    name: str
    min_score: int
    max_score: int
    lower_is_better: bool
    mcid_points: float | None = Field(default=None, gt=0)
    mcid_percent: float | None = Field(default=None, gt=0, le=100)
    improved_max: int | None = Field(default=None, description="ratings at or below count as improved (PGIC)")
    mcid_basis: Literal["literature", "assumption"]
    mcid_note: str

    @model_validator(mode="after")
    def _range(self) -> OutcomeInstrument:
        if self.min_score >= self.max_score:
            raise ValueError("min_score must be below max_score")
        return self

    @property
    def mcid_source(self) -> str:
        """Citation labels of the MCID, with ``assumption`` marked."""
        labels = ", ".join(s.label for s in self.sources)
        prefix = "ASSUMPTION (borrowed threshold); " if self.mcid_basis == "assumption" else ""
        return f"{prefix}{labels}"


    @property
    def mcid_citation(self) -> str:
        """The MCID's sources for a sentence: the first part of each source note (``Farrar et al. 2001``)."""
        sources = [s for s in self.sources if s.note]
        if self.mcid_basis == "assumption":  # the source of the borrowed threshold, not of the scale
            sources = [s for s in sources if "threshold" in s.note] or sources
        names = [s.note.split(",")[0].split(";")[0].split(" (")[0].strip() for s in sources]
        return "; ".join(list(dict.fromkeys(names))[:2]) or ", ".join(s.label for s in self.sources)


def load_outcome_instruments() -> tuple[OutcomeInstrument, ...]:
    """All curated outcome instruments."""
    return load_records(OUTCOME_INSTRUMENTS_FILE, OutcomeInstrument)


def get_instrument(outcome_id: str) -> OutcomeInstrument:
    """The curated instrument ``outcome_id``; raises :class:`UnknownOutcomeError`."""
    for instrument in load_outcome_instruments():
        if instrument.id == outcome_id:
            return instrument
    known = ", ".join(i.id for i in load_outcome_instruments())
    raise UnknownOutcomeError(f"unknown outcome {outcome_id!r}; curated outcomes: {known}")

