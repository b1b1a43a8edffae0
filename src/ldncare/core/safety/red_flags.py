"""Red-flag symptoms: free text that must never be read as an ordinary LDN side effect.

``core/safety/data/red_flags.yaml`` holds a sourced vocabulary of warning signs (chest
pain, trouble breathing, thoughts of suicide, seizure, vomiting blood, black stools, signs
of opioid withdrawal or liver injury, palpitations, ...), each with a level
(``urgent_care`` or ``contact_prescriber``), what the person is told, and patterns that
find it in what people type. :func:`match_red_flags` returns every red flag found in a
text, most urgent first; free-text triage (:func:`ldncare.core.safety.triage_text`)
checks them *before* the side-effect catalogue.

A pattern is a list of slots; each slot lists alternatives ("pain|hurt|ache"); the text
matches when every slot is found within a few words of the others, in any order. Words
are compared as stems, as typed and after spelling correction
(:mod:`ldncare.core.safety.symptom_text`).

>>> [m.flag.id for m in match_red_flags("my chest hurts")]
['chest_pain']
>>> [m.flag.id for m in match_red_flags("I want to die")]
['suicidal_thoughts']
>>> match_red_flags("vivid dreams")
()
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import Field, field_validator

from ldncare.core.knowledge import load_side_effects
from ldncare.core.knowledge.records import KnowledgeDataError, Record, SourcedRecord, load_records
from ldncare.core.safety.rules import RULES_DIR
from ldncare.core.safety.symptom_text import Phrase, Speller, find_phrase, phrase_of, symptom_words

__all__ = [
    "RED_FLAGS_FILE",
    "RedFlag",
    "RedFlagMatch",
    "load_red_flags",
    "match_red_flags",
    "red_flag",
    "red_flag_words",
]

RED_FLAGS_FILE = "red_flags.yaml"
#: Every slot of a pattern must be found within this many words of the first one.
WINDOW_WORDS = 8

FlagLevel = Literal["urgent_care", "contact_prescriber"]


class RedFlag(SourcedRecord):
    """One warning sign: its level, what the person is told, and how it is found in text."""

    name: str = Field(min_length=3)
    level: FlagLevel
    severe_level: FlagLevel | None = Field(default=None, description="level when rated or described as severe")
    side_effect: str | None = Field(default=None, description="catalogue side-effect id this is a sign of")
    patterns: list[list[str]] = Field(min_length=1)
    message: str = Field(min_length=10)
    action: str = Field(min_length=10)

    @field_validator("patterns")
    @classmethod
    def _slots_not_empty(cls, patterns: list[list[str]]) -> list[list[str]]:
        for pattern in patterns:
            if not pattern or any(not alt.strip() for slot in pattern for alt in slot.split("|")):
                raise ValueError(f"empty slot or alternative in pattern {pattern!r}")
        return patterns

    def level_for(self, severity: str) -> FlagLevel:
        """The level at this severity (``severe_level`` when severe, else ``level``)."""
        return self.severe_level if severity == "severe" and self.severe_level else self.level


class RedFlagMatch(Record):
    """A red flag found in a text, and the words that matched it."""

    flag: RedFlag
    words: tuple[str, ...]


@dataclass(frozen=True)
class _Compiled:
    flag: RedFlag
    patterns: tuple[tuple[tuple[Phrase, ...], ...], ...]  # pattern -> slot -> alternatives


@cache
def load_red_flags() -> tuple[RedFlag, ...]:
    """All red flags, validated (ids never clash with side-effect ids; links resolve)."""
    flags = load_records(RED_FLAGS_FILE, RedFlag, key="red_flags", data_dir=RULES_DIR)
    effects = {e.id for e in load_side_effects()}
    for flag in flags:
        if flag.id in effects:
            raise KnowledgeDataError(f"{RED_FLAGS_FILE}: red flag id {flag.id!r} is also a side-effect id")
        if flag.side_effect is not None and flag.side_effect not in effects:
            raise KnowledgeDataError(f"{RED_FLAGS_FILE}: red flag {flag.id!r} names unknown side effect {flag.side_effect!r}")
    return flags


def red_flag(flag_id: str) -> RedFlag:
    """The red flag with this id (``KeyError`` if none)."""
    for flag in load_red_flags():
        if flag.id == flag_id:
            return flag
    raise KeyError(flag_id)


@cache
def _compiled() -> tuple[_Compiled, ...]:
    out = []
    for flag in load_red_flags():
        patterns = tuple(
            tuple(tuple(p for alt in slot.split("|") if (p := phrase_of(alt))) for slot in pattern) for pattern in flag.patterns
        )
        out.append(_Compiled(flag, patterns))
    return tuple(out)


@cache
def red_flag_words() -> frozenset[str]:
    """Every stem used by a red-flag pattern (the speller's vocabulary)."""
    return frozenset(w for c in _compiled() for pattern in c.patterns for slot in pattern for alt in slot for w in alt)


def _slot_spans(words: tuple[str, ...], slot: tuple[Phrase, ...]) -> list[tuple[int, int]]:
    return [(i, i + len(alt)) for alt in slot for i in find_phrase(words, alt)]


def _pattern_match(words: tuple[str, ...], pattern: tuple[tuple[Phrase, ...], ...]) -> tuple[str, ...] | None:
    spans = [_slot_spans(words, slot) for slot in pattern]
    if any(not s for s in spans):
        return None
    for combo in itertools.product(*spans):
        start = min(s for s, _ in combo)
        stop = max(e for _, e in combo)
        if stop - start <= WINDOW_WORDS + sum(e - s for s, e in combo) - len(combo):
            return words[start:stop]
    return None


def match_words(words: tuple[str, ...]) -> tuple[RedFlagMatch, ...]:
    """The red flags found in already-stemmed ``words`` (no spelling correction)."""
    found = []
    for compiled in _compiled():
        for pattern in compiled.patterns:
            hit = _pattern_match(words, pattern)
            if hit is not None:
                found.append(RedFlagMatch(flag=compiled.flag, words=hit))
                break
    return tuple(found)


def match_red_flags(text: str, *, speller: Speller | None = None) -> tuple[RedFlagMatch, ...]:
    """Every red flag in ``text``, urgent ones first (read as typed and as corrected)."""
    words = symptom_words(text)
    found = {m.flag.id: m for m in match_words(words)}
    if speller is not None:
        corrected = speller.correct(words)
        if corrected != words:
            for m in match_words(corrected):
                found.setdefault(m.flag.id, m)
    order = {"urgent_care": 0, "contact_prescriber": 1}
    return tuple(sorted(found.values(), key=lambda m: order[m.flag.level]))
