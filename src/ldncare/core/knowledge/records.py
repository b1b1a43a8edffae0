"""The building blocks every curated record shares: its sources and its review stamp.

Every medical or pharmacological fact in ldncare is a record that says where it comes
from (:class:`Source`: a PMID, DOI, NCT id or URL a reader can follow) and who checked it
when (:class:`Review`). :class:`SourcedRecord` is the base of every curated record type;
:func:`load_records` reads a YAML file of them and fails with a message naming the file,
the record and the field when anything is wrong.

>>> src = Source(pmid="17222320", note="Smith 2007, open-label pilot")
>>> src.url
'https://pubmed.ncbi.nlm.nih.gov/17222320/'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "DATA_DIR",
    "KnowledgeDataError",
    "Record",
    "Review",
    "Source",
    "SourcedRecord",
    "load_records",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_NCT = re.compile(r"^NCT\d{8}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")


class KnowledgeDataError(ValueError):
    """A knowledge file is missing, malformed or fails validation (message says where)."""


class Record(BaseModel):
    """Base of all knowledge records: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(Record):
    """Where a fact comes from. At least one of ``pmid``, ``doi``, ``nct`` or ``url``."""

    pmid: str | None = Field(default=None, pattern=r"^\d{1,9}$", description="PubMed id")
    doi: str | None = Field(default=None, description="Digital Object Identifier, e.g. 10.1111/j.1572-0241.2007.01052.x")
    nct: str | None = Field(default=None, description="ClinicalTrials.gov id, e.g. NCT01528098")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    note: str | None = Field(default=None, description="What this source supports, or its citation")

    @field_validator("doi")
    @classmethod
    def _doi_shape(cls, value: str | None) -> str | None:
        if value is not None and not _DOI.match(value):
            raise ValueError(f"{value!r} is not a DOI (expected 10.NNNN/suffix)")
        return value

    @field_validator("nct")
    @classmethod
    def _nct_shape(cls, value: str | None) -> str | None:
        if value is not None and not _NCT.match(value):
            raise ValueError(f"{value!r} is not a ClinicalTrials.gov id (expected NCT and 8 digits)")
        return value

    @model_validator(mode="after")
    def _has_an_identifier(self) -> Source:
        if not (self.pmid or self.doi or self.nct or self.url):
            raise ValueError("a source needs a pmid, doi, nct or url that a reader can follow")
        return self

    def model_post_init(self, __context) -> None:  # fill a followable URL for identifiers
        if self.url is None:
            if self.pmid:
                object.__setattr__(self, "url", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/")
            elif self.doi:
                object.__setattr__(self, "url", f"https://doi.org/{self.doi}")
            elif self.nct:
                object.__setattr__(self, "url", f"https://clinicaltrials.gov/study/{self.nct}")

    @property
    def label(self) -> str:
        """A short human label: ``PMID 17222320``, ``doi:10.…``, ``NCT…`` or the URL."""
        if self.pmid:
            return f"PMID {self.pmid}"
        if self.doi:
            return f"doi:{self.doi}"
        if self.nct:
            return self.nct
        return str(self.url)


class Review(Record):
    """Who reviewed a record, and when."""

    reviewed_by: str = Field(min_length=2)
    reviewed_on: dt.date


class SourcedRecord(Record):
    """A curated record: an id, at least one source, and a review stamp."""

    id: str = Field(min_length=1, max_length=120)
    sources: list[Source] = Field(min_length=1)
    review: Review

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} is not a slug (lowercase letters, digits, - _ .)")
        return value


R = TypeVar("R", bound=Record)


def load_records(filename: str, model: type[R], *, key: str | None = None, data_dir: Path | None = None) -> tuple[R, ...]:
    """Read ``data/<filename>``: a YAML list of records (or a mapping holding one under ``key``).

    Raises :class:`KnowledgeDataError` naming the file, the record (by position and id)
    and the failing fields. Ids must be unique within the file.
    """
    path = (data_dir or DATA_DIR) / filename
    return _load(path, model, key)


@cache
def _load(path: Path, model: type[R], key: str | None) -> tuple[R, ...]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeDataError(f"{path.name}: knowledge file not found at {path}") from None
    except yaml.YAMLError as exc:
        raise KnowledgeDataError(f"{path.name}: not valid YAML: {exc}") from None
    if key is not None:
        if not isinstance(raw, dict) or key not in raw:
            raise KnowledgeDataError(f"{path.name}: expected a mapping with a '{key}' list")
        raw = raw[key]
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise KnowledgeDataError(f"{path.name}: expected a list of records")
    records: list[R] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        ident = item.get("id", "?") if isinstance(item, dict) else "?"
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(record)'}: {err['msg']}" for err in exc.errors()
            )
            raise KnowledgeDataError(f"{path.name}: record {position} (id {ident!r}): {problems}") from None
        record_id = getattr(record, "id", None)
        if record_id is not None:
            if record_id in seen:
                raise KnowledgeDataError(f"{path.name}: record {position}: duplicate id {record_id!r}")
            seen.add(record_id)
        records.append(record)
    return tuple(records)
