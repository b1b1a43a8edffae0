"""Validation against published targets, and the committed docs table is up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldncare.core.pharmacology.validation import render_markdown, run_checks

DOC = Path(__file__).resolve().parents[3] / "docs" / "pharmacology-validation.md"


@pytest.fixture(scope="module")
def checks():
    return run_checks()


@pytest.mark.slow
def test_every_fitted_target_passes_within_its_tolerance(checks):
    failed = [(c.id, c.scenario, c.model) for c in checks if c.fitted and not c.passed]
    assert not failed
    ids = {c.id for c in checks}
    assert {"V1a", "V1b", "V2a", "V2b", "V3a", "V3b", "V4a", "V4b", "V10a", "V10b", "V10c", "V14-17", "V19"} <= ids
    for c in checks:
        assert c.source
        assert c.tolerance


@pytest.mark.slow
def test_scenarios_disagree_where_the_evidence_does(checks):
    # the fast scenario cannot reproduce the slow 50 mg offset: that is why all three are shown
    lee = {c.scenario: c for c in checks if c.id == "V19"}
    assert lee["slow"].passed
    assert not lee["fast"].passed


@pytest.mark.slow
def test_committed_table_is_up_to_date(checks):
    assert DOC.read_text(encoding="utf-8") == render_markdown(checks), (
        "regenerate: python -m ldncare.core.pharmacology.validation --markdown docs/pharmacology-validation.md")
