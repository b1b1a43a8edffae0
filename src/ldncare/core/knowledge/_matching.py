"""Forgiving name matching shared by the condition and side-effect vocabularies.

People type "crohns", "Crohn's disease", "Crohn disease", "VIVID-DREAMS" or "ME/CFS".
:func:`match_key` reduces a name to a key that ignores case, apostrophes, punctuation,
spacing, hyphens and underscores; :func:`name_keys` also indexes each name without its
possessive "'s" so that "Crohn disease" finds "Crohn's disease". :class:`Vocabulary` maps
keys to record ids and proposes the closest ids (difflib) for text it does not know.

>>> match_key("Crohn's  Disease")
'crohnsdisease'
>>> sorted(name_keys("Crohn's disease"))
['crohndisease', 'crohnsdisease']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["Vocabulary", "match_key", "name_keys"]

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_POSSESSIVE = re.compile(r"['\u2019\u2018`\u00b4]s\b", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def match_key(text: str) -> str:
    """Lower-case ``text`` and drop accents, apostrophes, punctuation, spaces and underscores.

    >>> match_key("  ME/CFS ") == match_key("me-cfs") == "mecfs"
    True
    """
    return _NOT_ALNUM.sub("", _APOSTROPHES.sub("", _fold(text)))


def name_keys(name: str) -> set[str]:
    """The keys a curated name is found under: as written, and without a possessive "'s"."""
    keys = {match_key(name), match_key(_POSSESSIVE.sub("", name))}
    keys.discard("")
    return keys


class Vocabulary:
    """Keys of names and synonyms mapped to one record id each (a clash is a data error).

    >>> vocab = Vocabulary([("crohns-disease", ["Crohn's disease", "Crohn's"])])
    >>> vocab.lookup("crohn disease"), vocab.lookup("CROHNS"), vocab.lookup("colitis")
    ('crohns-disease', 'crohns-disease', None)
    >>> vocab.suggest("crons disease")
    ['crohns-disease']
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._by_key: dict[str, str] = {}
        self._phrases: list[tuple[str, str]] = []  # (" word word ", id) for whole-word suggestions
        for record_id, names in entries:
            for name in [record_id, *names]:
                for key in name_keys(name):
                    owner = self._by_key.setdefault(key, record_id)
                    if owner != record_id:
                        raise ValueError(f"name {name!r} matches both {owner!r} and {record_id!r}")
                phrase = _words(_POSSESSIVE.sub("", name))
                if len(phrase.replace(" ", "")) >= 5:
                    self._phrases.append((phrase, record_id))

    def lookup(self, text: str) -> str | None:
        """The id whose name or synonym matches ``text``, else ``None``."""
        for key in name_keys(text):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def suggest(self, text: str, *, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Up to ``n`` distinct ids whose names are closest to ``text`` (best first)."""
        key = match_key(text)
        if not key:
            return []
        words = _words(_POSSESSIVE.sub("", text))
        # a known name inside longer text: "Crohn's disease in children" -> crohns-disease
        ids = [record_id for phrase, record_id in self._phrases if phrase in words]
        close = [
            k
            for k in difflib.get_close_matches(key, list(self._by_key), n=4 * n, cutoff=cutoff)
            if len(k) >= 5 or difflib.SequenceMatcher(None, key, k).ratio() >= 0.8  # "symptoms" is not "spms"
        ]
        if len(key) >= 4:  # a word the user typed inside a longer name: "colitis" -> ulcerative colitis
            close += [k for k in self._by_key if key in k and k not in close]
        ids += [self._by_key[candidate] for candidate in close]
        return list(dict.fromkeys(ids))[:n]


def _words(text: str) -> str:
    """`` word word `` with single spaces and padding, for whole-word containment tests."""
    return " " + " ".join(_NOT_ALNUM.sub(" ", _APOSTROPHES.sub("", _fold(text))).split()) + " "
