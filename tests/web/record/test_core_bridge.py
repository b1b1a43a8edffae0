"""core_bridge.load_diary: the diary read as plain values is the same diary as to_diary of the model rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, SideEffectReport


@pytest.fixture
def diary_rows(patient, stranger):
    start = dt.date(2026, 1, 1)
    for i in range(40):
        day = CheckIn.objects.create(
            patient=patient, date=start + dt.timedelta(days=(i * 7) % 40),  # stored out of date order
            ldn_dose_mg=None if i % 9 == 0 else Decimal("1.5") + Decimal(i % 3),
            dose_time=dt.time(22, 0) if i % 2 else None,
            pain_score=i % 11, fatigue_score=None if i % 4 == 0 else 5, sleep_quality_score=6,
            mood_score=None, pgic_score=(i % 7) + 1 if i % 5 == 0 else None,
            notes="=SUM(A1)  and\n more" if i == 3 else f"day {i}",
        )
        for effect in (("vivid_dreams", "mild"), ("insomnia", "severe"), ("headache", "moderate"))[: i % 4]:
            SideEffectReport.objects.create(checkin=day, side_effect_id=effect[0], severity=effect[1])
    CheckIn.objects.create(patient=stranger, date=start, pain_score=9)  # someone else's day stays out
    return CheckIn.objects.filter(patient=patient)


@pytest.mark.parametrize("safe_text", [False, True])
def test_load_diary_equals_to_diary_of_the_model_rows(diary_rows, safe_text):
    loaded = core_bridge.load_diary(diary_rows, safe_text=safe_text)
    expected = core_bridge.to_diary(list(diary_rows.prefetch_related("side_effects")), safe_text=safe_text)
    assert loaded == expected
    assert len(loaded.days) == 40
    assert [d.date for d in loaded.days] == sorted(d.date for d in loaded.days)
    assert any(d.side_effects == (("insomnia", "severe"), ("vivid_dreams", "mild")) for d in loaded.days)


def test_load_diary_takes_a_prefetching_query_in_two_queries(diary_rows, django_assert_num_queries):
    with django_assert_num_queries(2):
        diary = core_bridge.load_diary(diary_rows.prefetch_related("side_effects"))
    assert core_bridge.analyze_diary(diary, outcome="pain") == core_bridge.analyze(list(diary_rows), outcome="pain")


def test_load_diary_of_no_days_is_empty(patient):
    assert core_bridge.load_diary(CheckIn.objects.filter(patient=patient)).days == ()
