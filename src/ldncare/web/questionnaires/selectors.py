"""Reads of a patient's questionnaire results and schedules, grouped per instrument for the pages."""

from __future__ import annotations

from dataclasses import dataclass

from ldncare.core.response.questionnaires import Questionnaire, load_questionnaires
from ldncare.web.questionnaires.models import QuestionnaireResult, QuestionnaireSchedule

__all__ = ["InstrumentHistory", "answer_words", "histories_of"]


@dataclass(frozen=True)
class InstrumentHistory:
    questionnaire: Questionnaire
    results: list[QuestionnaireResult]
    schedule: QuestionnaireSchedule | None

    @property
    def latest(self) -> QuestionnaireResult | None:
        return self.results[0] if self.results else None

    @property
    def rows(self) -> list[tuple[QuestionnaireResult, list[tuple[str, str]]]]:
        """Each result with its answers in words, for the history table."""
        return [(result, answer_words(self.questionnaire, result)) for result in self.results]


def histories_of(patient, *, limit: int = 100) -> list[InstrumentHistory]:
    """Every curated questionnaire with the patient's results (newest first) and schedule."""
    results: dict[str, list[QuestionnaireResult]] = {}
    for result in QuestionnaireResult.objects.filter(patient=patient)[: limit * 10]:
        results.setdefault(result.instrument, []).append(result)
    schedules = {s.instrument: s for s in QuestionnaireSchedule.objects.filter(patient=patient)}
    return [InstrumentHistory(questionnaire=q, results=results.get(q.id, [])[:limit], schedule=schedules.get(q.id))
            for q in load_questionnaires()]


def answer_words(questionnaire: Questionnaire, result: QuestionnaireResult) -> list[tuple[str, str]]:
    """(question, the answer's published words) for each item of a stored result."""
    pairs = []
    for item, code in zip(questionnaire.items, result.answers, strict=False):
        pairs.append((item.text, item.options[code - 1] if isinstance(code, int) and 1 <= code <= len(item.options)
                      else str(code)))
    return pairs
