"""The diary format's symptom in the person's own words: symptom + symptom_severity columns."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.response import DiaryDay
from ldncare.core.response.diary import (
    MAX_SYMPTOM_CHARS,
    DiaryFormatError,
    format_diary,
    parse_diary,
    symptom_problems,
)
from ldncare.core.text import control_characters

HEADER = "date,pain,side_effects,symptom,symptom_severity,notes\n"


def test_the_columns_round_trip_and_appear_only_when_a_symptom_was_typed():
    diary = parse_diary(HEADER + '2026-01-02,4,,"chest pain; worse lying down",moderate,\n2026-01-03,3,,,,\n')
    assert (diary.days[0].symptom, diary.days[0].symptom_severity) == ("chest pain; worse lying down", "moderate")
    assert (diary.days[1].symptom, diary.days[1].symptom_severity) == ("", None)
    text = format_diary(diary)
    assert text.splitlines()[0].endswith("side_effects,symptom,symptom_severity,notes")
    assert parse_diary(text).days == diary.days
    plain = [dataclasses.replace(d, symptom="", symptom_severity=None) for d in diary.days]
    assert "symptom" not in format_diary(plain).splitlines()[0]


@pytest.mark.parametrize(("row", "message"), [
    ("2026-01-02,4,,chest pain,,", "column 5 (symptom_severity): say how bad it is"),
    ("2026-01-02,4,,,mild,", "column 4 (symptom): describe the symptom"),
    ("2026-01-02,4,,chest pain,awful,", "unknown severity 'awful'"),
    ("2026-01-02,4,,pain\x07,mild,", "control character U+0007"),
    (f"2026-01-02,4,,{'x' * 201},mild,", f"allowed: at most {MAX_SYMPTOM_CHARS}"),
])
def test_a_bad_symptom_is_refused_with_its_place(row, message):
    with pytest.raises(DiaryFormatError) as refused:
        parse_diary(HEADER + row + "\n")
    assert message in str(refused.value)


@given(st.text(max_size=MAX_SYMPTOM_CHARS + 20), st.sampled_from([None, "", "mild", "moderate", "severe", "bad"]))
def test_the_rule_accepts_exactly_what_can_be_stored(text, severity):
    stripped = text.strip()
    nothing = not stripped and not severity
    storable = (bool(stripped) and severity in ("mild", "moderate", "severe")
                and len(stripped) <= MAX_SYMPTOM_CHARS and not control_characters(stripped))
    assert (symptom_problems(text, severity) == {}) == (nothing or storable)


def test_a_day_with_a_symptom_written_by_hand_needs_no_symptom_severity_column_to_say_so():
    with pytest.raises(DiaryFormatError) as refused:
        parse_diary("date,symptom\n2026-01-02,chest pain\n")
    assert "column 2 (symptom): say how bad it is" in str(refused.value)
    assert DiaryDay(date=dt.date(2026, 1, 2)).symptom == ""
