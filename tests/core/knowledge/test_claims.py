from __future__ import annotations

import re
from pathlib import Path

import pytest

from ldncare.core.knowledge import KnowledgeDataError, load_conditions
from ldncare.core.knowledge.claims import VERDICTS, Claim, count_verdicts, get_claim, load_claims
from ldncare.core.knowledge.records import load_records
from ldncare.core.knowledge.studies import load_studies

ARTICLE = Path("/work/shared/reference/ldn-article.txt")


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("claim", load_claims(), ids=lambda c: c.id)
def test_every_claim_has_a_verdict_explanation_sources_and_review(claim):
    assert claim.verdict in VERDICTS
    assert claim.explanation
    assert claim.sources
    assert claim.review.reviewed_by


def test_ids_are_unique():
    ids = [c.id for c in load_claims()]
    assert len(ids) == len(set(ids))


def test_study_and_condition_references_resolve():
    studies = {s.id for s in load_studies()}
    conditions = {c.id for c in load_conditions()}
    for claim in load_claims():
        assert set(claim.studies) <= studies, (claim.id, set(claim.studies) - studies)
        assert set(claim.conditions) <= conditions, (claim.id, set(claim.conditions) - conditions)


@pytest.mark.skipif(not ARTICLE.exists(), reason="the seed article is not in this checkout")
def test_every_quote_is_the_articles_own_words():
    article = _normalise(ARTICLE.read_text(encoding="utf-8"))
    for claim in load_claims():
        assert _normalise(claim.quote) in article, claim.id


def test_the_claims_the_issue_names_are_checked():
    smith = get_claim("smith2007-89-response-67-remission")
    assert "17" in smith.explanation
    assert "89%" in smith.explanation
    assert "67%" in smith.explanation
    assert "smith2007-crohns-openlabel" in smith.studies
    assert get_claim("crohns-most-studied").verdict == "partly_supported"
    assert get_claim("side-effects-go-away-in-a-week-or-two").verdict == "partly_supported"
    assert get_claim("side-effects-6-5-to-9-mg-extremely-rare").verdict == "no_evidence_found"
    assert get_claim("activates-opioid-receptors").verdict == "not_supported"
    assert get_claim("non-toxic").verdict == "partly_supported"


def test_the_me_cfs_claim_is_checked_against_the_studies_that_exist():
    claim = get_claim("mecfs-no-clinical-trials")
    assert claim.verdict == "partly_supported"
    assert "polo2019-mecfs-retrospective" in claim.studies
    assert any(s.id == "polo2019-mecfs-retrospective" and "me-cfs" in s.conditions for s in load_studies())


def test_the_sleep_disturbance_figure_is_flagged_as_computed():
    assert "7/17 computed" in get_claim("smith2007-sleep-disturbance-41").explanation


def test_verdict_counts_add_up():
    counts = count_verdicts()
    assert set(counts) == set(VERDICTS)
    assert sum(counts.values()) == len(load_claims())


def test_a_claim_without_a_verdict_fails_to_load(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "claims:\n- id: x\n  section: Intro\n  quote: a quote of the article\n  claim: a claim to check\n"
        "  explanation: because of reasons\n  sources: [{pmid: '1'}]\n"
        "  review: {reviewed_by: a b, reviewed_on: 2026-11-24}\n"
    )
    with pytest.raises(KnowledgeDataError, match="verdict"):
        load_records("c.yaml", Claim, key="claims", data_dir=tmp_path)


def test_a_claim_without_a_source_fails_to_load(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "claims:\n- id: x\n  section: Intro\n  quote: a quote of the article\n  claim: a claim to check\n"
        "  verdict: supported\n  explanation: because of reasons\n  sources: []\n"
        "  review: {reviewed_by: a b, reviewed_on: 2026-11-24}\n"
    )
    with pytest.raises(KnowledgeDataError, match="sources"):
        load_records("c.yaml", Claim, key="claims", data_dir=tmp_path)


def test_register_counts_cite_the_papers_they_come_from():
    """341 (MS), 360 (RA) and 582 (IBD) are from three Raknes register papers, not the drug-utilisation paper (PMC5298009)."""
    claim = get_claim("used-for-ms-ra-crohns")
    assert {s.pmid for s in claim.sources} == {"29099849", "30763385", "29385430"}
    assert not any("PMC5298009" in (s.url or "") for s in claim.sources)
    studies = {s.id: s for s in load_studies()}
    counts = {studies[i].pmid: studies[i].n_enrolled for i in claim.studies}
    assert counts == {"29099849": 341, "30763385": 360, "29385430": 582}
    for number in ("341", "360", "582"):
        assert number in claim.explanation
