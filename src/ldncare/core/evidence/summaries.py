"""Condition summaries: the numbers, the certainty with its reasons, the reviewed text, the studies.

The certainty (GRADE: high / moderate / low / very_low), its reasons per GRADE domain, the
plain-language summary and the "what this means for you" line are curated, reviewed data
(:mod:`ldncare.core.knowledge.condition_evidence`); this module reads them through
:func:`appraisal_for` and puts them next to numbers computed from the study records and
the CEBM 2011 level of each study (:mod:`ldncare.core.evidence.grading`).

>>> s = summarize_condition("crohns-disease")
>>> s.condition.id, s.n_studies >= 5, s.studies[0].grade.level
('crohns-disease', True, 1)
>>> s.designs["rct_parallel"]
2
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ldncare.core.evidence.grading import DESIGN_LABELS, Grade, grade_study
from ldncare.core.knowledge.condition_evidence import (
    CERTAINTY_LEVELS,
    CertaintyReason,
    ConditionEvidence,
    UnknownConditionEvidenceError,
    get_condition_evidence,
)
from ldncare.core.knowledge.conditions import Condition, load_conditions, resolve_condition
from ldncare.core.knowledge.studies import Study, studies_for_condition

__all__ = [
    "CERTAINTY_LEVELS",
    "NOT_ASSESSED",
    "ConditionSummary",
    "GradedStudy",
    "PARTICIPANT_KINDS",
    "appraisal_for",
    "graded_study_to_dict",
    "participant_kind",
    "summarize_all",
    "summarize_condition",
]

PARTICIPANT_KINDS: tuple[str, ...] = ("controlled_trials", "uncontrolled_studies", "registers", "mixed_condition_cohorts")
"""The kinds of primary study whose participants are counted apart (see :attr:`ConditionSummary.participants`)."""

NOT_ASSESSED = "not_assessed"
"""Certainty shown for a condition with no reviewed GRADE record (never guessed)."""


def appraisal_for(condition_id: str) -> ConditionEvidence | None:
    """The reviewed GRADE certainty record of ``condition_id``, or None if none is recorded.

    >>> appraisal_for("fibromyalgia").certainty
    'low'
    """
    try:
        return get_condition_evidence(condition_id)
    except UnknownConditionEvidenceError:
        return None


@dataclass(frozen=True)
class GradedStudy:
    """A study with its CEBM 2011 grade."""

    study: Study
    grade: Grade


@dataclass(frozen=True)
class ConditionSummary:
    """Everything the atlas shows for one condition."""

    condition: Condition
    certainty: str
    certainty_reasons: tuple[CertaintyReason, ...]
    summary: str
    what_this_means: str
    studies: tuple[GradedStudy, ...]
    designs: dict[str, int] = field(default_factory=dict)

    @property
    def certainty_label(self) -> str:
        """``High``, ``Moderate``, ``Low``, ``Very low`` or ``Not assessed``."""
        return self.certainty.replace("_", " ").capitalize()

    @property
    def primary(self) -> tuple[GradedStudy, ...]:
        """Primary studies (not reviews)."""
        return tuple(g for g in self.studies if not g.study.is_review)

    @property
    def n_studies(self) -> int:
        """Number of primary studies (reviews are counted in :attr:`n_reviews`)."""
        return len(self.primary)

    @property
    def n_reviews(self) -> int:
        """Number of reviews and expert opinions listed for the condition."""
        return len(self.studies) - self.n_studies

    @property
    def n_controlled(self) -> int:
        """Primary studies with a concurrent comparator (randomized or not)."""
        return sum(1 for g in self.primary if g.study.is_controlled)

    @property
    def participants(self) -> dict[str, int]:
        """Participants of the primary studies that state a number, by kind of study (never one sum).

        ``controlled_trials``: randomized or controlled trials of this condition alone;
        ``uncontrolled_studies``: open-label, retrospective and case studies of this condition
        alone; ``registers``: prescription-register cohorts; ``mixed_condition_cohorts``:
        non-register cohorts that pooled this condition with others (e.g. Crohn's disease and
        ulcerative colitis together). Registers and mixed cohorts are counted apart because
        their people are mostly not trial participants, and often not people with this
        condition. See :func:`participant_kind`.
        """
        counts = dict.fromkeys(PARTICIPANT_KINDS, 0)
        for g in self.primary:
            counts[participant_kind(g.study)] += g.study.n_enrolled or 0
        return counts

    @property
    def trial_participants(self) -> int:
        """Participants in controlled trials of this condition alone (the figure to compare across conditions)."""
        return self.participants["controlled_trials"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ldncare evidence CONDITION --json``."""
        return {
            "condition": {"id": self.condition.id, "name": self.condition.name, "icd10": list(self.condition.icd10)},
            "certainty": self.certainty,
            "certainty_label": self.certainty_label,
            "certainty_reasons": [r.model_dump(mode="json") | {"text": r.text} for r in self.certainty_reasons],
            "summary": self.summary,
            "what_this_means": self.what_this_means,
            "numbers": {
                "n_studies": self.n_studies,
                "n_reviews": self.n_reviews,
                "n_controlled": self.n_controlled,
                "participants": self.participants,
                "designs": dict(self.designs),
            },
            "studies": [graded_study_to_dict(g) for g in self.studies],
        }


