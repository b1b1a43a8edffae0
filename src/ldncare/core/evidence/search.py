"""Ranked search across the knowledge base: conditions, studies, side effects and claims.

Each record is indexed as weighted fields (name/title 3, synonyms/ids/authors 2, body text
1). A query term scores the field weight when it equals a word of the field, half of it
when it is a prefix of one (3+ letters), and 0.3 of it when it is a close spelling
(difflib ratio >= 0.85, so "fibromyalga" still finds fibromyalgia); a query found as a
whole phrase in a name or title adds 3. Case, apostrophes, punctuation and a plural -s are ignored.
Hits are ranked by score, then kind (condition, study, side effect, claim), then id.

>>> hits = search("Crohn's disease")
>>> hits[0].kind, hits[0].id
('condition', 'crohns-disease')
>>> any(h.id == "smith2007-crohns-openlabel" for h in hits)
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ldncare.core.knowledge.claims import Claim, load_claims
from ldncare.core.knowledge.conditions import load_conditions
from ldncare.core.knowledge.side_effects import load_side_effects
from ldncare.core.knowledge.studies import load_studies

__all__ = ["KINDS", "SearchHit", "load_claim_records", "search"]

KINDS: tuple[str, ...] = ("condition", "study", "side_effect", "claim")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def _norm(text: str) -> str:
    return text.lower().replace("'", "").replace("’", "")


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(_norm(text))]


@dataclass(frozen=True)
class SearchHit:
    """One ranked result."""

    kind: str
    id: str
    title: str
    snippet: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "snippet": self.snippet, "score": round(self.score, 3)}


@dataclass(frozen=True)
class _Doc:
    kind: str
    id: str
    title: str
    snippet: str
    fields: tuple[tuple[float, str, frozenset[str]], ...]


def _doc(kind: str, ident: str, title: str, snippet: str, weighted: Iterable[tuple[float, str]]) -> _Doc:
    fields = tuple((w, _norm(text), frozenset(_words(text))) for w, text in weighted if text)
    return _Doc(kind, ident, title, " ".join(snippet.split())[:200], fields)


def load_claim_records() -> tuple[Claim, ...]:
    """The knowledge base's article claims (:func:`ldncare.core.knowledge.claims.load_claims`)."""
    return tuple(load_claims())


@cache
def _index() -> tuple[_Doc, ...]:
    docs: list[_Doc] = []
    for c in load_conditions():
        docs.append(_doc("condition", c.id, c.name, c.description, [
            (3, c.name), (2, " ".join(c.synonyms)), (2, c.id.replace("-", " ")), (1, c.description), (1, " ".join(c.icd10)),
        ]))  # fmt: skip
    for s in load_studies():
        text = " ".join(r.text for r in s.results)
        docs.append(_doc("study", s.id, f"{s.label}: {s.citation.title}", s.results[0].text, [
            (3, s.citation.title), (2, " ".join(s.citation.authors)), (2, " ".join(s.conditions).replace("-", " ")),
            (2, s.condition_as_reported), (2, " ".join(filter(None, [s.pmid, s.doi, *s.nct]))),
            (1, text), (1, s.design_detail), (1, s.outcome_instrument or ""), (1, s.adverse_events or ""),
        ]))  # fmt: skip
    for e in load_side_effects():
        docs.append(_doc("side_effect", e.id, e.name, e.expected_course, [
            (3, e.name), (2, " ".join(e.synonyms)), (2, e.id.replace("_", " ")), (1, e.expected_course), (1, e.what_to_do),
        ]))  # fmt: skip
    for c in load_claim_records():
        body = " ".join([c.quote, c.verdict_label, c.explanation, c.section])
        docs.append(_doc("claim", c.id, c.claim, f"{c.verdict_label}: {c.explanation}", [(3, c.claim), (2, c.quote), (1, body)]))
    return tuple(docs)


def _score(doc: _Doc, terms: list[str], phrase: str) -> float:
    score = 0.0
    for term in terms:
        best = 0.0
        for weight, _text, words in doc.fields:
            if term in words:
                best = max(best, weight)
            elif len(term) >= 3 and any(w.startswith(term) for w in words):
                best = max(best, 0.5 * weight)
            elif len(term) >= 5 and difflib.get_close_matches(term, words, n=1, cutoff=0.85):
                best = max(best, 0.3 * weight)
        score += best
    if len(terms) > 1 and any(w >= 3 and phrase in text for w, text, _ in doc.fields):
        score += 3
    return score


def search(query: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> tuple[SearchHit, ...]:
    """Ranked hits for ``query`` (empty query -> no hits). ``kinds`` restricts the record kinds."""
    terms = _words(query)
    if not terms:
        return ()
    wanted = set(kinds or KINDS)
    if unknown := wanted - set(KINDS):
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; allowed: {', '.join(KINDS)}")
    phrase = " ".join(terms)
    scored = [(s, d) for d in _index() if d.kind in wanted and (s := _score(d, terms, phrase)) > 0]
    scored.sort(key=lambda sd: (-sd[0], KINDS.index(sd[1].kind), sd[1].id))
    return tuple(SearchHit(d.kind, d.id, d.title, d.snippet, s) for s, d in scored[:limit])
