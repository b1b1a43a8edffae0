"""Diary CSV: parsing, validation messages with line and column, round trip."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.response.diary import (
    DiaryDay,
    DiaryFormatError,
    format_diary,
    parse_diary,
    parse_period_label,
    read_diary,
    write_diary,
)
from ldncare.core.response.simulate import simulate_diary

HEADER = "date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,pgic,side_effects,notes\n"


def _errors(text: str) -> list[str]:
    with pytest.raises(DiaryFormatError) as info:
        parse_diary(text)
    return [str(e) for e in info.value.errors]


def test_parses_a_full_row():
    diary = parse_diary(HEADER + "2026-03-01,4.5,22:30,maintenance,3,4,7,6,2,headache:mild;Vivid Dreams:moderate,ok\n")
    day = diary.days[0]
    assert day == DiaryDay(date=dt.date(2026, 3, 1), ldn_dose_mg=4.5, dose_time=dt.time(22, 30), phase="maintenance",
                           scores={"pain": 3.0, "fatigue": 4.0, "sleep_quality": 7.0, "mood": 6.0}, pgic=2,
                           side_effects=(("headache", "mild"), ("vivid_dreams", "moderate")), notes="ok")
    assert diary.outcomes == ("pain", "fatigue", "sleep_quality", "mood")


def test_records_are_immutable():
    day = parse_diary(HEADER + "2026-03-01,,,,3,,,,,,\n").days[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        day.ldn_dose_mg = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        day.scores["pain"] = 4  # type: ignore[index]


def test_missing_days_and_blank_cells_are_allowed_and_rows_are_sorted():
    diary = parse_diary("date,pain\n2026-03-05,4\n2026-03-01,\n\n2026-03-02,5\n")
    assert [d.date.day for d in diary.days] == [1, 2, 5]
    assert diary.days[0].scores == {}


@pytest.mark.parametrize(("row", "expected"), [
    ("2026-02-30,,,,3,,,,,,", "line 2, column 1 (date): '2026-02-30' is not a date; allowed: an ISO date YYYY-MM-DD"),
    ("2026-03-01,,,,11,,,,,,", "line 2, column 5 (pain): score 11 is out of range; allowed: a number from 0 to 10, or blank"),
    ("2026-03-01,,,,x,,,,,,", "line 2, column 5 (pain): score 'x' is not a number"),
    ("2026-03-01,,,,3,,,,,hedache:mild,", "line 2, column 10 (side_effects): unknown side effect 'hedache'; did you mean headache"),
    ("2026-03-01,,,,3,,,,,headache,", "line 2, column 10 (side_effects): 'headache' needs a severity"),
    ("2026-03-01,,,,3,,,,,headache:awful,", "needs a severity; allowed: name:mild, name:moderate or name:severe"),
    ("2026-03-01,,,loading,3,,,,,,", "line 2, column 4 (phase): unknown phase 'loading'; allowed: baseline, titration, maintenance"),
    ("2026-03-01,4.5,25:00,,3,,,,,,", "line 2, column 3 (dose_time): '25:00' is not a time; allowed: HH:MM"),
    ("2026-03-01,4.5,10pm,,3,,,,,,", "line 2, column 3 (dose_time): '10pm' is not a time"),
    ("2026-03-01,-1,,,3,,,,,,", "line 2, column 2 (ldn_dose_mg): '-1' is not a dose"),
    ("2026-03-01,,,,3,,,,8,,", "line 2, column 9 (pgic): PGIC '8' is not allowed"),
])
def test_each_bad_cell_is_named_by_line_and_column(row, expected):
    errors = _errors(HEADER + row + "\n")
    assert len(errors) == 1
    assert errors[0].startswith(expected) or expected in errors[0]


def test_duplicate_date_names_both_lines():
    errors = _errors("date,pain\n2026-03-01,3\n2026-03-02,4\n2026-03-01,5\n")
    assert errors == ["line 4, column 1 (date): duplicate date 2026-03-01 (first on line 2); one row per day"]


def test_all_errors_are_collected_and_nothing_is_returned():
    with pytest.raises(DiaryFormatError) as info:
        parse_diary("date,pain,mood\n2026-03-01,3,4\nnot-a-date,12,4\n2026-03-03,3,99\n")
    assert [(e.line, e.column_name) for e in info.value.errors] == [(3, "date"), (3, "pain"), (4, "mood")]
    assert str(info.value).startswith("3 problems in the diary: line 3, column 1 (date)")


def test_message_is_capped_but_errors_are_kept():
    text = "date,pain\n" + "".join(f"2026-01-{i:02d},11\n" for i in range(1, 31))
    with pytest.raises(DiaryFormatError) as info:
        parse_diary(text)
    assert len(info.value.errors) == 30
    assert "(and 10 more)" in str(info.value)


def test_header_problems():
    assert _errors("pain,mood\n3,4\n")[0].startswith("line 1: no 'date' column")
    assert "duplicate column" in _errors("date,pain,pain\n2026-01-01,1,2\n")[0]
    assert "empty file" in _errors("")[0]
    assert "fields but the header has 2" in _errors("date,pain\n2026-01-01,1,2\n")[0]


def test_extra_outcome_columns_are_validated_as_scores():
    diary = parse_diary("date,pain,stiffness\n2026-01-01,3,7\n")
    assert diary.outcomes == ("pain", "stiffness")
    assert diary.days[0].scores["stiffness"] == 7.0
    assert "column 3 (stiffness): score 10.5 is out of range" in _errors("date,pain,stiffness\n2026-01-01,3,10.5\n")[0]


def test_side_effect_synonyms_resolve_to_ids():
    diary = parse_diary("date,side_effects\n2026-01-01,sleeplessness:mild; VIVID_DREAMS :severe\n")
    assert diary.days[0].side_effects == (("insomnia", "mild"), ("vivid_dreams", "severe"))


def test_blinded_period_labels_are_normalised():
    diary = parse_diary('date,phase,pain\n2026-01-01,"Period 1, Bottle a",3\n2026-01-02,period 2 bottle B,3\n')
    assert [d.phase for d in diary.days] == ["period 1, bottle A", "period 2, bottle B"]
    assert parse_period_label("period x, bottle A") is None


def test_round_trip_of_a_simulated_diary(tmp_path):
    diary = simulate_diary(effect_points=-2, seed=4, persistent_side_effect="headache")
    again = read_diary(write_diary(diary, tmp_path / "d.csv"))
    assert again == diary


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 10)),
                          st.sampled_from(["", "headache:mild", "nausea:severe;rash:moderate"])),
                min_size=1, max_size=30, unique_by=lambda r: r[0]))
def test_round_trip_property(rows):
    days = [DiaryDay(date=dt.date(2026, 1, 1) + dt.timedelta(days=i), scores={} if s is None else {"pain": float(s)},
                     side_effects=tuple(tuple(x.split(":")) for x in se.split(";") if x))
            for i, s, se in sorted(rows)]
    text = format_diary(days)
    assert format_diary(parse_diary(text)) == text


# --- control characters, long notes, day limits (issue 18) ---------------------------------------

def test_a_note_with_control_characters_is_refused_with_its_place():
    message = _errors('date,notes\n2026-01-01,"ok"\n2026-01-02,"bell\x07 and escape\x1b[31m"\n')[0]
    assert "line 3, column 2 (notes): control character U+0007, U+001B is not allowed" in message


def test_a_note_over_the_limit_is_refused_and_a_huge_field_is_no_crash():
    assert "allowed: at most 2000" in _errors(f"date,notes\n2026-01-01,{'x' * 2001}\n")[0]
    with pytest.raises(DiaryFormatError, match="not a CSV file the diary can read"):
        parse_diary(f"date,notes\n2026-01-01,\"{'x' * 200_000}\"\n")


def test_control_characters_already_stored_are_never_written_raw():
    day = DiaryDay(date=dt.date(2026, 1, 1), notes="ok\x00\x07\x1b[31m\u0085 fine\ttab\nnext")
    text = format_diary([day])
    assert not any(ch in text for ch in "\x00\x07\x1b\u0085")
    assert parse_diary(text).days[0].notes == "ok[31m fine\ttab\nnext"


def test_diary_days_run_from_2000_to_the_first_today_on_earth():
    from ldncare.core.response.diary import diary_date_problem, latest_diary_date

    latest = latest_diary_date(dt.datetime(2026, 3, 1, 9, 59, tzinfo=dt.UTC))
    assert latest == dt.date(2026, 3, 1)  # 23:59 at UTC+14
    assert latest_diary_date(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)) == dt.date(2026, 3, 2)
    assert diary_date_problem(dt.date(2000, 1, 1), latest=latest) is None
    assert "before 2000-01-01" in diary_date_problem(dt.date(1999, 12, 31), latest=latest)
    assert "in the future" in diary_date_problem(dt.date(9999, 12, 31), latest=latest)
