"""Full-text search over the library: PostgreSQL full-text search, or SQLite FTS5.

The index holds one :class:`~ldncare.web.library.models.SearchDocument` per knowledge record
(conditions, studies, side effects, the article's claims, food peptides, "about LDN"
entries) with three weighted fields: title (A), keywords (B: synonyms, ids, authors, codes)
and body (C). :func:`rebuild_index` derives it from the knowledge base; it runs after every
``migrate`` and by ``manage.py rebuild_library_index``.

Queries are cut into words (letters and digits); every word must match, as a prefix, so
"crohn" finds "Crohn's disease" and "fibro" finds fibromyalgia. Ranking:

* PostgreSQL: ``SearchRank`` of a weighted ``SearchVector`` (english configuration)
  against a raw ``to_tsquery`` of ``word:*`` prefix terms joined by ``&``.
* SQLite: FTS5 ``bm25()`` with column weights 10 / 5 / 1 over a ``porter unicode61`` index.

Records whose title holds every word come first (a condition before a study that names it),
then the engine's rank decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connections, transaction
from django.urls import reverse

from ldncare.core.evidence import summarize_condition
from ldncare.core.knowledge import (
    load_about,
    load_claims,
    load_conditions,
    load_peptides,
    load_side_effects,
    load_studies,
)
from ldncare.web.library.models import SearchDocument

__all__ = ["KIND_LABELS", "MAX_QUERY_CHARS", "Hit", "normalise_query", "query_words", "rebuild_index", "run_search"]

FTS_TABLE = "library_search_fts"
MAX_QUERY_CHARS = 100
MAX_WORDS = 8
KIND_ORDER = ("condition", "study", "side_effect", "claim", "peptide", "about")
KIND_LABELS = {
    "condition": "Condition", "study": "Study", "side_effect": "Side effect", "claim": "Article claim checked",
    "peptide": "Food peptide", "about": "About LDN",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    kind: str
    key: str
    title: str
    snippet: str
    url: str
    rank: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def normalise_query(text: str) -> str:
    """Lower case, accents folded, apostrophes dropped, words separated by single spaces.

    >>> normalise_query("  Crohn’s   DISEASE ")
    'crohns disease'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("'", "")
    return " ".join(_WORD.findall(folded))


