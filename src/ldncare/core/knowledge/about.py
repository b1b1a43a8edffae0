"""About LDN: what it is, its history, proposed mechanisms, regulatory status and access.

Short reviewed entries for the library pages. Mechanisms carry an evidence status and a
note saying why; hypotheses (the endorphin rebound, microglia/TLR4) are labelled as such.

>>> [e.id for e in load_about() if e.is_hypothesis]
['mechanism-endorphin-rebound', 'mechanism-microglia-tlr4']
>>> get_about_entry("regulatory-status").title
'Regulatory status: off-label, no approved indication'
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = ["AboutEntry", "get_about_entry", "load_about"]

ABOUT_FILE = "about.yaml"

Topic = Literal["what_it_is", "history", "mechanism", "pharmacology", "regulatory", "access"]
EvidenceStatus = Literal["established", "partly_supported", "hypothesis", "not_supported"]


class AboutEntry(SourcedRecord):
    """One short, sourced entry about LDN."""

    topic: Topic
    title: str = Field(min_length=5)
    text: str = Field(min_length=50)
    evidence_status: EvidenceStatus
    status_note: str | None = None

    @model_validator(mode="after")
    def _mechanisms_explain_their_status(self) -> AboutEntry:
        if self.topic == "mechanism" and not self.status_note:
            raise ValueError("a mechanism needs a status_note saying why it has its evidence_status")
        if self.evidence_status == "hypothesis" and "hypothesis" not in self.title.lower():
            raise ValueError("a hypothesis must say so in its title")
        return self

    @property
    def is_hypothesis(self) -> bool:
        """True when the entry describes a hypothesis (shown labelled as such)."""
        return self.evidence_status == "hypothesis"


def load_about() -> tuple[AboutEntry, ...]:
    """All "about LDN" entries, in display order."""
    return load_records(ABOUT_FILE, AboutEntry, key="about")


def get_about_entry(entry_id: str) -> AboutEntry:
    """The entry with this id; raises ``LookupError`` naming the known ids otherwise."""
    entries = load_about()
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise LookupError(f"unknown entry {entry_id!r}; known: {', '.join(e.id for e in entries)}")
