"""Reading what people type about a symptom: words, stems, spelling and phrases.

People write "my chest hurts", "Pooping blood!!", "cant breathe", "I've been yawning a lot
since my dose" or "nausia". :func:`symptom_words` reduces such text to word stems that the
red-flag vocabulary (:mod:`ldncare.core.safety.red_flags`) and the side-effect catalogue
are compared with:

1. case, accents and punctuation are folded away; "can't", "cannot", "can not" and
   "unable to" become ``cant``; "n't" becomes "not" elsewhere ("don't" -> ``dont``);
2. each word is reduced by a small stemmer (``hurts``/``hurting`` -> ``hurt``,
   ``stools`` -> ``stool``, ``breathing``/``breathe`` -> ``breath``); the same stemmer reads
   the vocabulary, so it only needs to be consistent, not linguistically exact;
3. a word the vocabulary does not know is corrected to the closest vocabulary word
   (:class:`Speller`; same first letter, one edit for words up to five letters, two for
   longer ones).

Corrections only ever *add* readings: callers match both the words as typed and as
corrected, so a correction can raise the level of an answer, never lower it.

>>> symptom_words("My chest HURTS!!")
('my', 'chest', 'hurt')
>>> symptom_words("I can't breathe")
('i', 'cant', 'breath')
>>> symptom_words("pooping blood")
('poop', 'blood')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["Phrase", "Speller", "find_phrase", "phrase_of", "stem", "symptom_words"]

#: A phrase is a tuple of stems that must appear next to each other.
Phrase = tuple[str, ...]

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_CANT = re.compile(r"\b(?:can ?not|cant|unable to|could ?not|couldnt)\b")
_NOT = re.compile(r"\b(\w+)n't\b")

# Words whose stem the suffix rules would get wrong or would merge with another meaning.
_IRREGULAR = {
    "fainted": "fainted", "fainting": "fainted",  # losing consciousness, unlike "feeling faint"
    "passed": "pass", "passing": "pass",
    "swollen": "swell", "bled": "bleed", "threw": "throw", "thrown": "throw",
    "vomitting": "vomit", "vomited": "vomit", "vomits": "vomit",
    "diarrhoea": "diarrhea", "diarrhoeal": "diarrhea", "diarrhea": "diarrhea",
    "faeces": "feces", "haemorrhage": "hemorrhage",
    "breathing": "breath", "breathe": "breath", "breathes": "breath", "breathed": "breath", "breaths": "breath",
    "eyes": "eye", "lips": "lip", "feet": "foot", "teeth": "tooth",
    "dying": "die", "died": "die", "dies": "die", "lying": "lie",
    "hurts": "hurt", "hurting": "hurt", "aching": "ache", "ached": "ache", "aches": "ache", "achy": "ache",
    "itching": "itch", "itchy": "itch", "itches": "itch",
    "sweats": "sweat", "sweating": "sweat", "sweaty": "sweat", "sweated": "sweat",
    "bloody": "blood", "bleeding": "bleed", "bleeds": "bleed",
    "does": "does", "was": "was", "has": "has", "is": "is", "this": "this", "its": "its", "yes": "yes",
    "always": "always", "nausea": "nausea", "nauseous": "nausea", "nauseated": "nausea",
    "dizziness": "dizzy", "dizzy": "dizzy", "tired": "tired", "tiredness": "tired",
    "shaking": "shake", "shaky": "shake", "shakes": "shake", "shook": "shake",
    "tingling": "tingl", "tingly": "tingl", "tingles": "tingl",
}
_DOUBLE = re.compile(r"([bdfgkmnprtv])\1$")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude, consistent stem: plural and verb endings off, final ``e``/``y`` folded.

    >>> [stem(w) for w in ("stools", "hurting", "aches", "swelling", "running", "dizziness")]
    ['stool', 'hurt', 'ache', 'swell', 'run', 'dizzy']
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not word.isalpha() or len(word) <= 3:
        return word
    w = word
    if w.endswith("ness") and len(w) > 6:
        w = w[:-4]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5:
        w = _DOUBLE.sub(r"\1", w[:-3])
    elif w.endswith("ed") and len(w) > 4 and not w.endswith("eed"):
        w = _DOUBLE.sub(r"\1", w[:-2])
    elif w.endswith(("ches", "shes", "sses", "xes", "zes")) and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if w.endswith("e") and len(w) > 4 and not w.endswith("ee"):
        w = w[:-1]
    if w.endswith("i") and len(w) > 3:
        w = w[:-1] + "y"
    return w


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=4096)
def symptom_words(text: str) -> tuple[str, ...]:
    """The word stems of ``text`` (see the module docstring)."""
    text = _fold(text)
    text = _APOSTROPHES.sub("'", text)
    text = re.sub(r"\bcan'?t\b|\bcan ?not\b", " cant ", text)
    text = _NOT.sub(r"\1nt", text).replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _CANT.sub(" cant ", text)
    return tuple(stem(w) for w in text.split())


def phrase_of(text: str) -> Phrase:
    """The stems of a vocabulary phrase (read exactly as input text is read)."""
    return symptom_words(text)


def find_phrase(words: tuple[str, ...], phrase: Phrase) -> list[int]:
    """Start positions where ``phrase`` occurs in ``words`` as consecutive words."""
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if words[i : i + n] == phrase] if n else []


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b`` (stops early above ``limit``)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Speller:
    """Corrects words a vocabulary does not know to the closest word it does know.

    >>> s = Speller(["seizure", "chest", "blood", "headache"])
    >>> s.correct(("sezure", "chset", "headake", "xyz"))
    ('seizure', 'chest', 'headache', 'xyz')
    """

    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(known)
        self._by_first: dict[str, tuple[str, ...]] = {}
        for word in sorted(self.known):
            self._by_first.setdefault(word[0], ())
            self._by_first[word[0]] += (word,)

    def correct_word(self, word: str) -> str:
        """``word``, or the closest known word when ``word`` is unknown and a close one exists.

        Close means: same first letter, and at most one edit (insertion, deletion,
        substitution or swap of neighbours) for words up to five letters, two for longer
        ones; the fewest edits win, then the length nearest the word's.
        """
        if word in self.known or len(word) < 4 or not word.isalpha():
            return word
        limit = 1 if len(word) <= 5 else 2
        best: tuple[int, int, str] | None = None
        for candidate in self._by_first.get(word[0], ()):
            if abs(len(candidate) - len(word)) > limit:
                continue
            distance = _edits(word, candidate, limit)
            if distance <= limit:
                key = (distance, abs(len(candidate) - len(word)), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best is not None else word

    def correct(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """Every word corrected (unknown words with no close match are kept as typed)."""
        return tuple(self.correct_word(w) for w in words)
