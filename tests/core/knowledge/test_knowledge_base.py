"""Checks across every curated file of the knowledge package (conditions, grades, side
effects, peptides, about, claims): sourced, reviewed, uniquely identified, importable."""

from __future__ import annotations

import datetime as dt

import pytest

import ldncare.core.knowledge as knowledge
from ldncare.core.knowledge import (
    load_about,
    load_claims,
    load_condition_evidence,
    load_conditions,
    load_peptide_notice,
    load_peptides,
    load_side_effects,
    load_source_proteins,
)

LOADERS = {
    "conditions": load_conditions,
    "condition_evidence": load_condition_evidence,
    "side_effects": load_side_effects,
    "peptides": load_peptides,
    "proteins": load_source_proteins,
    "peptide_notice": lambda: (load_peptide_notice(),),
    "about": load_about,
    "claims": load_claims,
}

ALL_RECORDS = [(name, record) for name, loader in LOADERS.items() for record in loader()]


@pytest.mark.parametrize(("kind", "record"), ALL_RECORDS, ids=[f"{k}:{r.id}" for k, r in ALL_RECORDS])
def test_every_record_has_a_followable_source_and_a_past_review_stamp(kind, record):
    assert record.sources, f"{kind}:{record.id} has no source"
    assert all(s.url and s.url.startswith(("http://", "https://")) for s in record.sources)
    assert record.review.reviewed_by.strip()
    assert record.review.reviewed_on <= dt.date.today()


@pytest.mark.parametrize("kind", LOADERS)
def test_ids_are_unique_within_each_file(kind):
    ids = [r.id for r in LOADERS[kind]()]
    assert len(ids) == len(set(ids))


def test_the_package_exports_what_it_lists():
    assert knowledge.__all__ == sorted(knowledge.__all__, key=str)
    for name in knowledge.__all__:
        assert hasattr(knowledge, name), name


def test_records_are_immutable():
    condition = load_conditions()[0]
    with pytest.raises(ValueError, match="frozen"):
        condition.name = "changed"
