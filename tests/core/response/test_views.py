"""Side-effect courses, adherence, dose steps and dosing time vs sleep."""

from __future__ import annotations

import datetime as dt

import pytest

from ldncare.core.response.diary import parse_diary
from ldncare.core.response.simulate import simulate_diary
from ldncare.core.response.views import (
    compare_dose_timing,
    side_effect_courses,
    summarize_adherence,
    summarize_dose_steps,
    summarize_pgic,
)


def _diary(rows: list[str], header: str = "date,ldn_dose_mg,dose_time,phase,sleep_quality,side_effects") -> str:
    return parse_diary(header + "\n" + "\n".join(rows) + "\n")


def test_a_side_effect_fading_within_two_weeks_is_not_flagged():
    rows = [f"2026-01-{i:02d},1.5,22:00,titration,5,{'vivid dreams:mild' if i <= 10 else ''}" for i in range(1, 25)]
    (course,) = side_effect_courses(_diary(rows))
    assert (course.name, course.days, course.longest_episode_days, course.flag) == ("vivid_dreams", 10, 10, None)
    assert course.first_day == dt.date(2026, 1, 1)
    assert course.last_day == dt.date(2026, 1, 10)
    assert not course.still_present


def test_a_side_effect_still_present_after_14_days_is_flagged_persisting():
    rows = [f"2026-01-{i:02d},1.5,22:00,titration,5,headache:{'severe' if i == 3 else 'mild'}" for i in range(1, 17)]
    (course,) = side_effect_courses(_diary(rows))
    assert course.flag == "persisting"
    assert course.still_present
    assert course.worst_severity == "severe"


def test_a_new_dose_step_starts_a_new_episode():
    rows = [f"2026-01-{i:02d},{1.5 if i <= 8 else 3.0},22:00,titration,5,insomnia:mild" for i in range(1, 17)]
    (course,) = side_effect_courses(_diary(rows))
    assert course.episodes == 2
    assert course.longest_episode_days == 8
    assert course.flag is None


def test_urgent_side_effects_are_flagged_by_their_urgency():
    (course,) = side_effect_courses(_diary(["2026-01-01,1.5,22:00,titration,5,allergic reaction:severe"]))
    assert course.flag == "urgent_care"


def test_adherence_counts_planned_and_taken_doses():
    rows = ["2026-01-01,,,baseline,5,", "2026-01-02,1.5,22:00,titration,5,", "2026-01-03,,,titration,5,",
            "2026-01-05,1.5,22:00,titration,5,"]
    adherence = summarize_adherence(_diary(rows))
    assert (adherence.days_planned, adherence.days_taken, adherence.days_unrecorded, adherence.missed) == (3, 2, 1, 1)
    assert adherence.fraction_taken == pytest.approx(2 / 3)


def test_dose_steps_follow_the_titration():
    diary = simulate_diary(effect_points=-3.0, seed=3, missed_dose_fraction=0.0, missing_fraction=0.0)
    steps = summarize_dose_steps(diary, "pain")
    assert [s.dose_mg for s in steps] == [None, 1.5, 3.0, 4.5]
    assert [s.n_days for s in steps] == [28, 7, 7, 84]
    assert steps[-1].mean < steps[0].mean - 2


def test_bedtime_vs_morning_dosing_detects_worse_sleep_after_bedtime_doses():
    # synthetic: sleep quality 3 the night after a bedtime dose, 6 after a morning dose
    rows, start = [], dt.date(2026, 1, 1)
    for i in range(60):
        bedtime = (i // 10) % 2 == 0
        prev_bed = ((i - 1) // 10) % 2 == 0
        sleep = 5 if i == 0 else (3 + (i % 3 == 0)) if prev_bed else (6 + (i % 3 == 0))
        rows.append(f"{start + dt.timedelta(i)},4.5,{'22:30' if bedtime else '08:00'},maintenance,{sleep},")
    timing = compare_dose_timing(_diary(rows))
    assert timing.n_bedtime == 30
    assert timing.n_morning == 29
    assert timing.difference == pytest.approx(-3.0, abs=0.2)
    assert timing.ci95[1] < 0


def test_bedtime_vs_morning_needs_both():
    timing = compare_dose_timing(simulate_diary(seed=1))
    assert timing.difference is None
    assert timing.message.startswith("needs 7 nights after a bedtime dose")


def test_pgic_summary_uses_the_curated_threshold():
    summary = summarize_pgic(parse_diary("date,pgic\n2026-02-01,4\n2026-03-01,3\n2026-04-01,2\n"))
    assert (summary.n_ratings, summary.last, summary.improved_max) == (3, 2, 3)
    assert summary.share_improved == pytest.approx(2 / 3)
    assert summarize_pgic(parse_diary("date,pain\n2026-02-01,4\n")).share_improved is None
