"""Importers that keep the atlas current: PubMed efetch XML and ClinicalTrials.gov API v2 JSON.

They produce :class:`DraftStudy` records (unreviewed, no review stamp), de-duplicated
against the published studies by PMID, DOI and NCT id. Drafts are written as YAML for a
reviewer and are never loaded as published studies.
"""

from ldncare.core.evidence.importers.ctgov import draft_from_ctgov_study, read_ctgov_json
from ldncare.core.evidence.importers.drafts import (
    DraftStudy,
    ImportFormatError,
    mark_duplicates,
    write_drafts,
)
from ldncare.core.evidence.importers.pubmed import read_pubmed_xml

__all__ = [
    "DraftStudy",
    "ImportFormatError",
    "draft_from_ctgov_study",
    "mark_duplicates",
    "read_ctgov_json",
    "read_pubmed_xml",
    "write_drafts",
]
