"""The words of a response analysis: observational headline, MCID with source, qualified probability."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from ldncare.core.response import analyze_response, simulate_diary
from ldncare.core.response.analysis import STATUSES
from ldncare.core.response.diary import Diary
from ldncare.core.response.wording import (
    CAUSE_CAVEAT,
    STATUS_LABELS,
    headline_phrase,
    probability_statement,
)


def test_responder_headline_says_what_was_observed_names_the_mcid_and_its_source():
    result = analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain")
    assert result.status == "likely_responder"
    assert result.headline.startswith("Pain improved by 3.0 points (-50 %) since starting LDN")
    assert "more than the smallest change that matters (MCID 2 points, from Farrar et al. 2001" in result.headline
    assert CAUSE_CAVEAT in result.headline
    assert "responder" not in result.headline


def test_probability_is_qualified_by_its_model_and_subject():
    result = analyze_response(simulate_diary(effect_points=-3.0, seed=3), "pain")
    text = result.probability_statement
    assert "above 0.99" in text
    assert "observed before/after change" in text
    assert "AR(1) regression" in text
    assert "flat prior" in text
    assert "not about how much of it LDN caused" in text


def test_sleep_quality_up_29_percent_is_not_called_not_improved_nor_non_responder():
    # +1.3 points, +30 %: the CI excludes 0, P(>= the assumed 2-point MCID) < 0.1.
    result = analyze_response(simulate_diary(effect_points={"sleep_quality": 1.2}, seed=1,
                                             outcomes=("sleep_quality",)), "sleep_quality")
    assert result.ci95[0] > 0
    assert result.p_improvement_ge_mcid < 0.1
    assert result.mcid_basis == "assumption"
    assert result.status == "unclear"  # not likely_non_responder: that would rest on an assumed MCID
    assert result.headline.startswith("Sleep quality improved by 1.3 points (+30 %)")
    assert "not improve" not in result.headline
    assert "chance" not in result.headline
    assert "ASSUMPTION" in result.headline
    assert any("Not called 'likely non-responder'" in c for c in result.caveats)


def test_clear_worsening_is_still_called_with_an_assumed_mcid():
    result = analyze_response(simulate_diary(effect_points={"sleep_quality": -3.0}, seed=3,
                                             outcomes=("sleep_quality",)), "sleep_quality")
    assert result.status == "likely_non_responder"
    assert result.headline.startswith("Sleep quality got worse by")


@settings(max_examples=300, deadline=None)
@given(imp=st.floats(-6, 6), half=st.floats(0.05, 4), status=st.sampled_from(STATUSES[:3]),
       assumed=st.booleans(), mcid=st.sampled_from([None, 2.0]), pct=st.one_of(st.none(), st.floats(-90, 90)))
def test_an_interval_excluding_zero_is_never_called_chance(imp, half, status, assumed, mcid, pct):
    ci = (imp - half, imp + half)
    text = headline_phrase(improvement=imp, ci=ci, status=status, outcome="pain", percent=pct,
                           mcid_points=mcid, mcid_citation="Farrar et al. 2001", mcid_assumed=assumed)
    if ci[0] > 0 or ci[1] < 0:
        assert "chance" not in text
        assert "within day-to-day variation" not in text
        assert "more than day-to-day variation" in text or "more than the smallest change" in text
    else:
        assert "improved by" not in text
        assert "got worse by" not in text
    if ci[0] > 0 and status != "likely_non_responder":
        assert CAUSE_CAVEAT.lower() in text.lower()


def test_status_labels_cover_the_contract_and_are_not_ids():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert all("_" not in label for label in STATUS_LABELS.values())
    assert probability_statement(p=None, outcome="pain", mcid_points=2.0, mcid_assumed=False) is None


def _with_flare(diary: Diary, outcome: str, extra_points: float) -> Diary:
    """Add a flare to the baseline: ``extra_points`` worse on day 1, fading linearly to 0 at its end."""
    base = [d for d in diary.days if d.phase == "baseline"]
    n = len(base)
    days = []
    for d in diary.days:
        if d.phase == "baseline" and outcome in d.scores:
            i = base.index(d)
            bump = extra_points * (1 - i / (n - 1))
            d = dataclasses.replace(d, scores={**d.scores, outcome: min(10.0, round(d.scores[outcome] + bump))})
        days.append(d)
    return Diary(days=tuple(days), outcomes=diary.outcomes)


def test_a_baseline_flare_is_flagged_as_regression_to_the_mean():
    flared = _with_flare(simulate_diary(effect_points=0.0, seed=11, outcomes=("pain",)), "pain", 4.0)
    result = analyze_response(flared, "pain")
    assert result.baseline_flare is not None
    assert result.baseline_flare.detected
    assert result.baseline_flare.first_week_mean - result.baseline_flare.last_week_mean > 2
    assert "regression to the mean" in result.headline
    assert "flare" in result.headline
    assert any("flare" in c for c in result.caveats)


def test_a_stable_baseline_is_rarely_flagged_as_a_flare():
    flagged = sum(analyze_response(simulate_diary(effect_points=0.0, seed=40_000 + i, outcomes=("pain",)),
                                   "pain").baseline_flare.detected for i in range(100))
    assert flagged <= 5
