"""Draft study records: what an importer produces, before any human review.

A :class:`DraftStudy` carries everything the source provides (identifiers, citation,
abstract, registry design fields) and is marked ``status: draft_unreviewed``. It has no
review stamp and a different schema from :class:`~ldncare.core.knowledge.studies.Study`,
so it can never be loaded as a published study: a reviewer reads the paper, fills the
Study fields (design, dose, results with stated/computed numbers), adds the review stamp
and moves it into ``data/studies.yaml`` (see docs/evidence.md).

>>> d = DraftStudy(id="pmid35396307", origin="pubmed", title="A trial", pmid="35396307")
>>> d.status, d.review
('draft_unreviewed', None)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from ldncare.core.knowledge.records import DATA_DIR, Record, Source
from ldncare.core.knowledge.studies import Study, load_studies

__all__ = [
    "DraftStudy",
    "ImportFormatError",
    "mark_duplicates",
    "write_drafts",
]


class ImportFormatError(ValueError):
    """The file is not a well-formed record of the expected format (message says what and where)."""


class DraftStudy(Record):
    """An unreviewed study record imported from PubMed or ClinicalTrials.gov."""

    id: str = Field(description="draft id: pmid<PMID> or <nct id in lower case>")
    status: Literal["draft_unreviewed"] = "draft_unreviewed"
    review: None = Field(default=None, description="always None: drafts are unreviewed by definition")
    origin: Literal["pubmed", "ctgov"]
    pmid: str | None = None
    doi: str | None = None
    pmc: str | None = None
    nct: list[str] = Field(default_factory=list)
    other_ids: list[str] = Field(default_factory=list)
    title: str
    official_title: str | None = None
    journal: str | None = None
    journal_full: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    authors: list[str] = Field(default_factory=list, description="'Last Initials' strings")
    abstract: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    mesh_terms: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    language: str | None = None
    design_hint: str | None = Field(default=None, description="a suggestion from the source's own labels; the reviewer decides")
    conditions_as_reported: list[str] = Field(default_factory=list)
    interventions: list[dict[str, Any]] = Field(default_factory=list)
    arms: list[dict[str, Any]] = Field(default_factory=list)
    primary_outcomes: list[dict[str, Any]] = Field(default_factory=list)
    secondary_outcomes: list[dict[str, Any]] = Field(default_factory=list)
    n_enrolled: int | None = None
    enrollment_type: str | None = None
    overall_status: str | None = None
    phases: list[str] = Field(default_factory=list)
    start_date: str | None = None
    completion_date: str | None = None
    sponsor: str | None = None
    eligibility: dict[str, Any] = Field(default_factory=dict)
    has_results: bool | None = None
    sources: list[Source] = Field(default_factory=list)
    duplicate_of: str | None = Field(default=None, description="id of the published study with the same PMID, DOI or NCT id")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``None`` values and empty lists kept out, except the marking fields)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data = {k: v for k, v in data.items() if v not in ([], {})}
        data["review"] = None
        data["duplicate_of"] = self.duplicate_of
        return data


def _keys(pmid: str | None, doi: str | None, ncts: Iterable[str]) -> set[str]:
    keys = set()
    if pmid:
        keys.add(f"pmid:{pmid}")
    if doi:
        keys.add(f"doi:{doi.lower()}")
    keys.update(f"nct:{n.upper()}" for n in ncts)
    return keys


def mark_duplicates(drafts: Sequence[DraftStudy], studies: Sequence[Study] | None = None) -> tuple[DraftStudy, ...]:
    """Return the drafts with ``duplicate_of`` set when a published study has the same PMID, DOI or NCT id.

    Identifiers are compared exactly (DOIs case-insensitively), including NCT ids in a study's sources.
    """
    index: dict[str, str] = {}
    for study in load_studies() if studies is None else studies:
        source_ncts = [s.nct for s in study.sources if s.nct]
        for key in _keys(study.pmid, study.doi, [*study.nct, *source_ncts]):
            index.setdefault(key, study.id)
    out = []
    for draft in drafts:
        hit = next((index[k] for k in sorted(_keys(draft.pmid, draft.doi, draft.nct)) if k in index), None)
        out.append(draft.model_copy(update={"duplicate_of": hit}))
    return tuple(out)


_HEADER = (
    "# DRAFT - UNREVIEWED. Imported from {origin}; not part of the evidence atlas.\n"
    "# A reviewer must read the source, convert this into a Study record (design, dose, results\n"
    "# marked stated/computed, sources), add a review stamp and move it into\n"
    "# src/ldncare/core/knowledge/data/studies.yaml. See docs/evidence.md.\n"
)


def write_drafts(drafts: Sequence[DraftStudy], directory: str | Path) -> tuple[Path, ...]:
    """Write each non-duplicate draft to ``directory/<id>.draft.yaml``; return the paths.

    All files are first written to a temporary directory and only then moved into place,
    so a failure leaves nothing half-written. Writing into the curated knowledge data
    directory is refused: drafts are never published without review.
    """
    target = Path(directory).resolve()
    if target == DATA_DIR.resolve() or DATA_DIR.resolve() in target.parents:
        raise ValueError(f"refusing to write unreviewed drafts into the curated knowledge data directory {DATA_DIR}")
    if target.exists() and not target.is_dir():
        raise ValueError(f"{target} exists and is not a directory")
    target.mkdir(parents=True, exist_ok=True)
    fresh = [d for d in drafts if d.duplicate_of is None]
    written: list[Path] = []
    with tempfile.TemporaryDirectory(dir=target, prefix=".drafts-") as tmp:
        staged = []
        for draft in fresh:
            text = _HEADER.format(origin=draft.origin) + yaml.safe_dump(
                draft.to_dict(), sort_keys=False, allow_unicode=True, width=100
            )
            path = Path(tmp) / f"{draft.id}.draft.yaml"
            path.write_text(text, encoding="utf-8")
            staged.append(path)
        for path in staged:
            final = target / path.name
            os.replace(path, final)
            written.append(final)
    return tuple(written)
