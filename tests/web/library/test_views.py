"""The library's public pages: status codes, content with sources, downloads, bad input never a 500."""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from ldncare.core.evidence import cite
from ldncare.core.knowledge import (
    load_claims,
    load_conditions,
    load_peptide_notice,
    load_side_effects,
)

pytestmark = pytest.mark.django_db


def test_index_lists_every_condition_with_its_certainty(client):
    r = client.get("/library/")
    assert r.status_code == 200
    html = r.content.decode()
    for c in load_conditions():
        assert f'href="/library/conditions/{c.id}/"' in html
    assert "certainty-" in html
    assert html.count("<h1") == 1
    assert "Not medical advice." in html  # the footer disclaimer stays


def test_crohns_page_shows_summary_certainty_reasons_studies_and_sources(client):
    r = client.get("/library/conditions/crohns-disease/")
    assert r.status_code == 200
    html = r.content.decode()
    s = r.context["s"]
    assert escape(s.summary[:60]) in html
    assert escape(s.what_this_means[:40]) in html
    assert all(escape(reason.explanation[:30]) in html for reason in s.certainty_reasons)
    assert 'href="/library/studies/smith2007-crohns-openlabel/"' in html
    assert "https://pubmed.ncbi.nlm.nih.gov/17222320/" in html
    assert 'class="basis basis-stated"' in html
    assert html.count("<h1") == 1


@pytest.fixture
def fresh_pooling():
    from ldncare.web.library import views

    views._pooled.cache_clear()
    views._forest_bytes.cache_clear()
    yield
    views._pooled.cache_clear()
    views._forest_bytes.cache_clear()


def test_fibromyalgia_shows_its_trials_side_by_side_each_on_its_own_measure(client, fresh_pooling):
    r = client.get("/library/conditions/fibromyalgia/")
    html = r.content.decode()
    assert "forest.png" not in html  # no pooled estimate across different effect measures
    assert "side by side, unpooled" in html
    assert 'class="side-by-side"' in html
    for words in ("standardized difference d_z of a crossover", "effect size whose type the source does not name",
                  "points on NRS 0-10", "Hedges"):
        assert escape(words) in html, words
    assert "Published meta-analyses" in html
    assert "Ologunowa 2025" in html
    assert "in controlled trials of fibromyalgia alone" in html
    assert client.get("/library/conditions/fibromyalgia/forest.png").status_code == 404


