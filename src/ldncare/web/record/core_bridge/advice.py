"""Triage advice through the core (``ldncare.core.safety``): one order for advice everywhere, and
which reports of a check-in must reach the care team as alerts.

The order of urgency is the core's (:data:`ldncare.core.safety.triage.OUTCOMES`, mildest first);
this module only reverses it for display, so that a page, the API and an alert list all put
``urgent_care`` first, then ``contact_prescriber``, then the rest.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

from ldncare.core import safety
from ldncare.core.safety.triage import MAX_DAYS, OUTCOMES

log = logging.getLogger(__name__)

__all__ = ["ALERT_OUTCOMES", "advice_sorted", "alert_reports", "symptom_key", "triage_report", "triage_symptom",
           "urgency_rank"]

#: Triage outcomes that make an alert for every clinician the patient shares with, most urgent first.
ALERT_OUTCOMES: tuple[str, ...] = ("urgent_care", "contact_prescriber")
_RANK = {outcome: len(OUTCOMES) - i for i, outcome in enumerate(OUTCOMES)}  # urgent_care → 1


def urgency_rank(outcome: str) -> int:
    """1 for the most urgent outcome, larger for milder ones (unknown outcomes last)."""
    return _RANK.get(outcome, len(OUTCOMES) + 1)


def advice_sorted(items: Iterable[dict], *, key: str = "urgency") -> list[dict]:
    """Advice (or alerts) most urgent first; equal urgency keeps its order."""
    return sorted(items, key=lambda item: urgency_rank(item[key]))


def _source_link(source) -> dict:
    from ldncare.web.record.core_bridge.patient import _source_link as link

    return link(source)


def triage_report(effect_id: str, severity: str, days: int) -> dict | None:
    """The triage card of one reported side effect, or ``None`` when the core cannot triage it."""
    try:
        result = safety.triage_effect(effect_id, severity, min(max(days, 0), MAX_DAYS))
    except (LookupError, ValueError):
        log.warning("no triage for %s", effect_id)
        return None
    return {
        "effect_id": result.effect_id, "name": result.effect_name, "severity": result.severity,
        "urgency": result.outcome, "headline": result.title, "explanation": result.advice,
        "reasons": [getattr(r, "text", str(r)) for r in result.reasons],
        "sources": [_source_link(s) for s in result.sources],
    }


def symptom_key(text: str) -> str:
    """The alert's ``report_key`` of a typed symptom: the same words (any case or spacing) give the
    same key, so saving the day again does not repeat its alert; other words are a new report."""
    words = " ".join(text.casefold().split())
    return "text:" + hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def triage_symptom(text: str, severity: str, days: int) -> dict:
    """The triage card of a symptom typed in the person's own words (``ldncare.core.safety.triage_text``:
    red flags first, then the side-effect catalogue, then "contact your prescriber"; never an error).

    ``reported_text`` is what was typed and ``severity`` what was chosen; ``name`` is how the
    triage read it (a warning sign such as "Chest pain", a catalogue side effect, or the text itself).
    """
    result = safety.triage_text(text, severity, min(max(days, 0), MAX_DAYS))
    return {
        "effect_id": symptom_key(text), "name": result.effect_name, "severity": severity,
        "reported_text": text, "urgency": result.outcome, "headline": result.title, "explanation": result.advice,
        "reasons": [getattr(r, "text", str(r)) for r in result.reasons],
        "sources": [_source_link(s) for s in result.sources],
    }


def alert_reports(effects: Iterable[tuple[str, str]], *, days_on_dose: Callable[[], int],
                  symptom: tuple[str, str] | None = None) -> list[dict]:
    """The day's reports whose triage is ``urgent_care`` or ``contact_prescriber``, most urgent first.

    ``effects``: ``(side_effect_id, severity)`` pairs; ``symptom``: the day's ``(text, severity)``
    typed in the person's own words, if any (its card has ``reported_text``). The triage depends
    on the days on the current dose only through persistence (which can only raise the level), so
    each report is first triaged at day 0 and at the longest span: ``days_on_dose`` (a database
    read) is called only when the two disagree about alerting, and at most once.
    """
    reports: list[dict] = []
    days: int | None = None
    triages: list[Callable[[int], dict | None]] = [
        (lambda d, e=effect_id, s=severity: triage_report(e, s, d)) for effect_id, severity in effects]
    if symptom is not None and symptom[0]:
        triages.append(lambda d: triage_symptom(symptom[0], symptom[1], d))
    for triage_at in triages:
        at_start = triage_at(0)
        if at_start is None:
            continue
        if at_start["urgency"] not in ALERT_OUTCOMES:
            at_longest = triage_at(MAX_DAYS)
            if at_longest is None or at_longest["urgency"] not in ALERT_OUTCOMES:
                continue
            if days is None:
                days = days_on_dose()
            at_start = triage_at(days)
            if at_start is None or at_start["urgency"] not in ALERT_OUTCOMES:
                continue
        reports.append(at_start)
    return advice_sorted(reports)