def query_words(text: str) -> list[str]:
    """The words a query searches for: like the index tokenizer, apostrophes split words.

    One-letter words are dropped when longer ones exist ("crohn's" -> ``["crohn"]``).

    >>> query_words("Crohn's disease"), query_words("b12")
    (['crohn', 'disease'], ['b12'])
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = _WORD.findall(folded.replace("’", "'"))
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_WORDS]


def _clip(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _documents() -> list[SearchDocument]:
    docs: list[SearchDocument] = []
    for c in load_conditions():
        s = summarize_condition(c)
        docs.append(SearchDocument(
            kind="condition", key=c.id, title=c.name,
            keywords=" ".join([*c.synonyms, c.id.replace("-", " "), *c.icd10]),
            body=" ".join([c.description, s.summary, s.what_this_means]),
            snippet=_clip(s.summary or c.description), url=reverse("library:condition", args=[c.id])))
    for st in load_studies():
        docs.append(SearchDocument(
            kind="study", key=st.id, title=f"{st.label}: {st.citation.title}",
            keywords=" ".join([*st.citation.authors, *st.conditions, st.condition_as_reported,
                               *filter(None, [st.pmid, st.doi, *st.nct])]).replace("-", " "),
            body=" ".join([st.population, st.design_detail, *(r.text for r in st.results), st.adverse_events or "",
                           st.outcome_instrument or ""]),
            snippet=_clip(st.results[0].text), url=reverse("library:study", args=[st.id])))
    for e in load_side_effects():
        docs.append(SearchDocument(
            kind="side_effect", key=e.id, title=e.name, keywords=" ".join([*e.synonyms, e.id.replace("_", " ")]),
            body=" ".join([e.expected_course, e.what_to_do, *e.warning_signs]), snippet=_clip(e.expected_course),
            url=reverse("library:side-effects") + f"#{e.id}"))
    for cl in load_claims():
        docs.append(SearchDocument(
            kind="claim", key=cl.id, title=cl.claim, keywords=" ".join([cl.section, cl.verdict_label, *cl.conditions]),
            body=" ".join([cl.quote, cl.explanation]), snippet=_clip(f"{cl.verdict_label}: {cl.explanation}"),
            url=reverse("library:claims") + f"#{cl.id}"))
    for p in load_peptides():
        docs.append(SearchDocument(
            kind="peptide", key=p.id, title=p.name, keywords=" ".join([*p.foods, p.source_protein, p.action, *p.receptors]),
            body=" ".join([p.human_evidence, p.potency or "", p.notes or ""]), snippet=_clip(p.human_evidence),
            url=reverse("library:alternatives") + f"#{p.id}"))
    for a in load_about():
        docs.append(SearchDocument(
            kind="about", key=a.id, title=a.title, keywords=" ".join([a.topic.replace("_", " "), a.evidence_status]),
            body=" ".join([a.text, a.status_note or ""]), snippet=_clip(a.text), url=reverse("library:about") + f"#{a.id}"))
    return docs


def rebuild_index(using: str = "default") -> int:
    """Replace the index with documents derived from the knowledge base; returns their number."""
    connection = connections[using]
    with transaction.atomic(using=using):
        SearchDocument.objects.using(using).all().delete()
        created = SearchDocument.objects.using(using).bulk_create(_documents())
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
                cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, title, keywords, body) "
                               f"SELECT id, title, keywords, body FROM {SearchDocument._meta.db_table}")
    return len(created)


def _in_title(words: list[str], title: str) -> bool:
    title_words = query_words(title.replace("'", " ").replace("’", " ")) + _WORD.findall(normalise_query(title))
    return all(any(t.startswith(w) for t in title_words) for w in words)


def _sort(hits: list[Hit], words: list[str]) -> list[Hit]:
    """Records whose title holds every word first (conditions before studies, ...), then by engine rank."""

    def key(h: Hit) -> tuple:
        titled = _in_title(words, h.title)
        return (not titled, KIND_ORDER.index(h.kind) if titled else 0, -h.rank, h.title)

    return sorted(hits, key=key)


def run_search(text: str, *, limit: int = 30, using: str = "default") -> list[Hit]:
    """Ranked hits for ``text`` (no words -> no hits)."""
    words = query_words(text)
    if not words:
        return []
    if not SearchDocument.objects.using(using).exists():  # e.g. a database flushed without post_migrate
        rebuild_index(using)
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return _search_postgresql(words, limit, using)
    if vendor == "sqlite":
        return _search_sqlite(words, limit, using)
    raise NotImplementedError(f"library search supports PostgreSQL and SQLite, not {vendor}")


def _search_sqlite(words: list[str], limit: int, using: str) -> list[Hit]:
    match = " AND ".join(f'"{w}"*' for w in words)  # words are [a-z0-9]+: nothing to escape
    sql = (f"SELECT d.kind, d.key, d.title, d.snippet, d.url, -bm25({FTS_TABLE}, 10.0, 5.0, 1.0) AS rank "
           f"FROM {FTS_TABLE} JOIN {SearchDocument._meta.db_table} d ON d.id = {FTS_TABLE}.rowid "
           f"WHERE {FTS_TABLE} MATCH %s ORDER BY rank DESC LIMIT %s")
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [match, limit * 3])
        rows = cursor.fetchall()
    return _sort([Hit(*row) for row in rows], words)[:limit]


def _search_postgresql(words: list[str], limit: int, using: str) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (SearchVector("title", weight="A", config="english")
              + SearchVector("keywords", weight="B", config="english")
              + SearchVector("body", weight="C", config="english"))
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")
    rows = (SearchDocument.objects.using(using).annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query).order_by("-rank")[: limit * 3])
    return _sort([Hit(d.kind, d.key, d.title, d.snippet, d.url, float(d.rank)) for d in rows], words)[:limit]