def test_a_pooled_condition_shows_its_forest_plot_in_png_and_svg(client, fresh_pooling, monkeypatch):
    from ldncare.core.knowledge.studies import Effect, get_study

    base = get_study("bruun2024-fibromyalgia-final-rct")
    trials = tuple(
        base.model_copy(update={"id": sid, "effects": [Effect(
            outcome_domain="pain", instrument="pain NRS", effect_measure="MD", scale="NRS 0-10",
            estimate=est, ci_low=est - 0.6, ci_high=est + 0.6, basis="stated")]})
        for sid, est in (("alpha", -0.5), ("beta", -0.2))
    )  # fmt: skip
    monkeypatch.setattr("ldncare.core.evidence.meta_analysis.studies_for_condition", lambda _c: trials)
    html = client.get("/library/conditions/fibromyalgia/").content.decode()
    assert 'src="/library/conditions/fibromyalgia/forest.png"' in html
    assert escape("every one as mean difference") in html
    png = client.get("/library/conditions/fibromyalgia/forest.png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "max-age" in png["Cache-Control"]
    svg = client.get("/library/conditions/fibromyalgia/forest.svg")
    assert svg.status_code == 200
    assert b"<svg" in svg.content


def test_ulcerative_colitis_counts_no_trial_participants(client):
    html = client.get("/library/conditions/ulcerative-colitis/").content.decode()
    assert "<strong>0</strong> in controlled trials of ulcerative colitis alone" in html
    assert "582 in prescription registers" in html
    assert "47 in cohorts that mixed" in html
    assert "629" not in html
    index = client.get("/library/").content.decode()
    assert "People in controlled trials" in index


def test_an_unpooled_condition_says_why_and_has_no_plot(client):
    r = client.get("/library/conditions/autism/")
    assert r.status_code == 200
    assert "No pooled estimate" in r.content.decode()
    assert client.get("/library/conditions/autism/forest.png").status_code == 404


@pytest.mark.parametrize(("fmt", "first"), [("bibtex", "@"), ("ris", "TY  - JOUR"), ("csljson", "[")])
def test_citation_downloads_are_the_cores_export(client, fmt, first):
    r = client.get(f"/library/conditions/crohns-disease/citations.{fmt}")
    assert r.status_code == 200
    assert r.content.decode() == cite("crohns-disease", fmt)
    assert r.content.decode().startswith(first)
    assert "attachment" in r["Content-Disposition"]
    if fmt == "csljson":
        assert json.loads(r.content)


def test_study_page(client):
    r = client.get("/library/studies/smith2011-crohns-rct/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Oxford CEBM 2011" in html
    assert 'href="/library/conditions/crohns-disease/"' in html


def test_side_effects_page_has_every_side_effect_with_an_anchor(client):
    html = client.get("/library/side-effects/").content.decode()
    for e in load_side_effects():
        assert f'id="{e.id}"' in html
    assert "Get urgent care" in html


def test_alternatives_page_shows_the_notice_prominently(client):
    html = client.get("/library/alternatives/").content.decode()
    notice = load_peptide_notice()
    assert escape(notice.title) in html
    assert escape(notice.text[:80]) in html
    assert html.index(escape(notice.title)) < html.index("<table")  # the notice comes before the peptides


def test_about_page_labels_hypotheses(client):
    html = client.get("/library/about/").content.decode()
    assert html.count(">Hypothesis</span>") >= 2  # endorphin rebound and TLR4


def test_claims_page_shows_every_verdict(client):
    html = client.get("/library/claims/").content.decode()
    for c in load_claims():
        assert f'id="{c.id}"' in html
        assert f"verdict-{c.verdict}" in html


@pytest.mark.parametrize("path", ["/library/conditions/not-a-condition/", "/library/studies/nope/",
                                  "/library/conditions/crohns-disease/citations.doc",
                                  "/library/conditions/nope/forest.png", "/library/conditions/nope/citations.ris"])
def test_unknown_things_are_404(client, path):
    assert client.get(path).status_code == 404


def test_search_page_finds_crohn_and_links_the_condition(client):
    r = client.get("/library/search/", {"q": "crohn"})
    assert r.status_code == 200
    assert r.context["hits"][0].url == "/library/conditions/crohns-disease/"
    assert 'href="/library/conditions/crohns-disease/"' in r.content.decode()


@pytest.mark.parametrize("q", ["", "   ", "!!!", "x" * 101, "x" * 5000, "crohn\x00", "*"])
def test_bad_queries_are_form_errors_not_500(client, q):
    r = client.get("/library/search/", {"q": q})
    assert r.status_code == 200
    assert r.context["hits"] is None or r.context["hits"] == []
    if r.context["hits"] is None:
        assert 'class="field-errors"' in r.content.decode()


def test_search_without_q_shows_the_form(client):
    r = client.get("/library/search/")
    assert r.status_code == 200
    assert r.context["hits"] is None
    assert "field-errors" not in r.content.decode()


def test_side_effects_page_checks_a_symptom_with_the_core_triage(client):
    html = client.get("/library/side-effects/", {"symptom": "my chest hurts", "severity": "moderate", "days": "5"}).content.decode()
    assert 'id="symptom-result"' in html
    assert "level-urgent_care" in html.split('id="symptom-result"')[0].rsplit("<article", 1)[1]
    assert "Get urgent medical care" in html
    html = client.get("/library/side-effects/", {"symptom": "green toenails", "severity": "mild", "days": "1"}).content.decode()
    assert "Contact your prescriber" in html
    assert "not one of the known LDN side effects" in html
    html = client.get("/library/side-effects/", {"symptom": "vivid dreams", "severity": "mild", "days": "2"}).content.decode()
    assert "read as Vivid dreams" in html


def test_side_effects_page_lists_the_red_flags(client):
    from ldncare.core.safety import load_red_flags

    html = client.get("/library/side-effects/").content.decode()
    assert "Warning signs that are not side effects" in html
    for flag in load_red_flags():
        assert flag.name.replace('"', "&quot;") in html, flag.id
    assert 'id="symptom-result"' not in html


@pytest.mark.parametrize(("params", "message"), [
    ({"symptom": "", "severity": "mild", "days": "0"}, "Describe the symptom"),
    ({"symptom": "headache", "severity": "awful", "days": "0"}, "Select a valid choice"),
    ({"symptom": "headache", "severity": "mild", "days": "-1"}, "greater than or equal to 0"),
    ({"symptom": "headache", "severity": "mild", "days": "two"}, "whole number of days"),
])
def test_side_effects_symptom_check_bad_input_is_a_form_error(client, params, message):
    response = client.get("/library/side-effects/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="symptom-result"' not in html
