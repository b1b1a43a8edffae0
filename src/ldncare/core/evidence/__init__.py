"""The evidence atlas.

Study grading, per-condition certainty and summaries, random-effects meta-analysis and
forest plots, citation export (BibTeX, RIS, CSL-JSON) and importers that turn PubMed and
ClinicalTrials.gov records into draft knowledge records for review.

>>> from ldncare.core.evidence import summarize_condition, pool_condition
>>> summarize_condition("fibromyalgia").certainty, pool_condition("fibromyalgia").poolable
('low', False)
"""

from ldncare.core.evidence.citations import FORMATS, cite, to_bibtex, to_csl_json, to_ris
from ldncare.core.evidence.grading import DESIGN_LEVELS, SCHEME, Downgrade, Grade, grade_study
from ldncare.core.evidence.importers import (
    DraftStudy,
    ImportFormatError,
    mark_duplicates,
    read_ctgov_json,
    read_pubmed_xml,
    write_drafts,
)
from ldncare.core.evidence.search import SearchHit, search
from ldncare.core.evidence.summaries import (
    ConditionSummary,
    GradedStudy,
    summarize_all,
    summarize_condition,
)

# The meta-analysis module imports statsmodels; load it on first use so that importing
# the package (and starting the CLI) stays fast.
_LAZY = {"MetaAnalysis", "NotPoolable", "PooledEffect", "StudyEffect", "draw_forest", "pool_condition", "pool_effects"}

__all__ = [
    "DESIGN_LEVELS",
    "FORMATS",
    "SCHEME",
    "ConditionSummary",
    "Downgrade",
    "DraftStudy",
    "Grade",
    "GradedStudy",
    "ImportFormatError",
    "MetaAnalysis",
    "NotPoolable",
    "PooledEffect",
    "SearchHit",
    "StudyEffect",
    "cite",
    "draw_forest",
    "grade_study",
    "mark_duplicates",
    "pool_condition",
    "pool_effects",
    "read_ctgov_json",
    "read_pubmed_xml",
    "search",
    "summarize_all",
    "summarize_condition",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
    "write_drafts",
]


def __getattr__(name: str):
    if name in _LAZY:
        from ldncare.core.evidence import meta_analysis

        return getattr(meta_analysis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
