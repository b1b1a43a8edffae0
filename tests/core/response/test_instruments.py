"""Curated outcome instruments: every record sourced, reviewed and coherent."""

from __future__ import annotations

import pytest

from ldncare.core.response.instruments import (
    UnknownOutcomeError,
    get_instrument,
    load_outcome_instruments,
)


def test_the_five_outcomes_are_curated_with_sources_and_review():
    instruments = {i.id: i for i in load_outcome_instruments()}
    assert set(instruments) == {"pain", "fatigue", "sleep_quality", "mood", "pgic"}
    for instrument in instruments.values():
        assert instrument.sources
        assert all(s.url for s in instrument.sources)
        assert instrument.review.reviewed_by == "ldncare core team"


def test_directions_and_thresholds():
    assert get_instrument("pain").lower_is_better
    assert get_instrument("fatigue").lower_is_better
    assert not get_instrument("sleep_quality").lower_is_better
    assert not get_instrument("mood").lower_is_better
    pgic = get_instrument("pgic")
    assert (pgic.min_score, pgic.max_score, pgic.improved_max, pgic.mcid_points) == (1, 7, 3, None)
    # Farrar 2001: 2 points / 30 % on the pain NRS
    assert get_instrument("pain").mcid_points == 2.0
    assert get_instrument("pain").mcid_percent == 30.0


def test_borrowed_thresholds_are_labelled_assumptions():
    for outcome in ("sleep_quality", "mood"):
        instrument = get_instrument(outcome)
        assert instrument.mcid_basis == "assumption"
        assert instrument.mcid_note.startswith("ASSUMPTION")
        assert instrument.mcid_source.startswith("ASSUMPTION")


def test_unknown_outcome():
    with pytest.raises(UnknownOutcomeError, match="curated outcomes: pain, fatigue"):
        get_instrument("joy")
