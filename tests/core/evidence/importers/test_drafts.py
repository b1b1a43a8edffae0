"""Drafts: unreviewed, de-duplicated, written atomically, never loadable as published studies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from ldncare.core.evidence.importers import (
    DraftStudy,
    mark_duplicates,
    read_pubmed_xml,
    write_drafts,
)
from ldncare.core.knowledge.records import DATA_DIR
from ldncare.core.knowledge.studies import Study, get_study

DATA = Path(__file__).resolve().parents[3] / "data" / "evidence"


def test_writes_only_new_drafts_marked_unreviewed(tmp_path):
    drafts = mark_duplicates(read_pubmed_xml(DATA / "pubmed_two_articles.xml"))
    paths = write_drafts(drafts, tmp_path / "drafts")
    assert [p.name for p in paths] == ["pmid35396307.draft.yaml"]
    text = paths[0].read_text(encoding="utf-8")
    assert text.startswith("# DRAFT - UNREVIEWED")
    data = yaml.safe_load(text)
    assert data["status"] == "draft_unreviewed"
    assert data["review"] is None
    assert data["pmid"] == "35396307"
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == ["pmid35396307.draft.yaml"]
    assert DraftStudy.model_validate(data).pmid == "35396307"


def test_a_draft_is_not_a_publishable_study(tmp_path):
    (draft,) = write_drafts(mark_duplicates(read_pubmed_xml(DATA / "pubmed_two_articles.xml")), tmp_path)
    with pytest.raises(ValidationError):
        Study.model_validate(yaml.safe_load(draft.read_text(encoding="utf-8")))
    with pytest.raises(ValidationError):
        DraftStudy(id="x", origin="pubmed", title="t", review={"reviewed_by": "someone", "reviewed_on": "2026-11-24"})


def test_dedup_by_doi_is_case_insensitive_and_by_nct():
    bruun = get_study("bruun2024-fibromyalgia-final-rct")
    by_doi = DraftStudy(id="d1", origin="pubmed", title="t", doi=bruun.doi.upper())
    by_nct = DraftStudy(id="d2", origin="ctgov", title="t", nct=["NCT00663117"])
    fresh = DraftStudy(id="d3", origin="pubmed", title="t", pmid="1")
    assert [d.duplicate_of for d in mark_duplicates([by_doi, by_nct, fresh])] == [
        "bruun2024-fibromyalgia-final-rct",
        "smith2011-crohns-rct",
        None,
    ]


def test_refuses_the_curated_data_directory_and_a_file_target(tmp_path):
    draft = DraftStudy(id="pmid1", origin="pubmed", title="t", pmid="1")
    with pytest.raises(ValueError, match="curated knowledge data directory"):
        write_drafts([draft], DATA_DIR)
    with pytest.raises(ValueError, match="curated knowledge data directory"):
        write_drafts([draft], DATA_DIR / "drafts")
    assert not (DATA_DIR / "drafts").exists()
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not a directory"):
        write_drafts([draft], target)
