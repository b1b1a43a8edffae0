"""Triage of what a person types: red flags first, then the side-effect catalogue, then a safety net.

:func:`triage_text` is the one entry point for free text (the CLI's ``--effect``, the
check-in form, the API, the library). It never raises for the text itself and never
answers "expected" for something it did not recognise:

1. **Red flags** (:mod:`ldncare.core.safety.red_flags`): warning signs such as chest pain,
   trouble breathing, thoughts of suicide, vomiting blood or signs of opioid withdrawal
   give their own level (``urgent_care`` or at least ``contact_prescriber``), whatever
   else the text says. A red flag that is a sign of a catalogue entry (withdrawal signs ->
   ``opioid_withdrawal``) also takes that entry's triage; the more urgent level wins.
2. **The catalogue** (``knowledge/data/side_effects.yaml``): names and synonyms found in
   the text ("mild headache", "I can't sleep", "my mouth is dry") give the usual triage
   (:func:`ldncare.core.safety.triage`). Words such as "severe" or "unbearable" in the text
   raise the severity, and a duration in the text ("for 3 weeks") lengthens ``days``;
   neither is ever lowered. Words left over that are neither a known symptom
   nor ordinary filler ("in the morning", "since my dose") raise the answer to
   ``contact_prescriber``.
3. **Anything else** gets ``contact_prescriber`` with the urgent-care line for
   emergencies (triage rule ``unrecognised-symptom``).

Spelling is corrected ("nausia", "chset pain"), but a correction can only add readings:
red flags are looked for in the text as typed *and* as corrected. "Did you mean"
suggestions are catalogue entries whose own triage at the same severity and day is never
milder than the answer given, so following a suggestion can never lower the level.

>>> triage_text("my chest hurts", "moderate", 5).outcome
'urgent_care'
>>> triage_text("mild headache", "mild", 2).outcome
'expected_transient'
>>> triage_text("my toenails turned green", "mild", 2).outcome
'contact_prescriber'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ldncare.core.knowledge import SideEffect, load_side_effects
from ldncare.core.knowledge._matching import Vocabulary
from ldncare.core.knowledge.records import Source
from ldncare.core.safety.red_flags import RedFlagMatch, match_words, red_flag_words
from ldncare.core.safety.rules import triage_rule
from ldncare.core.safety.symptom_text import Phrase, Speller, find_phrase, phrase_of, symptom_words
from ldncare.core.safety.triage import (
    MAX_DAYS,
    OUTCOMES,
    SEVERITIES,
    Outcome,
    Severity,
    TriageReason,
    TriageResult,
    triage,
)

__all__ = ["FILLER_WORDS", "MAX_TEXT_CHARS", "triage_text"]

#: Longer text is read up to this many characters (a check-in note, not an essay); text
#: that was cut is never answered below ``contact_prescriber``.
MAX_TEXT_CHARS = 2000

#: Ordinary words that say nothing about which symptom it is (compared as stems).
FILLER_WORDS: frozenset[str] = frozenset(
    symptom_words(
        """
        i im ive id me my mine myself we our you your he she it its they them their this that these those
        a an the and or but so also too as if then than with without of in on at to for from by about
        into onto over after before since during while when whenever until till again still just only
        even ever already yet now today tonight yesterday lately recently recent currently last past
        am is are was were be been have has had having do does did doing get gets got getting
        feel feels feeling felt seem seems seemed notice noticed noticing think thought guess maybe
        kind sort bit little slight slightly mild mildly minor some somewhat fairly pretty quite rather
        very really so much more most less lot lots alot few couple several many bad badly worse worst
        moderate moderately severe severely strong terrible terribly awful horrible unbearable
        extreme extremely intense excruciating agonising agonizing debilitating crippling
        new started starting start begin began beginning first early earlier late later on off
        day days daily night nights nightly week weeks month months hour hours morning mornings
        evening evenings afternoon bedtime bed time times sometimes often always usually occasional
        occasionally constant constantly every each all whole most
        ldn naltrexone dose doses dosing dosage pill pills tablet tablets capsule medicine medication
        meds drug taking take took taken increase increased step up down went go going
        night
        there here what which who how why where
        because cause since seem like feels well okay ok fine good
        yes no not dont doesnt didnt isnt wasnt
        mg tiny small stand standing stood sit sitting sat lie lying laying walk walking
        happen happens happened happening keep keeps kept around thing things stuff
        difficulty difficult trouble problem problems hard issue issues crazy weird strange wild odd annoying
        """
    )
)

_SEVERE_WORDS = frozenset(
    phrase_of(
        "severe severely terrible terribly awful horrible unbearable extreme extremely excruciating "
        "agonising agonizing debilitating crippling intense worst"
    )
)
_MODERATE_WORDS = frozenset(phrase_of("moderate moderately bad badly strong worse worsening"))
_NUMBERISH = re.compile(r"^\d+[a-z]{0,3}$")  # 3, 3am, 10pm, 2nd
_DURATION = re.compile(r"\b(\d{1,3})\s*(day|days|week|weeks|wk|wks|month|months)\b")
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30}


@dataclass(frozen=True)
class _Catalogue:
    phrases: tuple[tuple[Phrase, str], ...]  # (filler-free phrase, side-effect id), longest first
    words: frozenset[str]
    by_id: dict[str, SideEffect]
    vocabulary: Vocabulary


def _content(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in words if w not in FILLER_WORDS)


@cache
def _catalogue() -> _Catalogue:
    effects = load_side_effects()
    phrases: dict[Phrase, str] = {}
    for effect in effects:
        for name in (effect.name, effect.id.replace("_", " "), *effect.synonyms):
            for variant in (name, name.replace("(", " ").replace(")", " ")):
                key = _content(phrase_of(variant))
                if key:
                    phrases.setdefault(key, effect.id)
    ordered = tuple(sorted(phrases.items(), key=lambda kv: -len(kv[0])))
    words = frozenset(w for p, _ in ordered for w in p)
    vocabulary = Vocabulary((e.id, [e.name, *e.synonyms]) for e in effects)
    return _Catalogue(ordered, words, {e.id: e for e in effects}, vocabulary)


@cache
def _speller() -> Speller:
    return Speller(red_flag_words() | _catalogue().words | FILLER_WORDS)


def _find_catalogue(content: tuple[str, ...]) -> tuple[list[str], set[int]]:
    """Catalogue ids found in ``content`` (longest phrases first) and the word positions used."""
    used: set[int] = set()
    found: list[str] = []
    for phrase, effect_id in _catalogue().phrases:
        for start in find_phrase(content, phrase):
            span = set(range(start, start + len(phrase)))
            if span & used:
                continue
            used |= span
            if effect_id not in found:
                found.append(effect_id)
    return found, used


def _effective_severity(severity: Severity, words: tuple[str, ...]) -> Severity:
    """``severity`` raised by words in the text ("unbearable" -> severe), never lowered."""
    if any(w in _SEVERE_WORDS for w in words):
        return "severe"
    if severity == "mild" and any(w in _MODERATE_WORDS for w in words):
        return "moderate"
    return severity


def _effective_days(days: int, text: str) -> int:
    """``days``, or longer when the text says how long ("for 3 weeks" -> 21); never shorter."""
    longest = days
    for number, unit in _DURATION.findall(text.casefold()):
        longest = max(longest, int(number) * _UNIT_DAYS[unit.rstrip("s")])
    return min(longest, MAX_DAYS)


def _worst(results: list[TriageResult]) -> TriageResult:
    return max(results, key=lambda r: r.rank)


def _rank(outcome: str) -> int:
    return OUTCOMES.index(outcome)


def _sources(*groups) -> tuple[Source, ...]:
    """The sources of all groups, each place (URL, PMID, DOI) once, in order."""
    out: list[Source] = []
    seen: set[str] = set()
    for group in groups:
        for source in group:
            key = source.url or source.pmid or source.doi or source.nct or ""
            if key not in seen:
                seen.add(key)
                out.append(source)
    return tuple(out)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _suggestions(text: str, severity: Severity, days: int, floor: str) -> tuple[str, ...]:
    """Catalogue ids close to ``text`` whose own triage is at least as urgent as ``floor``."""
    catalogue = _catalogue()
    out = []
    for effect_id in catalogue.vocabulary.suggest(text, n=5):
        if _rank(triage(catalogue.by_id[effect_id], severity, days).outcome) >= _rank(floor):
            out.append(effect_id)
    return tuple(out[:3])


def _red_flag_result(
    text: str, flags: tuple[RedFlagMatch, ...], severity: Severity, days: int, catalogue_ids: list[str]
) -> TriageResult:
    catalogue = _catalogue()
    levels = [(m, m.flag.level_for(severity)) for m in flags]
    linked = [triage(catalogue.by_id[m.flag.side_effect], severity, days) for m in flags if m.flag.side_effect]
    others = [triage(catalogue.by_id[i], severity, days) for i in catalogue_ids]
    outcome: Outcome = max((lvl for _, lvl in levels), key=_rank)  # type: ignore[assignment]
    for result in (*linked, *others):
        if _rank(result.outcome) > _rank(outcome):
            outcome = result.outcome
    lead = max(levels, key=lambda ml: _rank(ml[1]))[0].flag
    rule = triage_rule("red-flag-urgent" if outcome == "urgent_care" else "red-flag-contact")
    values = {"effect": _shown(text), "severity": severity, "days": days}
    reasons = [TriageReason(rule=rule.id, text=rule.message.format_map(values), sources=tuple(rule.sources))]
    for match, level in levels:
        reasons.append(
            TriageReason(rule=f"red-flag:{match.flag.id}", text=f"{match.flag.name} ({level.replace('_', ' ')}): {match.flag.message}", sources=tuple(match.flag.sources))
        )
    for result in linked:
        reasons.extend(r for r in result.reasons if r not in reasons)
    also = [r.effect_name for r in others if r.effect_id not in {x.effect_id for x in linked}]
    if also:
        reasons.append(
            TriageReason(
                rule="also-mentioned",
                text=f"Also mentioned: {', '.join(also)}; the warning sign comes first, then that side effect's own advice.",
                sources=tuple(s for r in others for s in r.sources[:1]),
            )
        )
    advice = lead.action if lead.level_for(severity) == outcome else rule.action.format_map(values)
    return TriageResult(
        effect_id=lead.side_effect or lead.id,
        effect_name=lead.name,
        severity=severity,
        days=days,
        outcome=outcome,
        title=rule.title,
        advice=advice,
        reasons=tuple(reasons),
        sources=_sources(rule.sources, *(m.flag.sources for m in flags), *(r.sources for r in (*linked, *others))),
        text=text,
        matched_by="red_flag",
        side_effect_id=lead.side_effect,
        red_flags=tuple(m.flag.id for m in flags),
    )


def _unrecognised(
    text: str, severity: Severity, days: int, unknown: tuple[str, ...], base: TriageResult | None, asked: tuple[Severity, int]
) -> TriageResult:
    rule = triage_rule("unrecognised-symptom")
    shown = _shown(text) or "(nothing typed)"
    values = {"effect": shown, "severity": severity, "days": days}
    reasons = [TriageReason(rule=rule.id, text=rule.message.format_map(values), sources=tuple(rule.sources))]
    if unknown and base is not None:
        reasons.append(
            TriageReason(
                rule="unrecognised-words",
                text=f"Recognised {base.effect_name}, but not these words: {', '.join(unknown)}.",
                sources=tuple(rule.sources),
            )
        )
    if base is not None:
        reasons.extend(base.reasons)
    return TriageResult(
        effect_id=base.effect_id if base is not None else "unrecognised",
        effect_name=base.effect_name if base is not None else shown,
        severity=severity,
        days=days,
        outcome="contact_prescriber",
        title=rule.title,
        advice=rule.action.format_map(values),
        reasons=tuple(reasons),
        sources=_sources(rule.sources, base.sources if base is not None else ()),
        text=text,
        matched_by="catalogue" if base is not None else "unrecognised",
        side_effect_id=base.side_effect_id if base is not None else None,
        suggestions=_suggestions(text, *asked, "contact_prescriber") if base is None else (),
    )


def triage_text(text: str, severity: Severity, days: int) -> TriageResult:
    """Triage whatever a person typed about a symptom (see the module docstring).

    ``severity`` is ``mild``/``moderate``/``severe`` and ``days`` the days since starting
    LDN or the last dose step (0 to :data:`~ldncare.core.safety.triage.MAX_DAYS`); only
    these raise :class:`ValueError`. Any ``text`` (empty, unknown, misspelt, very long)
    gives a :class:`~ldncare.core.safety.TriageResult`; read its level from ``outcome``
    (or ``rank``, ``urgent``, ``needs_prescriber``).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise ValueError(f"days must be a whole number from 0 to {MAX_DAYS}, got {days!r}")
    cut = len(str(text)) > MAX_TEXT_CHARS
    text = str(text)[:MAX_TEXT_CHARS]
    typed = symptom_words(text)
    corrected = _speller().correct(typed)
    asked = (severity, days)  # suggestions are checked at what was asked: the stricter test
    severity = _effective_severity(severity, typed)
    days = _effective_days(days, text)

    flags = {m.flag.id: m for m in match_words(typed)}
    for m in match_words(corrected):
        flags.setdefault(m.flag.id, m)

    content = _content(corrected)
    catalogue_ids, used = _find_catalogue(content)
    if flags:
        order = {"urgent_care": 0, "contact_prescriber": 1}
        ordered = tuple(sorted(flags.values(), key=lambda m: order[m.flag.level_for(severity)]))
        return _red_flag_result(text, ordered, severity, days, catalogue_ids)
    if not catalogue_ids:
        return _unrecognised(text, severity, days, (), None, asked)
    catalogue = _catalogue()
    results = [triage(catalogue.by_id[i], severity, days) for i in catalogue_ids]
    best = _worst(results)
    unknown = tuple(w for i, w in enumerate(content) if i not in used and len(w) > 2 and not _NUMBERISH.match(w))
    if cut:
        unknown = (*unknown, f"(text after {MAX_TEXT_CHARS} characters not read)")
    if unknown and best.rank < _rank("contact_prescriber"):
        return _unrecognised(text, severity, days, unknown, best, asked)
    return best.model_copy(update={"text": text, "matched_by": "catalogue"})
