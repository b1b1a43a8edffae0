"""Food-derived opioid peptides ("exorphins"): what they are, and why they are not LDN.

The article calls these peptides "natural alternatives". The data say otherwise: almost
all are opioid *agonists* (the opposite of naltrexone), and the evidence is from test
tubes and animals. Every page that shows them shows :func:`load_peptide_notice` first.

Sequences are checked at load against their source protein where one is recorded
(UniProt precursor minus its signal peptide), so a wrong sequence cannot slip in.

>>> rubiscolin = get_peptide("rubiscolin-6")
>>> rubiscolin.sequence, rubiscolin.action, rubiscolin.opposes_naltrexone
('YPLDLF', 'agonist', True)
>>> rubiscolin.three_letter
'Tyr-Pro-Leu-Asp-Leu-Phe'
>>> load_peptide_notice().title
'Food peptides are not a substitute for LDN'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from Bio.SeqUtils import seq3
from pydantic import Field, ValidationError, field_validator

from ldncare.core.knowledge.records import (
    DATA_DIR,
    KnowledgeDataError,
    Record,
    SourcedRecord,
    load_records,
)

__all__ = [
    "FoodPeptide",
    "PeptideNotice",
    "SourceProtein",
    "get_peptide",
    "load_peptide_notice",
    "load_peptides",
    "load_source_proteins",
]

PEPTIDES_FILE = "peptides.yaml"
_AMINO_ACIDS = set("ACDEFGHIKLMNPQRSTVWY")


def _check_sequence(value: str) -> str:
    value = value.strip().upper()
    if not value or set(value) - _AMINO_ACIDS:
        raise ValueError(f"{value!r} is not a one-letter amino-acid sequence (letters {''.join(sorted(_AMINO_ACIDS))})")
    return value


class PeptideNotice(SourcedRecord):
    """The plain statement shown with any list of food peptides."""

    title: str = Field(min_length=5)
    text: str = Field(min_length=100)


class SourceProtein(SourcedRecord):
    """A reference protein (UniProt precursor sequence and signal-peptide length)."""

    name: str
    accession: str = Field(pattern=r"^[A-Z][0-9][A-Z0-9]{3}[0-9]$")
    organism: str
    signal_peptide_length: int = Field(ge=0)
    sequence: str
    notes: str | None = None

    @field_validator("sequence")
    @classmethod
    def _amino_acids(cls, value: str) -> str:
        return _check_sequence(value)

    @property
    def mature_sequence(self) -> str:
        """The sequence after the signal peptide (numbering used in the literature)."""
        return self.sequence[self.signal_peptide_length :]


class FoodPeptide(SourcedRecord):
    """A food-derived opioid peptide and what is known about it."""

    name: str
    sequence: str = Field(description="one-letter code, N- to C-terminus")
    c_terminal: Literal["free", "amide", "methyl_ester"] = "free"
    source_protein: str
    foods: list[str] = Field(min_length=1)
    protein: str | None = Field(default=None, description="id of a reference protein in the same file")
    mature_start: int | None = Field(default=None, ge=1, description="first residue in the mature protein")
    action: Literal["agonist", "antagonist"]
    receptors: list[Literal["mu", "delta", "kappa"]] = Field(default_factory=list)
    potency: str | None = None
    evidence_level: Literal["in_vitro", "animal", "human"]
    human_evidence: str = Field(min_length=5)
    notes: str | None = None

    @field_validator("sequence")
    @classmethod
    def _amino_acids(cls, value: str) -> str:
        return _check_sequence(value)

    @property
    def three_letter(self) -> str:
        """The sequence in three-letter code, e.g. ``Tyr-Pro-Phe``."""
        residues = seq3(self.sequence)
        return "-".join(residues[i : i + 3] for i in range(0, len(residues), 3))

    @property
    def opposes_naltrexone(self) -> bool:
        """True for agonists: they activate the receptors naltrexone blocks."""
        return self.action == "agonist"


class _PeptideFile(Record):
    notice: PeptideNotice
    proteins: list[SourceProtein]


def _read_header(path: Path) -> _PeptideFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeDataError(f"{path.name}: cannot read: {exc}") from None
    if not isinstance(raw, dict):
        raise KnowledgeDataError(f"{path.name}: expected a mapping with notice, proteins and peptides")
    try:
        return _PeptideFile.model_validate({"notice": raw.get("notice"), "proteins": raw.get("proteins") or []})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise KnowledgeDataError(f"{path.name}: {problems}") from None


@cache
def _load(data_dir: Path) -> tuple[PeptideNotice, tuple[SourceProtein, ...], tuple[FoodPeptide, ...]]:
    header = _read_header(data_dir / PEPTIDES_FILE)
    peptides = load_records(PEPTIDES_FILE, FoodPeptide, key="peptides", data_dir=data_dir)
    proteins = {p.id: p for p in header.proteins}
    for peptide in peptides:
        if peptide.protein is None:
            continue
        protein = proteins.get(peptide.protein)
        if protein is None:
            raise KnowledgeDataError(f"{PEPTIDES_FILE}: peptide {peptide.id!r}: unknown protein {peptide.protein!r}")
        if peptide.mature_start is None:
            raise KnowledgeDataError(f"{PEPTIDES_FILE}: peptide {peptide.id!r}: a protein needs mature_start")
        start = peptide.mature_start - 1
        found = protein.mature_sequence[start : start + len(peptide.sequence)]
        if found != peptide.sequence:
            raise KnowledgeDataError(
                f"{PEPTIDES_FILE}: peptide {peptide.id!r}: {peptide.sequence} is not at mature position "
                f"{peptide.mature_start} of {protein.accession} (found {found or 'nothing'})"
            )
    return header.notice, tuple(header.proteins), peptides


def load_peptides(*, data_dir: Path | None = None) -> tuple[FoodPeptide, ...]:
    """All curated food peptides, sequences checked against their source proteins.

    >>> sum(p.action == "agonist" for p in load_peptides()) > sum(p.action == "antagonist" for p in load_peptides())
    True
    """
    return _load(data_dir or DATA_DIR)[2]


def load_peptide_notice(*, data_dir: Path | None = None) -> PeptideNotice:
    """The "not a substitute for LDN" notice, with its sources."""
    return _load(data_dir or DATA_DIR)[0]


def load_source_proteins(*, data_dir: Path | None = None) -> tuple[SourceProtein, ...]:
    """The reference protein sequences the peptide positions are checked against."""
    return _load(data_dir or DATA_DIR)[1]


def get_peptide(peptide_id: str) -> FoodPeptide:
    """The peptide with this id; raises ``LookupError`` naming the known ids otherwise."""
    peptides = load_peptides()
    for peptide in peptides:
        if peptide.id == peptide_id:
            return peptide
    raise LookupError(f"unknown peptide {peptide_id!r}; known: {', '.join(p.id for p in peptides)}")