def participant_kind(study: Study) -> str:
    """Which participant count ``study`` adds to (one of :data:`PARTICIPANT_KINDS`).

    >>> from ldncare.core.knowledge.studies import get_study
    >>> participant_kind(get_study("raknes2018-ibd-register")), participant_kind(get_study("lie2018-ibd-prospective"))
    ('registers', 'mixed_condition_cohorts')
    >>> participant_kind(get_study("smith2011-crohns-rct"))
    'controlled_trials'
    """
    if study.design == "register_before_after":
        return "registers"
    if len(study.conditions) > 1:
        return "mixed_condition_cohorts"
    return "controlled_trials" if study.is_controlled else "uncontrolled_studies"


def graded_study_to_dict(graded: GradedStudy) -> dict[str, Any]:
    """JSON form of one graded study (the contract keys first, then the details)."""
    s = graded.study
    return {
        "id": s.id,
        "year": s.citation.year,
        "design": s.design,
        "level": graded.grade.level,
        "n_enrolled": s.n_enrolled,
        "pmid": s.pmid,
        "doi": s.doi,
        "ldn_dose_mg": s.ldn_dose_mg,
        "results": [r.model_dump(mode="json") for r in s.results],
        "sources": [src.model_dump(mode="json", exclude_none=True) | {"label": src.label} for src in s.sources],
        "label": s.label,
        "title": s.citation.title,
        "journal": s.citation.journal,
        "authors": list(s.citation.authors),
        "design_label": DESIGN_LABELS[s.design],
        "design_detail": s.design_detail,
        "grade": graded.grade.to_dict(),
        "nct": list(s.nct),
        "population": s.population,
        "condition_as_reported": s.condition_as_reported,
        "n_enrolled_basis": s.n_enrolled_basis,
        "participant_kind": None if s.is_review else participant_kind(s),
        "n_included_studies": s.n_included_studies,
        "n_included_participants": s.n_included_participants,
        "dose": {
            "ldn_dose_mg": s.ldn_dose_mg,
            "dose_range_mg": list(s.dose_range_mg) if s.dose_range_mg else None,
            "dose_mg_per_kg": s.dose_mg_per_kg,
            "dose_max_mg": s.dose_max_mg,
            "dose_text": s.dose_text,
            "modern_ldn_dose": s.modern_ldn_dose,
            "schedule": s.schedule,
        },
        "duration_weeks": s.duration_weeks,
        "duration_text": s.duration_text,
        "comparator": s.comparator,
        "outcome_instrument": s.outcome_instrument,
        "effects": [e.model_dump(mode="json", exclude_none=True) for e in s.effects],
        "adverse_events": s.adverse_events,
        "indirectness": s.indirectness,
        "confidence": s.confidence,
        "notes": s.notes,
        "review": s.review.model_dump(mode="json"),
    }


def _sort_key(graded: GradedStudy) -> tuple:
    return (graded.grade.level, -graded.study.citation.year, graded.study.id)


def summarize_condition(condition: str | Condition) -> ConditionSummary:
    """Summary of the evidence for ``condition`` (an id, a name people type, or a Condition).

    Studies are sorted best level first, then newest first. Raises
    :class:`~ldncare.core.knowledge.UnknownConditionError` for unknown text.
    """
    cond = condition if isinstance(condition, Condition) else resolve_condition(condition)
    graded = sorted((GradedStudy(s, grade_study(s)) for s in studies_for_condition(cond.id)), key=_sort_key)
    appraisal = appraisal_for(cond.id)
    designs = Counter(g.study.design for g in graded)
    return ConditionSummary(
        condition=cond,
        certainty=appraisal.certainty if appraisal else NOT_ASSESSED,
        certainty_reasons=tuple(appraisal.certainty_reasons) if appraisal else (),
        summary=appraisal.summary if appraisal else "",
        what_this_means=appraisal.what_this_means if appraisal else "",
        studies=tuple(graded),
        designs=dict(sorted(designs.items())),
    )


def summarize_all() -> tuple[ConditionSummary, ...]:
    """Summaries of every curated condition, in the knowledge base's order."""
    return tuple(summarize_condition(c) for c in load_conditions())
