"""Clinical studies and reviews of low-dose naltrexone, as curated, sourced records.

Each :class:`Study` is one published study or review, converted from the verified research
notes into a typed record: the citation, its identifiers (PMID, DOI, NCT), the design, the
population, the LDN dose and schedule, the duration, the comparator, the outcome instrument,
the results with their numbers, adverse events, how confidently the numbers were extracted,
the sources and the review stamp. Every :class:`Result` and :class:`Effect` says whether its
figure is printed in the source (``stated``) or was derived here from stated numbers
(``computed``, with the derivation written next to it).

>>> studies = load_studies()
>>> smith = get_study("smith2007-crohns-openlabel")
>>> smith.n_enrolled, smith.ldn_dose_mg, smith.citation.year
(17, 4.5, 2007)
>>> smith.results[2].values
{'response_pct': 89.0, 'remission_pct': 67.0}
>>> len(studies_for_condition("fibromyalgia")) >= 5
True
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ldncare.core.knowledge.records import Record, SourcedRecord, load_records

__all__ = [
    "DESIGNS",
    "EFFECT_MEASURES",
    "EFFECT_MEASURE_LABELS",
    "EFFECT_MEASURE_SHORT",
    "Basis",
    "Citation",
    "Confidence",
    "Design",
    "Effect",
    "EffectMeasure",
    "Result",
    "Study",
    "UnknownStudyError",
    "get_study",
    "load_studies",
    "studies_for_condition",
]

Basis = Literal["stated", "computed"]
"""``stated``: printed in the source. ``computed``: derived here from stated numbers."""

Confidence = Literal["high", "medium", "low"]
"""How the numbers were read: ``high`` in the study's own abstract or full text (any mirror),
``medium`` only in a secondary source or partly inferred, ``low`` bibliographic existence only."""

Design = Literal[
    "systematic_review_rcts",
    "systematic_review_mixed",
    "scoping_review",
    "narrative_review",
    "expert_opinion",
    "rct_parallel",
    "rct_crossover",
    "nonrandomized_controlled",
    "register_before_after",
    "prospective_uncontrolled",
    "retrospective_cohort",
    "case_series",
    "case_report",
]
DESIGNS: tuple[str, ...] = Design.__args__  # type: ignore[attr-defined]

_CONTROLLED: frozenset[str] = frozenset({"rct_parallel", "rct_crossover", "nonrandomized_controlled"})
_REVIEWS: frozenset[str] = frozenset(
    {"systematic_review_rcts", "systematic_review_mixed", "scoping_review", "narrative_review", "expert_opinion"}
)


class UnknownStudyError(LookupError):
    """No study has the requested id."""


class Citation(Record):
    """Bibliographic data: authors as "Last Initials" strings, as PubMed prints them."""

    authors: list[str] = Field(default_factory=list, description="'Smith JP' style; empty when not read")
    first_author: str | None = Field(default=None, description="None when the source read did not show it")
    year: int = Field(ge=1950, le=2100)
    title: str = Field(min_length=5)
    journal: str = Field(min_length=2)
    volume_pages: str | None = None

    @property
    def short(self) -> str:
        """``Smith 2007`` style label (``Author not verified 2010`` when the source read did not show the author)."""
        name = self.first_author.split()[0] if self.first_author else "Author not verified"
        return f"{name} {self.year}"


class Result(Record):
    """One reported result: the text as the notes record it, and its numbers.

    ``values`` holds the numbers of the result with the unit in the key
    (``response_pct``, ``cdai_baseline``, ``p_value``); ``basis`` says whether those
    numbers are printed in the source or were computed here.
    """

    text: str = Field(min_length=3)
    basis: Basis = "stated"
    outcome: str | None = Field(default=None, description="Instrument or outcome the result is about")
    values: dict[str, float] = Field(default_factory=dict)
    source_kind: Literal["primary", "secondary"] = Field(
        default="primary", description="primary = the study's own abstract/full text; secondary = news, review, registry summary"
    )


EffectMeasure = Literal[
    "MD",
    "SMD_cohens_d_between",
    "SMD_hedges_g_between",
    "d_z_crossover",
    "r_z_over_sqrt_n",
    "effect_size_unnamed",
]
"""What a comparative effect's number *is*. Only effects of the same measure (or converted to
it by a documented method, see :mod:`ldncare.core.evidence.meta_analysis`) may be pooled."""
EFFECT_MEASURES: tuple[str, ...] = EffectMeasure.__args__  # type: ignore[attr-defined]
EFFECT_MEASURE_LABELS: dict[str, str] = {
    "MD": "mean difference on the named scale (LDN minus comparator)",
    "SMD_cohens_d_between": "between-group standardized mean difference, Cohen's d (no small-sample correction)",
    "SMD_hedges_g_between": "between-group standardized mean difference, Hedges' g (small-sample corrected)",
    "d_z_crossover": "within-person standardized difference d_z of a crossover (mean paired difference / SD of the differences)",
    "r_z_over_sqrt_n": "non-parametric effect size r = Z / sqrt(N) from a rank test",
    "effect_size_unnamed": "an effect size whose type the source does not name",
}
EFFECT_MEASURE_SHORT: dict[str, str] = {
    "MD": "mean difference",
    "SMD_cohens_d_between": "Cohen's d between groups",
    "SMD_hedges_g_between": "Hedges' g between groups",
    "d_z_crossover": "crossover d_z within persons",
    "r_z_over_sqrt_n": "rank-test r",
    "effect_size_unnamed": "unnamed effect size",
}


class Effect(Record):
    """An extractable comparative effect (LDN versus comparator) for meta-analysis.

    ``effect_measure`` names what the number is (:data:`EFFECT_MEASURE_LABELS`): a mean
    difference on ``scale``, a between-group Cohen's d or Hedges' g, a crossover's
    within-person d_z, a rank-test r, or an effect size the source leaves unnamed.
    Sign convention: negative ``estimate`` favours LDN for outcomes where lower is better
    (pain). ``se`` is the standard error; when the source gives a confidence interval or a
    p-value instead, the standard error is derived and ``basis`` is ``computed`` with the
    derivation in ``derivation``.
    """

    outcome_domain: Literal["pain", "function", "quality_of_life", "fatigue", "depression"]
    instrument: str
    effect_measure: EffectMeasure
    measure_note: str | None = Field(
        default=None, description="how the measure was identified, e.g. why an unnamed effect size is most likely r"
    )
    scale: str | None = Field(default=None, description="e.g. 'NRS 0-10' for a mean difference")
    estimate: float
    se: float | None = Field(default=None, gt=0)
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float = Field(default=0.95, gt=0, lt=1)
    p_value: float | None = Field(default=None, gt=0, le=1)
    n_analysed: int | None = Field(default=None, ge=1)
    basis: Basis
    derivation: str | None = None

    @model_validator(mode="after")
    def _computed_says_how(self) -> Effect:
        if self.basis == "computed" and not self.derivation:
            raise ValueError("a computed effect needs a derivation saying how it was computed")
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ci_low and ci_high, or neither")
        if self.ci_low is not None and not self.ci_low <= self.estimate <= self.ci_high:
            raise ValueError("estimate must lie within its confidence interval")
        if self.effect_measure == "MD" and not self.scale:
            raise ValueError("a mean difference (effect_measure MD) needs the scale it is on")
        if self.effect_measure == "effect_size_unnamed" and not self.measure_note:
            raise ValueError("an unnamed effect size needs a measure_note saying what it most likely is")
        return self

    @property
    def measure_label(self) -> str:
        """Plain words for :attr:`effect_measure`."""
        return EFFECT_MEASURE_LABELS[self.effect_measure]


class Study(SourcedRecord):
    """A published LDN study or review, with its sources and review stamp."""

    conditions: list[str] = Field(min_length=1, description="condition ids from conditions.yaml")
    condition_as_reported: str = Field(description="the condition as the study describes it")
    population: str
    citation: Citation
    pmid: str | None = Field(default=None, pattern=r"^\d{1,9}$")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    nct: list[str] = Field(default_factory=list)
    other_ids: list[str] = Field(default_factory=list, description="PMC, EudraCT, CTRI ids")
    design: Design
    design_detail: str
    n_enrolled: int | None = Field(default=None, ge=1, description="participants (None for reviews or when not read)")
    n_enrolled_basis: Basis = "stated"
    n_analysed_text: str | None = None
    n_included_studies: int | None = Field(default=None, ge=1, description="reviews: number of included studies")
    n_included_participants: int | None = Field(default=None, ge=1, description="reviews: participants in included studies")
    ldn_dose_mg: float | None = Field(default=None, gt=0, le=50, description="fixed daily dose when one is stated")
    dose_range_mg: tuple[float, float] | None = None
    dose_mg_per_kg: float | None = Field(default=None, gt=0, le=5)
    dose_max_mg: float | None = Field(default=None, gt=0)
    dose_text: str | None = Field(default=None, description="the dose as the source states it")
    modern_ldn_dose: bool = Field(
        default=True, description="False when the dose is not LDN in the modern sense (e.g. 0.5-2 mg/kg/day)"
    )
    schedule: str | None = None
    duration_weeks: float | None = Field(default=None, gt=0)
    duration_text: str | None = None
    comparator: str | None = None
    outcome_instrument: str | None = None
    results: list[Result] = Field(min_length=1)
    effects: list[Effect] = Field(default_factory=list)
    adverse_events: str | None = None
    indirectness: str | None = Field(
        default=None, description="why the study only indirectly answers 'does LDN help this condition'"
    )
    confidence: Confidence
    notes: str | None = None

    @field_validator("nct")
    @classmethod
    def _nct_ids(cls, value: list[str]) -> list[str]:
        for nct in value:
            if not (nct.startswith("NCT") and len(nct) == 11 and nct[3:].isdigit()):
                raise ValueError(f"{nct!r} is not a ClinicalTrials.gov id (NCT and 8 digits)")
        return value

    @model_validator(mode="after")
    def _dose_consistent(self) -> Study:
        if self.dose_range_mg is not None and self.dose_range_mg[0] > self.dose_range_mg[1]:
            raise ValueError("dose_range_mg must be (low, high)")
        if self.dose_mg_per_kg is not None and self.dose_mg_per_kg >= 0.5 and self.modern_ldn_dose:
            raise ValueError("a dose of 0.5 mg/kg/day or more is not LDN in the modern sense: set modern_ldn_dose false")
        if self.effects and not self.is_controlled:
            raise ValueError("comparative effects need a controlled design")
        return self

    @property
    def is_review(self) -> bool:
        """True for reviews and expert opinion (secondary evidence)."""
        return self.design in _REVIEWS

    @property
    def is_controlled(self) -> bool:
        """True for designs with a concurrent comparator arm or period (RCTs, controlled trials)."""
        return self.design in _CONTROLLED

    @property
    def label(self) -> str:
        """``Smith 2007`` style label."""
        return self.citation.short


@cache
def load_studies() -> tuple[Study, ...]:
    """All curated studies and reviews from ``data/studies.yaml`` (validated, cached)."""
    return load_records("studies.yaml", Study)


def get_study(study_id: str) -> Study:
    """The study with id ``study_id``; raises :class:`UnknownStudyError` otherwise."""
    for study in load_studies():
        if study.id == study_id:
            return study
    raise UnknownStudyError(f"no study with id {study_id!r}")


def studies_for_condition(condition_id: str) -> tuple[Study, ...]:
    """Studies and reviews about ``condition_id``, newest first, then by id."""
    found = [s for s in load_studies() if condition_id in s.conditions]
    return tuple(sorted(found, key=lambda s: (-s.citation.year, s.id)))
