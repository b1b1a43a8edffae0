"""Side-effect triage: what to do about this side effect, at this severity, after this long.

:func:`triage` takes a side effect (a :class:`~ldncare.core.knowledge.SideEffect`, or its
id/name via :func:`triage_effect`), a severity (``mild``/``moderate``/``severe``) and the
days since starting LDN or since the last dose step, and returns a :class:`TriageResult`
with one outcome, mildest first:

``expected_transient`` < ``try_morning_dosing`` < ``lower_dose`` < ``contact_prescriber``
< ``urgent_care``

Rules (texts, thresholds and sources in ``core/safety/data/rules.yaml``, ``triage:``):

1. a red-flag effect (knowledge urgency ``urgent_care``: liver-injury signs, allergic
   reaction, opioid withdrawal) -> ``urgent_care``, whatever the severity;
2. severe -> ``contact_prescriber``; an effect the knowledge data marks
   ``contact_prescriber`` (rash, vomiting, ...) -> ``contact_prescriber``;
3. sleep effects (insomnia, vivid dreams) -> ``try_morning_dosing``;
   other expected effects -> ``expected_transient`` (moderate: only during the first
   ``settle_days`` = 3 days, then ``lower_dose``);
4. persisting beyond ``persist_days`` = 14 days (the "week or two" the article and the
   knowledge data give) escalates one step: mild -> ``lower_dose``, moderate ->
   ``contact_prescriber``.

Not medical advice: the outcome is a prompt for a conversation with the prescriber.

>>> triage_effect("vivid dreams", "mild", 3).outcome
'try_morning_dosing'
>>> triage_effect("headache", "mild", 20).outcome
'lower_dose'
>>> triage_effect("liver_injury_signs", "mild", 1).outcome
'urgent_care'
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ldncare.core.knowledge import SideEffect, resolve_side_effect
from ldncare.core.knowledge.records import Record, Source
from ldncare.core.safety.rules import Rule, triage_rule

__all__ = [
    "MAX_DAYS",
    "OUTCOMES",
    "SEVERITIES",
    "MatchedBy",
    "Outcome",
    "Severity",
    "TriageReason",
    "TriageResult",
    "triage",
    "triage_effect",
]

Severity = Literal["mild", "moderate", "severe"]
Outcome = Literal["expected_transient", "try_morning_dosing", "lower_dose", "contact_prescriber", "urgent_care"]
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")
#: Outcomes from mildest to most urgent.
OUTCOMES: tuple[str, ...] = ("expected_transient", "try_morning_dosing", "lower_dose", "contact_prescriber", "urgent_care")
#: Days since start or last step above this are refused as a typo (10 years).
MAX_DAYS = 3650


class TriageReason(Record):
    """One rule that contributed to the outcome, in plain language, with its sources."""

    rule: str
    text: str
    sources: tuple[Source, ...]


MatchedBy = Literal["catalogue", "red_flag", "unrecognised"]


class TriageResult(Record):
    """The outcome for one side effect, with the advice and the reasons behind it.

    ``outcome`` is the level (one of :data:`OUTCOMES`, mildest first; :attr:`rank` is its
    index). Free-text triage (:func:`ldncare.core.safety.triage_text`) also fills
    ``text`` (what was typed), ``matched_by`` (``catalogue``, ``red_flag`` or
    ``unrecognised``), ``red_flags`` (red-flag ids found), ``side_effect_id`` (the
    catalogue entry, or ``None`` for a red flag or text outside the catalogue) and
    ``suggestions`` (catalogue ids whose own triage is never milder than ``outcome``).
    """

    effect_id: str
    effect_name: str
    severity: Severity
    days: int = Field(ge=0, le=MAX_DAYS)
    outcome: Outcome
    title: str
    advice: str
    reasons: tuple[TriageReason, ...]
    sources: tuple[Source, ...]
    text: str | None = None
    matched_by: MatchedBy = "catalogue"
    side_effect_id: str | None = None
    red_flags: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def urgent(self) -> bool:
        """True when the outcome is urgent care."""
        return self.outcome == "urgent_care"

    @property
    def rank(self) -> int:
        """The outcome's index in :data:`OUTCOMES` (0 = expected ... 4 = urgent care)."""
        return OUTCOMES.index(self.outcome)

    @property
    def needs_prescriber(self) -> bool:
        """True when the outcome is ``contact_prescriber`` or ``urgent_care``."""
        return self.rank >= OUTCOMES.index("contact_prescriber")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI/API shape)."""
        return {
            "effect": self.effect_id,
            "effect_name": self.effect_name,
            "severity": self.severity,
            "days": self.days,
            "outcome": self.outcome,
            "title": self.title,
            "advice": self.advice,
            "reasons": [
                {"rule": r.rule, "text": r.text, "sources": [s.model_dump(exclude_none=True) for s in r.sources]}
                for r in self.reasons
            ],
            "sources": [s.model_dump(exclude_none=True) for s in self.sources],
            "text": self.text,
            "matched_by": self.matched_by,
            "side_effect": self.side_effect_id,
            "red_flags": list(self.red_flags),
            "suggestions": list(self.suggestions),
        }


_OUTCOME_RULE = {
    "urgent_care": "urgent-care",
    "try_morning_dosing": "try-morning-dosing",
    "lower_dose": "lower-dose",
    "expected_transient": "expected-transient",
}


def _reason(rule: Rule, values: dict[str, Any]) -> TriageReason:
    return TriageReason(rule=rule.id, text=rule.message.format_map(values), sources=tuple(rule.sources))


def _decide(effect: SideEffect, severity: Severity, days: int) -> tuple[Outcome, list[str]]:
    """The outcome and the ids of the rules that led to it (last one gives the advice)."""
    if effect.urgency == "urgent_care":
        return "urgent_care", ["urgent-care"]
    if severity == "severe":
        return "contact_prescriber", ["contact-prescriber-severe"]
    if effect.urgency == "contact_prescriber":
        return "contact_prescriber", ["contact-prescriber-flagged"]
    persisting = days > triage_rule("lower-dose").params["persist_days"]
    settle_days = triage_rule("lower-dose").params["settle_days"]
    if effect.id in triage_rule("try-morning-dosing").effects:
        if not persisting:
            return "try_morning_dosing", ["try-morning-dosing"]
        if severity == "mild":
            return "lower_dose", ["try-morning-dosing", "lower-dose"]
        return "contact_prescriber", ["try-morning-dosing", "lower-dose", "contact-prescriber-persisting"]
    if severity == "mild":
        return ("lower_dose", ["expected-transient", "lower-dose"]) if persisting else ("expected_transient", ["expected-transient"])
    if days <= settle_days:
        return "expected_transient", ["expected-transient"]
    if not persisting:
        return "lower_dose", ["expected-transient", "lower-dose"]
    return "contact_prescriber", ["expected-transient", "lower-dose", "contact-prescriber-persisting"]


def triage(effect: SideEffect, severity: Severity, days: int) -> TriageResult:
    """Triage one side effect (see the module docstring for the rules).

    ``days`` counts from the start of LDN or the last dose step (0 = today).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise ValueError(f"days must be a whole number from 0 to {MAX_DAYS}, got {days!r}")
    outcome, rule_ids = _decide(effect, severity, days)
    values = {"effect": effect.name, "severity": severity, "days": days}
    rules = [triage_rule(r) for r in rule_ids]
    final = rules[-1]
    sources: list[Source] = []
    for source in [*(s for r in rules for s in r.sources), *effect.sources]:
        if source not in sources:
            sources.append(source)
    reasons = [_reason(r, values) for r in rules]
    reasons.append(
        TriageReason(rule=f"side-effect:{effect.id}", text=f"Usual course: {effect.expected_course}", sources=tuple(effect.sources))
    )
    return TriageResult(
        effect_id=effect.id,
        effect_name=effect.name,
        severity=severity,
        days=days,
        outcome=outcome,
        title=final.title,
        advice=final.action.format_map(values),
        reasons=tuple(reasons),
        sources=tuple(sources),
        side_effect_id=effect.id,
    )


def triage_effect(effect: str, severity: Severity, days: int) -> TriageResult:
    """Like :func:`triage`, resolving the side effect from an id, name or synonym.

    Raises :class:`~ldncare.core.knowledge.UnknownSideEffectError` (with ``.suggestions``).
    """
    return triage(resolve_side_effect(effect), severity, days)
