"""The titration data: every protocol, timing and rule is sourced, reviewed and consistent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ldncare.core.dosing.protocols import (
    PROTOCOL_IDS,
    get_protocol,
    get_rule,
    get_timing,
    load_planning_rules,
    load_protocols,
    load_timings,
)


def test_the_five_protocols_of_the_issue_are_there_in_order():
    assert tuple(p.id for p in load_protocols()) == PROTOCOL_IDS


@pytest.mark.parametrize(
    ("protocol_id", "start", "step", "interval"),
    [("article", "1.5", "1.5", 14), ("trust", "1", "1", 7), ("gentle", "0.5", "0.5", 14)],
)
def test_ladder_numbers_match_the_sources(protocol_id, start, step, interval):
    protocol = get_protocol(protocol_id)
    assert (protocol.start_mg, protocol.step_mg, protocol.interval_days) == (Decimal(start), Decimal(step), interval)
    assert protocol.target_mg == protocol.max_mg == Decimal("4.5")


def test_pediatric_is_point_one_mg_per_kg_capped_at_4_5_mg_from_the_trial():
    protocol = get_protocol("pediatric")
    assert protocol.mg_per_kg == Decimal("0.1")
    assert protocol.max_mg == Decimal("4.5")
    assert any(source.nct == "NCT00715117" for source in protocol.sources)


def test_every_record_has_a_followable_source_and_a_review():
    for record in (*load_protocols(), *load_timings(), *load_planning_rules()):
        assert record.sources, record.id
        assert all(source.url and source.url.startswith("http") for source in record.sources), record.id
        assert record.review.reviewed_by


def test_bedtime_is_the_default_and_morning_is_labelled_with_low_evidence():
    assert get_timing("bedtime").default_time == "22:00"
    assert get_timing("morning").evidence_level.startswith("low")


def test_assumptions_are_labelled_as_such():
    assert get_rule("retitrate-interval-factor").basis == "assumption"
    assert get_rule("persistent-days").basis == "assumption"
    assert get_rule("low-dose-ceiling").value == 10


def test_unknown_ids_name_the_allowed_ones():
    with pytest.raises(LookupError, match="allowed: article, trust"):
        get_protocol("fast")
