"""PROMIS short forms scored exactly from the published raw-score-to-T-score tables; the PGIC by its answer;
the instruments left out for their licence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.response.questionnaires import (
    IncompleteAnswersError,
    InvalidAnswersError,
    UnknownQuestionnaireError,
    get_questionnaire,
    load_not_included,
    load_questionnaires,
    score_questionnaire,
)

PI, FATIGUE, SLEEP = "promis_pain_interference_4a", "promis_fatigue_4a", "promis_sleep_disturbance_4a"
PROMIS = (PI, FATIGUE, SLEEP)


def promis_forms():
    return [q for q in load_questionnaires() if q.id in PROMIS]


# Worked examples: (answers, raw score, T, SE) read off the HealthMeasures tables as transcribed in
# two independent implementations (see table_check in questionnaires.yaml); both ends and the middle.
@pytest.mark.parametrize(("instrument", "answers", "raw", "t", "se"), [
    (PI, [1, 1, 1, 1], 4, 41.6, 6.1),
    (PI, [2, 1, 1, 1], 5, 49.6, 2.5),
    (PI, [3, 3, 3, 3], 12, 61.2, 1.8),
    (PI, [5, 5, 4, 5], 19, 71.6, 2.1),
    (PI, [5, 5, 5, 5], 20, 75.6, 3.7),
    (FATIGUE, [1, 1, 1, 1], 4, 33.7, 4.9),
    (FATIGUE, [2, 3, 1, 4], 10, 53.1, 2.4),
    (FATIGUE, [4, 4, 3, 4], 15, 62.7, 2.4),
    (FATIGUE, [5, 5, 5, 5], 20, 75.8, 3.9),
    # Sleep: items 1 and 2 are reversed, so "Very good" (code 5) and "Very much" refreshing score 1.
    (SLEEP, [5, 5, 1, 1], 4, 32.0, 5.2),
    (SLEEP, [3, 3, 3, 3], 12, 54.3, 3.4),
    (SLEEP, [2, 2, 4, 4], 16, 61.7, 3.3),
    (SLEEP, [1, 1, 5, 5], 20, 73.3, 4.6),
])
def test_worked_examples_match_the_published_table(instrument, answers, raw, t, se):
    result = score_questionnaire(instrument, answers)
    assert (result.raw_score, result.t_score, result.se) == (raw, t, se)


def test_sleep_disturbance_reverses_quality_and_refreshing_only():
    sleep = get_questionnaire(SLEEP)
    assert [item.reverse for item in sleep.items] == [True, True, False, False]
    assert sleep.items[0].options[0] == "Very poor"  # code 1 = Very poor, scores 5 as printed on the form
    result = score_questionnaire(SLEEP, [1, 2, 3, 4])
    assert result.item_scores == (5, 4, 3, 4)
    assert result.raw_score == 16
    for instrument in (PI, FATIGUE):
        assert not any(item.reverse for item in get_questionnaire(instrument).items)


def test_bands_are_the_published_cut_points():
    assert score_questionnaire(PI, [1, 1, 1, 1]).interpretation == "within normal limits"   # 41.6
    assert score_questionnaire(PI, [2, 2, 2, 2]).interpretation == "mild"                   # 55.6
    assert score_questionnaire(PI, [3, 3, 3, 3]).interpretation == "moderate"               # 61.2
    assert score_questionnaire(PI, [5, 5, 5, 4]).interpretation == "severe"                 # 71.6
    assert score_questionnaire(SLEEP, [2, 2, 5, 5]).interpretation == "moderate"            # raw 18: 66.0


def test_every_table_covers_every_raw_score_and_rises():
    for q in promis_forms():
        assert [row.raw for row in q.table] == list(range(q.min_raw, q.max_raw + 1)) == list(range(4, 21))
        ts = [row.t for row in q.table]
        assert all(b > a for a, b in zip(ts, ts[1:], strict=False))
        assert all(0 < row.se < 10 for row in q.table)
        # No value sits on a cut point, so the boundary convention never changes a band.
        assert not {row.t for row in q.table} & {band.from_t for band in q.bands}


def test_records_carry_licence_sources_and_review():
    for q in promis_forms():
        assert "without licensing or royalty fees" in q.licence
        hosts = {s.url.split("/")[2] for s in q.sources}
        assert "www.healthmeasures.net" in hosts
        assert "identical in two independent" in q.table_check
        assert q.review.reviewed_by == "ldncare core team"
        assert len(q.items) == 4
        assert all(len(item.options) == 5 for item in q.items)


@given(st.sampled_from([PI, FATIGUE, SLEEP]), st.lists(st.integers(1, 5), min_size=4, max_size=4))
def test_any_complete_form_gets_the_table_row_of_its_sum(instrument, answers):
    q = get_questionnaire(instrument)
    result = score_questionnaire(instrument, answers)
    expected_raw = sum(6 - a if item.reverse else a for item, a in zip(q.items, answers, strict=False))
    assert result.raw_score == expected_raw
    assert (result.t_score, result.se) == (q.table[expected_raw - 4].t, q.table[expected_raw - 4].se)


def test_a_missing_answer_gives_no_score():
    with pytest.raises(IncompleteAnswersError, match=r"item\(s\) 3 unanswered.*all 4 items"):
        score_questionnaire(FATIGUE, [2, 3, None, 4])


@pytest.mark.parametrize("answers", [[0, 1, 1, 1], [1, 1, 1, 6], [1, 1, 1, 2.5], [True, 1, 1, 1]])
def test_out_of_range_answers_say_what_is_allowed(answers):
    with pytest.raises(InvalidAnswersError, match="is not allowed; use 1 = "):
        score_questionnaire(PI, answers)


@pytest.mark.parametrize("answers", [[1, 1, 1], [1, 1, 1, 1, 1]])
def test_wrong_number_of_answers(answers):
    with pytest.raises(InvalidAnswersError, match="has 4 items"):
        score_questionnaire(PI, answers)


def test_curated_forms_are_the_three_promis_forms_and_the_pgic():
    assert [q.id for q in load_questionnaires()] == [PI, FATIGUE, SLEEP, "pgic"]
    assert all(q.has_t_score for q in promis_forms())


@pytest.mark.parametrize(("code", "words"), [
    (1, "No change (or condition has got worse)"),
    (4, "Somewhat better, but the change has not made any real difference"),
    (7, "A great deal better, and a considerable improvement that has made all the difference"),
])
def test_pgic_scores_the_answer_code_and_gives_its_words(code, words):
    result = score_questionnaire("pgic", [code])
    assert (result.raw_score, result.item_scores, result.t_score, result.se) == (code, (code,), None, None)
    assert result.interpretation == words


def test_pgic_is_one_item_with_seven_answers_public_sources_and_an_honest_licence():
    pgic = get_questionnaire("pgic")
    assert pgic.scoring == "single_item"
    assert not pgic.has_t_score
    assert not pgic.table
    assert not pgic.bands
    assert len(pgic.items) == 1
    assert len(pgic.items[0].options) == 7
    assert not pgic.higher_is_worse
    assert {s.pmid for s in pgic.sources} >= {"14739871"}  # Hurst & Bolton 2004, J Manipulative Physiol Ther
    assert "archive.org" in " ".join(str(s.url) for s in pgic.sources)  # Guy 1976, the ECDEU manual
    assert "public domain" in pgic.licence
    assert "No copyright holder" in pgic.licence
    assert "full text was not read" in pgic.wording_check


@pytest.mark.parametrize("answers", [[0], [8], [None], [1, 2]])
def test_pgic_bad_answers(answers):
    with pytest.raises(InvalidAnswersError):
        score_questionnaire("pgic", answers)


def test_instruments_left_out_say_why_with_a_source():
    left_out = {record.id: record for record in load_not_included()}
    assert set(left_out) == {"fiq", "msis_29"}
    assert "Permission must be obtained" in left_out["msis_29"].reason
    assert "MAPI Research Trust" in left_out["fiq"].reason
    assert not set(left_out) & {q.id for q in load_questionnaires()}


def test_unknown_questionnaire():
    with pytest.raises(UnknownQuestionnaireError, match="known: promis_pain_interference_4a"):
        score_questionnaire("phq9", [1, 1, 1, 1])
