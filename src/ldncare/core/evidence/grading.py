"""Design-based level of evidence for each study: the Oxford CEBM 2011 levels.

Scheme: *OCEBM Levels of Evidence Working Group. "The Oxford 2011 Levels of Evidence".
Oxford Centre for Evidence-Based Medicine* (row "Does this intervention help? (treatment
benefits)"), https://www.cebm.ox.ac.uk/resources/levels-of-evidence/ocebm-levels-of-evidence.

======  ===========================================================================
level   what CEBM 2011 puts there (treatment benefits)
======  ===========================================================================
1       systematic review of randomized trials or n-of-1 trials
2       randomized trial (or observational study with dramatic effect)
3       non-randomized controlled cohort / follow-up study
4       case series, case-control studies, or historically controlled studies
5       mechanism-based reasoning
======  ===========================================================================

How ldncare maps its designs (:data:`DESIGN_LEVELS`, with the reason shown to users):
systematic reviews of RCTs 1; randomized parallel or crossover trials 2; non-randomized
placebo-controlled trials, prescription-register before-after studies with exposure
comparison and systematic reviews of mixed designs 3; uncontrolled prospective studies
(single-arm open label, pre-post), retrospective chart reviews without an untreated control,
case series and case reports 4; narrative and scoping reviews and expert opinion 5.

CEBM 2011 allows a level to be "graded down on the basis of study quality, imprecision,
indirectness ...". ldncare applies two explicit, data-driven downgrades of one level each
(never below 5):

- **indirectness**: the study's PICO does not match the question "does LDN help this
  condition" (the record's ``indirectness`` field says why: weight-based naltrexone doses,
  a co-intervention, an active comparator only, a proxy outcome such as dispensing data);
- **imprecision**: a controlled trial (level 2-3 design) that enrolled fewer than
  :data:`IMPRECISION_MIN_N` participants.

>>> from ldncare.core.knowledge.studies import get_study
>>> grade_study(get_study("smith2011-crohns-rct")).level
2
>>> g = grade_study(get_study("kolmen1995-autism-crossover"))
>>> g.design_level, g.level, [d.reason for d in g.downgrades]
(2, 4, ['indirectness', 'imprecision'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ldncare.core.knowledge.studies import Study

__all__ = [
    "DESIGN_LABELS",
    "DESIGN_LEVELS",
    "IMPRECISION_MIN_N",
    "SCHEME",
    "SCHEME_URL",
    "Downgrade",
    "Grade",
    "grade_study",
]

SCHEME = "Oxford CEBM 2011 Levels of Evidence (treatment benefits)"
SCHEME_URL = "https://www.cebm.ox.ac.uk/resources/levels-of-evidence/ocebm-levels-of-evidence"

IMPRECISION_MIN_N = 20
"""Controlled trials enrolling fewer participants than this are graded down for imprecision."""

DESIGN_LEVELS: dict[str, tuple[int, str]] = {
    "systematic_review_rcts": (1, "systematic review of randomized trials"),
    "rct_parallel": (2, "randomized trial"),
    "rct_crossover": (2, "randomized crossover trial"),
    "nonrandomized_controlled": (3, "non-randomized controlled study"),
    "register_before_after": (3, "non-randomized cohort (prescription register, before-after with exposure comparison)"),
    "systematic_review_mixed": (3, "systematic review including non-randomized studies"),
    "prospective_uncontrolled": (4, "uncontrolled study (historically controlled: before-after in the same patients)"),
    "retrospective_cohort": (4, "retrospective chart review without an untreated control"),
    "case_series": (4, "case series"),
    "case_report": (4, "case report (graded as a case series)"),
    "scoping_review": (5, "scoping review (maps studies, no appraisal)"),
    "narrative_review": (5, "narrative review (expert opinion)"),
    "expert_opinion": (5, "expert opinion"),
}

DESIGN_LABELS: dict[str, str] = {
    "systematic_review_rcts": "systematic review of RCTs",
    "systematic_review_mixed": "systematic review (mixed designs)",
    "scoping_review": "scoping review",
    "narrative_review": "narrative review",
    "expert_opinion": "expert opinion",
    "rct_parallel": "RCT",
    "rct_crossover": "crossover RCT",
    "nonrandomized_controlled": "non-randomized controlled trial",
    "register_before_after": "register study",
    "prospective_uncontrolled": "open-label uncontrolled study",
    "retrospective_cohort": "retrospective study",
    "case_series": "case series",
    "case_report": "case report",
}


@dataclass(frozen=True)
class Downgrade:
    """One level down, with the CEBM 2011 reason and the study-specific explanation."""

    reason: Literal["indirectness", "imprecision"]
    explanation: str


@dataclass(frozen=True)
class Grade:
    """A study's level (1 best .. 5), the level of its design, and the downgrades applied."""

    level: int
    design_level: int
    design_reason: str
    downgrades: tuple[Downgrade, ...] = ()
    scheme: str = SCHEME

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "level": self.level,
            "design_level": self.design_level,
            "design_reason": self.design_reason,
            "downgrades": [{"reason": d.reason, "explanation": d.explanation} for d in self.downgrades],
            "scheme": self.scheme,
        }


def grade_study(study: Study) -> Grade:
    """The Oxford CEBM 2011 level of ``study`` (see the module docstring for the rules)."""
    design_level, design_reason = DESIGN_LEVELS[study.design]
    downgrades: list[Downgrade] = []
    if study.indirectness:
        downgrades.append(Downgrade("indirectness", study.indirectness))
    if design_level in (2, 3) and study.is_controlled and study.n_enrolled is not None and study.n_enrolled < IMPRECISION_MIN_N:
        downgrades.append(
            Downgrade("imprecision", f"controlled trial with {study.n_enrolled} participants (< {IMPRECISION_MIN_N})")
        )
    level = min(5, design_level + len(downgrades))
    return Grade(level=level, design_level=design_level, design_reason=design_reason, downgrades=tuple(downgrades))
