"""Side effects of LDN: how often, what trials reported, how they usually go, when to act.

Each :class:`SideEffect` links the article's lists to what studies reported
(:class:`TrialReport`, with numbers where a source gave them, and a flag when ldncare
computed a percentage itself), and says how urgent it is: ``expected`` (usually mild and
passing), ``contact_prescriber`` or ``urgent_care``. The ids are a shared contract.

>>> resolve_side_effect("sleeplessness").id
'insomnia'
>>> resolve_side_effect("Vivid Dreams").urgency
'expected'
>>> resolve_side_effect("liver_injury_signs").urgency
'urgent_care'
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge._matching import Vocabulary
from ldncare.core.knowledge.records import Record, Source, SourcedRecord, load_records

__all__ = [
    "SideEffect",
    "TrialReport",
    "UnknownSideEffectError",
    "load_side_effects",
    "resolve_side_effect",
]

SIDE_EFFECTS_FILE = "side_effects.yaml"

Frequency = Literal["common", "less_common", "rare"]
Urgency = Literal["expected", "contact_prescriber", "urgent_care"]
ArticleList = Literal["common", "less_common", "mentioned", "not_listed"]


class TrialReport(Record):
    """What one study (or the standard-dose label) reported about a side effect.

    ``percent_computed`` is true when ldncare computed ``percent`` from ``events``/``n``
    and the source did not print it (e.g. Smith 2007: 7/17 = 41.2%).
    """

    study: str | None = Field(default=None, description="study id in studies.yaml (evidence.yaml)")
    finding: str = Field(min_length=5)
    events: int | None = Field(default=None, ge=0)
    n: int | None = Field(default=None, gt=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    percent_computed: bool = False
    dose_context: Literal["ldn", "standard_dose"] = "ldn"
    source: Source

    @model_validator(mode="after")
    def _consistent_numbers(self) -> TrialReport:
        if self.events is not None and self.n is not None:
            if self.events > self.n:
                raise ValueError(f"events ({self.events}) exceed n ({self.n})")
            if self.percent is not None and abs(100 * self.events / self.n - self.percent) > 0.05:
                raise ValueError(f"percent {self.percent} does not equal {self.events}/{self.n}")
        if self.percent_computed and (self.events is None or self.n is None or self.percent is None):
            raise ValueError("a computed percent needs the events and n it was computed from")
        return self


class SideEffect(SourcedRecord):
    """A side effect: frequency category, trial reports, expected course, urgency, advice."""

    name: str = Field(min_length=2)
    synonyms: list[str] = Field(default_factory=list)
    frequency: Frequency
    frequency_basis: str = Field(min_length=10)
    article_list: ArticleList
    trial_reports: list[TrialReport] = Field(default_factory=list)
    expected_course: str = Field(min_length=10)
    urgency: Urgency
    what_to_do: str = Field(min_length=10)
    warning_signs: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _urgent_ones_name_their_signs(self) -> SideEffect:
        if self.urgency == "urgent_care" and not self.warning_signs:
            raise ValueError("an urgent_care side effect must list its warning_signs")
        return self


class UnknownSideEffectError(LookupError):
    """No side effect matches the text. ``.suggestions`` holds the closest side-effect ids."""

    def __init__(self, text: str, suggestions: list[str], known: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = f"did you mean: {', '.join(suggestions)}? " if suggestions else ""
        super().__init__(f"unknown side effect {text!r}; {hint}known side effects: {', '.join(known)}")


def load_side_effects() -> tuple[SideEffect, ...]:
    """All curated side effects, validated, in file order.

    >>> [s.id for s in load_side_effects() if s.urgency == "urgent_care"]
    ['liver_injury_signs', 'allergic_reaction', 'opioid_withdrawal']
    """
    return load_records(SIDE_EFFECTS_FILE, SideEffect, key="side_effects")


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary((s.id, [s.name, *s.synonyms]) for s in load_side_effects())


def resolve_side_effect(text: str) -> SideEffect:
    """The side effect whose id, name or synonym matches ``text`` (case, spaces, ``_`` ignored).

    Raises :class:`UnknownSideEffectError` (a ``LookupError``) with the closest ids.

    >>> resolve_side_effect("DRY MOUTH").id
    'dry_mouth'
    >>> try:
    ...     resolve_side_effect("headake")
    ... except UnknownSideEffectError as exc:
    ...     exc.suggestions[0]
    'headache'
    """
    vocabulary = _vocabulary()
    found = vocabulary.lookup(text)
    effects = load_side_effects()
    if found is None:
        raise UnknownSideEffectError(text, vocabulary.suggest(text), [s.id for s in effects])
    return next(s for s in effects if s.id == found)
