"""Validated questionnaires (PROMIS short forms), scored as their manuals say.

The curated data live in ``knowledge/data/questionnaires.yaml``: each short form's items
(text, options, reverse-scored or not), the published raw-score-to-T-score table with its
standard error, the licence, the missing-answer rule, the severity bands and the sources.

Answers are response codes 1-5 in the order the options are listed; an item marked
``reverse`` scores ``6 - code``. The raw score is the sum of the item scores, and the
T-score and SE are read from the table: nothing is interpolated, and a form with a missing
answer gets no score (the table is for complete forms).

>>> result = score_questionnaire("promis_fatigue_4a", [2, 3, 1, 4])
>>> result.raw_score, result.t_score, result.se, result.interpretation
(10, 53.1, 2.4, 'within normal limits')
>>> score_questionnaire("promis_sleep_disturbance_4a", [1, 1, 5, 5]).raw_score  # Very poor, Not at all refreshing
20
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import Record, SourcedRecord, load_records

__all__ = [
    "QUESTIONNAIRES_FILE",
    "IncompleteAnswersError",
    "InvalidAnswersError",
    "Questionnaire",
    "QuestionnaireScore",
    "UnknownQuestionnaireError",
    "get_questionnaire",
    "load_questionnaires",
    "score_questionnaire",
]

QUESTIONNAIRES_FILE = "questionnaires.yaml"


class UnknownQuestionnaireError(LookupError):
    """An instrument id that is not a curated questionnaire."""


class InvalidAnswersError(ValueError):
    """Answers of the wrong number or outside the response codes."""


class IncompleteAnswersError(InvalidAnswersError):
    """An item was left unanswered: the manual's table gives no score for a partial form."""


class Item(Record):
    """One question: its PROMIS item code, LOINC code, wording and options."""

    code: str
    loinc: str = Field(pattern=r"^\d{1,7}-\d$")
    text: str = Field(min_length=3)
    options: tuple[str, ...] = Field(min_length=2)
    reverse: bool

    def item_score(self, answer_code: int) -> int:
        """The score this answer adds to the raw sum (reversed items: ``n + 1 - code``)."""
        return len(self.options) + 1 - answer_code if self.reverse else answer_code


class TableRow(Record):
    """One row of the published conversion table."""

    raw: int
    t: float
    se: float = Field(gt=0)


class Band(Record):
    """A published severity band: from this T-score up to the next band."""

    label: str
    from_t: float = Field(ge=0)


class Questionnaire(SourcedRecord):
    """A short form, its scoring table, its licence and where every number comes from."""

    name: str
    domain: str
    timeframe: str
    higher_is_worse: bool
    items: tuple[Item, ...] = Field(min_length=1)
    reverse_note: str | None = None
    table: tuple[TableRow, ...]
    table_check: str = Field(min_length=40)
    missing_rule: str
    bands: tuple[Band, ...] = ()
    licence: str = Field(min_length=40)

    @model_validator(mode="after")
    def _table_covers_every_raw_score(self) -> Questionnaire:
        raws = [row.raw for row in self.table]
        if raws != list(range(self.min_raw, self.max_raw + 1)):
            raise ValueError(f"table must list raw scores {self.min_raw}-{self.max_raw} once each, in order")
        ts = [row.t for row in self.table]
        if any(b <= a for a, b in zip(ts, ts[1:], strict=False)):
            raise ValueError("T-scores must rise with the raw score")
        froms = [band.from_t for band in self.bands]
        if froms != sorted(froms) or (froms and froms[0] != 0):
            raise ValueError("bands must start at T 0 and rise")
        return self

    @property
    def min_raw(self) -> int:
        return len(self.items)

    @property
    def max_raw(self) -> int:
        return sum(len(item.options) for item in self.items)

    def band(self, t_score: float) -> str | None:
        """The published severity label for ``t_score`` (``None`` when no bands are sourced)."""
        label = None
        for band in self.bands:
            if t_score >= band.from_t:
                label = band.label
        return label


@dataclass(frozen=True, slots=True)
class QuestionnaireScore:
    """A scored form: raw sum, T-score and SE from the published table, and the band."""

    instrument: str
    name: str
    answers: tuple[int, ...]
    item_scores: tuple[int, ...]
    raw_score: int
    t_score: float
    se: float
    interpretation: str | None

    def as_json(self) -> dict:
        return {
            "instrument": self.instrument,
            "name": self.name,
            "answers": list(self.answers),
            "item_scores": list(self.item_scores),
            "raw_score": self.raw_score,
            "t_score": self.t_score,
            "se": self.se,
            "interpretation": self.interpretation,
        }


@cache
def load_questionnaires() -> tuple[Questionnaire, ...]:
    """All curated questionnaires."""
    return load_records(QUESTIONNAIRES_FILE, Questionnaire)


def get_questionnaire(instrument_id: str) -> Questionnaire:
    """The curated questionnaire ``instrument_id``; raises :class:`UnknownQuestionnaireError`."""
    for questionnaire in load_questionnaires():
        if questionnaire.id == instrument_id:
            return questionnaire
    known = ", ".join(q.id for q in load_questionnaires())
    raise UnknownQuestionnaireError(f"unknown questionnaire {instrument_id!r}; known: {known}")


def score_questionnaire(instrument_id: str, answers: Sequence[int | None]) -> QuestionnaireScore:
    """Score one completed form: answers are response codes (1 = first option listed).

    Raises :class:`UnknownQuestionnaireError`, :class:`InvalidAnswersError` (wrong number,
    not a whole number, out of range) or :class:`IncompleteAnswersError` (an item left blank).
    """
    questionnaire = get_questionnaire(instrument_id)
    items = questionnaire.items
    if len(answers) != len(items):
        raise InvalidAnswersError(
            f"{questionnaire.name} has {len(items)} items; got {len(answers)} answers "
            f"(give one code per item, in order)")
    missing = [i + 1 for i, answer in enumerate(answers) if answer is None]
    if missing:
        raise IncompleteAnswersError(
            f"item(s) {', '.join(map(str, missing))} unanswered: {questionnaire.name} is scored only when all "
            f"{len(items)} items are answered (the published table is for complete forms; no prorating)")
    codes: list[int] = []
    for position, (item, answer) in enumerate(zip(items, answers, strict=True), start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= len(item.options):
            allowed = ", ".join(f"{code} = {option}" for code, option in enumerate(item.options, start=1))
            raise InvalidAnswersError(f"item {position} ({item.text}): {answer!r} is not allowed; use {allowed}")
        codes.append(answer)
    item_scores = tuple(item.item_score(code) for item, code in zip(items, codes, strict=True))
    raw = sum(item_scores)
    row = questionnaire.table[raw - questionnaire.min_raw]
    return QuestionnaireScore(
        instrument=questionnaire.id,
        name=questionnaire.name,
        answers=tuple(codes),
        item_scores=item_scores,
        raw_score=raw,
        t_score=row.t,
        se=row.se,
        interpretation=questionnaire.band(row.t),
    )
