"""Library search: ranked, prefix-matching, on SQLite (FTS5) and PostgreSQL (full-text search).

Run on PostgreSQL with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest tests/web/library -q``.
"""

from __future__ import annotations

import pytest
from django.db import connection

from ldncare.core.knowledge import load_conditions, load_side_effects, load_studies
from ldncare.web.library.models import SearchDocument
from ldncare.web.library.search import normalise_query, query_words, rebuild_index, run_search

pytestmark = pytest.mark.django_db


def test_index_holds_every_record_after_migrate():
    kinds = dict.fromkeys(["condition", "study", "side_effect"], 0)
    for kind in SearchDocument.objects.values_list("kind", flat=True):
        if kind in kinds:
            kinds[kind] += 1
    assert kinds == {"condition": len(load_conditions()), "study": len(load_studies()),
                     "side_effect": len(load_side_effects())}


@pytest.mark.parametrize("query", ["crohn", "Crohn's", "CROHNS disease", "crohn’s disease"])
def test_crohn_finds_the_crohns_page_first(query):
    hits = run_search(query)
    assert hits, query
    assert (hits[0].kind, hits[0].key, hits[0].url) == ("condition", "crohns-disease", "/library/conditions/crohns-disease/")


def test_prefix_matches_the_start_of_a_word():
    assert run_search("fibro")[0].key == "fibromyalgia"
    assert any(h.key == "multiple-sclerosis" for h in run_search("sclero"))


def test_title_match_outranks_a_mention_in_the_body():
    hits = run_search("headache")
    assert hits[0].kind == "side_effect"
    assert hits[0].key == "headache"
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks, reverse=True)


def test_every_word_must_match():
    assert run_search("crohn fibromyalgia zzzqqq") == []
    both = run_search("crohn placebo")
    assert both
    for hit in both:
        doc = SearchDocument.objects.get(kind=hit.kind, key=hit.key)
        text = normalise_query(" ".join([doc.title, doc.keywords, doc.body]))
        assert "crohn" in text, hit.key
        assert "placebo" in text, hit.key


def test_studies_are_found_by_author_and_pmid():
    assert any(h.key == "smith2007-crohns-openlabel" for h in run_search("Smith 2007 crohn"))
    assert any(h.key == "smith2007-crohns-openlabel" for h in run_search("17222320"))


def test_side_effect_synonym_and_peptide_are_searchable():
    assert run_search("sleeplessness")[0].key == "insomnia"
    assert any(h.kind == "peptide" for h in run_search("casomorphin"))


@pytest.mark.parametrize("query", ["", "   ", "!!!", "'", "*", '"', "AND OR NOT", "NEAR(", "crohn*\"", "a" * 100,
                                   "DROP TABLE library_searchdocument;--", "%_%", "\x00", "ü", "crohn:* | x"])
def test_hostile_queries_never_raise(query):
    assert isinstance(run_search(query), list)


def test_rebuild_is_idempotent_and_search_rebuilds_an_empty_index():
    n = SearchDocument.objects.count()
    assert rebuild_index() == n
    SearchDocument.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM library_search_fts")
    assert run_search("crohn")[0].key == "crohns-disease"
    assert SearchDocument.objects.count() == n


def test_query_normalisation():
    assert normalise_query(" Crohn’s  DISEASE!! ") == "crohns disease"
    assert query_words("Crohn's disease") == ["crohn", "disease"]
    assert query_words("!!!") == []


def test_management_command_rebuilds_the_index():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rebuild_library_index", stdout=out)
    assert out.getvalue().strip() == f"Indexed {SearchDocument.objects.count()} library records."
