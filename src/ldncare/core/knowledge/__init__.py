"""Curated knowledge as data.

YAML records under ``data/`` (conditions, studies, side effects, food-derived opioid
peptides, claims, drug vocabulary, ...), each carrying its sources (PMID, DOI or URL) and a
review stamp, loaded and validated by typed pydantic models. A record without a source
fails the tests. Everything else in ldncare reads medical facts from here.

>>> from ldncare.core.knowledge import resolve_condition, resolve_side_effect
>>> resolve_condition("Crohn's disease").id, resolve_side_effect("sleeplessness").id
('crohns-disease', 'insomnia')
"""

from ldncare.core.knowledge.about import AboutEntry, get_about_entry, load_about
from ldncare.core.knowledge.claims import VERDICTS, Claim, count_verdicts, get_claim, load_claims
from ldncare.core.knowledge.condition_evidence import (
    CERTAINTY_LEVELS,
    CertaintyReason,
    ConditionEvidence,
    UnknownConditionEvidenceError,
    get_condition_evidence,
    load_condition_evidence,
)
from ldncare.core.knowledge.conditions import (
    Condition,
    UnknownConditionError,
    load_conditions,
    resolve_condition,
)
from ldncare.core.knowledge.peptides import (
    FoodPeptide,
    PeptideNotice,
    SourceProtein,
    get_peptide,
    load_peptide_notice,
    load_peptides,
    load_source_proteins,
)
from ldncare.core.knowledge.records import (
    KnowledgeDataError,
    Review,
    Source,
    SourcedRecord,
    load_records,
)
from ldncare.core.knowledge.side_effects import (
    SideEffect,
    TrialReport,
    UnknownSideEffectError,
    load_side_effects,
    resolve_side_effect,
)
from ldncare.core.knowledge.studies import Study, get_study, load_studies, studies_for_condition

__all__ = [
    "AboutEntry",
    "CERTAINTY_LEVELS",
    "CertaintyReason",
    "Claim",
    "Condition",
    "ConditionEvidence",
    "FoodPeptide",
    "KnowledgeDataError",
    "PeptideNotice",
    "Review",
    "SideEffect",
    "Source",
    "SourceProtein",
    "SourcedRecord",
    "Study",
    "TrialReport",
    "UnknownConditionError",
    "UnknownConditionEvidenceError",
    "UnknownSideEffectError",
    "VERDICTS",
    "count_verdicts",
    "get_about_entry",
    "get_claim",
    "get_condition_evidence",
    "get_peptide",
    "get_study",
    "load_about",
    "load_claims",
    "load_condition_evidence",
    "load_conditions",
    "load_peptide_notice",
    "load_peptides",
    "load_records",
    "load_side_effects",
    "load_source_proteins",
    "load_studies",
    "resolve_condition",
    "resolve_side_effect",
    "studies_for_condition",
]
