"""Validated questionnaires (PROMIS short forms, the PGIC), scored as their manuals say.

The curated data live in ``knowledge/data/questionnaires.yaml``: each form's items (text,
options, reverse-scored or not), for the PROMIS short forms the published
raw-score-to-T-score table with its standard error, the licence, the missing-answer rule,
the severity bands and the sources. Condition-specific instruments left out because their
licence does not allow it are in ``questionnaires_not_included.yaml`` (:func:`load_not_included`).

Answers are response codes 1..n in the order the options are listed; an item marked
``reverse`` scores ``n + 1 - code``. A ``t_table`` form's raw score is the sum of the item
scores, and the T-score and SE are read from the table: nothing is interpolated, and a form
with a missing answer gets no score (the table is for complete forms). A ``single_item``
form (the PGIC) scores the answer's code; it has no T-score, and its interpretation is the
answer's own published words.

>>> result = score_questionnaire("promis_fatigue_4a", [2, 3, 1, 4])
>>> result.raw_score, result.t_score, result.se, result.interpretation
(10, 53.1, 2.4, 'within normal limits')
>>> score_questionnaire("promis_sleep_disturbance_4a", [1, 1, 5, 5]).raw_score  # Very poor, Not at all refreshing
20
>>> pgic = score_questionnaire("pgic", [5])
>>> pgic.raw_score, pgic.t_score, pgic.interpretation
(5, None, 'Moderately better, and a slight but noticeable change')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import Record, SourcedRecord, load_records

__all__ = [
    "QUESTIONNAIRES_FILE",
    "IncompleteAnswersError",
    "InvalidAnswersError",
    "NotIncluded",
    "Questionnaire",
    "QuestionnaireScore",
    "UnknownQuestionnaireError",
    "get_questionnaire",
    "load_not_included",
    "load_questionnaires",
    "score_questionnaire",
]

QUESTIONNAIRES_FILE = "questionnaires.yaml"
NOT_INCLUDED_FILE = "questionnaires_not_included.yaml"


class UnknownQuestionnaireError(LookupError):
    """An instrument id that is not a curated questionnaire."""


class InvalidAnswersError(ValueError):
    """Answers of the wrong number or outside the response codes."""


class IncompleteAnswersError(InvalidAnswersError):
    """An item was left unanswered: the manual's table gives no score for a partial form."""


class Item(Record):
    """One question: its item code, LOINC code (when it has one), wording and options."""

    code: str
    loinc: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
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
    """A form, how it is scored, its licence and where every number and word comes from.

    ``scoring`` is ``t_table`` (sum of item scores, T-score and SE from the published table;
    ``table`` and ``table_check`` required) or ``single_item`` (one item scored by its code;
    no table, no bands; ``wording_check`` says how the words were checked).
    """

    name: str
    domain: str
    timeframe: str
    higher_is_worse: bool
    scoring: Literal["t_table", "single_item"] = "t_table"
    items: tuple[Item, ...] = Field(min_length=1)
    reverse_note: str | None = None
    table: tuple[TableRow, ...] = ()
    table_check: str | None = Field(default=None, min_length=40)
    wording_check: str | None = Field(default=None, min_length=40)
    missing_rule: str
    bands: tuple[Band, ...] = ()
    licence: str = Field(min_length=40)

    @model_validator(mode="after")
    def _table_covers_every_raw_score(self) -> Questionnaire:
        if self.scoring == "single_item":
            if len(self.items) != 1 or self.table or self.bands or self.table_check:
                raise ValueError("a single_item form has one item and no table, table_check or bands")
            if not self.wording_check:
                raise ValueError("a single_item form needs wording_check (how its words were checked)")
            return self
        if not self.table_check:
            raise ValueError("a t_table form needs table_check (how the table was verified)")
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

    @property
    def has_t_score(self) -> bool:
        return self.scoring == "t_table"


class NotIncluded(SourcedRecord):
    """A condition-specific instrument left out, and why (its licence), with the page that says so."""

    name: str
    condition: str
    reason: str = Field(min_length=40)


@dataclass(frozen=True, slots=True)
class QuestionnaireScore:
    """A scored form: raw sum, T-score and SE from the published table, and the band (PROMIS);
    or the answer's code and words (single-item forms: ``t_score`` and ``se`` are ``None``)."""

    instrument: str
    name: str
    answers: tuple[int, ...]
    item_scores: tuple[int, ...]
    raw_score: int
    t_score: float | None
    se: float | None
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


@cache
def load_not_included() -> tuple[NotIncluded, ...]:
    """Condition-specific instruments ldncare leaves out because of their licence."""
    return load_records(NOT_INCLUDED_FILE, NotIncluded)


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
    if questionnaire.scoring == "single_item":
        return QuestionnaireScore(
            instrument=questionnaire.id, name=questionnaire.name, answers=tuple(codes), item_scores=item_scores,
            raw_score=raw, t_score=None, se=None, interpretation=items[0].options[codes[0] - 1])
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
