"""tracking.charts.discovery_chart: one discovery's days as points, paired at the right lag, never filled in."""

from __future__ import annotations

import datetime as dt

import pytest

from ldncare.core.response.diary import Diary, DiaryDay
from ldncare.core.response.insights import find_associations
from ldncare.web.tracking.charts import HEIGHT, WIDTH, discovery_chart, factor_text

START = dt.date(2026, 1, 1)


def _diary(n: int = 60, *, skip_factor=(), skip_pain=()) -> Diary:
    """Pain on day t is 7 − 4 × (walked on day t − 1): a strong next-day effect; gaps where asked."""
    walk = [bin(i * 2654435761 % 2**32).count("1") % 2 for i in range(n)]
    days = []
    for i in range(n):
        before = walk[i - 1] if i else 0
        scores = {} if i in skip_pain else {"pain": float(7 - 4 * before + (i * 37) % 3 - 1)}
        factors = {} if i in skip_factor else {"factor:walk": float(walk[i])}
        days.append(DiaryDay(date=START + dt.timedelta(days=i), scores=scores, factors=factors))
    return Diary(days=tuple(days), outcomes=("pain",), factors=("factor:walk",))


def _chart(diary: Diary, lag: int = 1):
    found = find_associations(diary, outcomes=["pain"], factors=["walk"])
    association = next(a for a in found.associations if a.lag_days == lag)
    notes = {a.lag_days: {"sentence": f"lag {a.lag_days}", "found": a.found, "q_value": "0.1", "estimate": a.estimate}
             for a in found.associations}
    return association, discovery_chart(diary, association, notes=notes, outcome_name="pain", factor_label="Walk",
                                        kind="yes_no", element_id="d1")


def _views(chart) -> dict[int, dict]:
    return {v["lag"]: v for v in chart["views"]}


def test_points_pair_the_factor_on_one_day_with_the_outcome_lag_days_later():
    diary = _diary()
    association, chart = _chart(diary, lag=1)
    assert association.found
    assert association.lag_days == 1
    views = _views(chart)
    assert views[1]["selected"]
    assert not views[0]["selected"]
    by_day = {d.date: d for d in diary.days}
    for point in views[1]["points"]:
        assert point["factor_date"] == point["date"] - dt.timedelta(days=1)
        assert point["factor"] == factor_text(by_day[point["factor_date"]].factors["factor:walk"], "yes_no")
        assert point["outcome"] == f"{by_day[point['date']].scores['pain']:g}"
    assert views[1]["n"] == 59  # the first day has no day before it
    for point in views[0]["points"]:
        assert point["factor_date"] == point["date"]
    assert views[0]["n"] == 60


def test_a_day_missing_either_value_is_left_out_never_filled_in():
    diary = _diary(skip_factor={10, 20}, skip_pain={30})
    _, chart = _chart(diary)
    views = _views(chart)
    same_day = {p["date"] for p in views[0]["points"]}
    assert same_day == {d.date for d in diary.days} - {START + dt.timedelta(days=i) for i in (10, 20, 30)}
    next_day = {p["date"] for p in views[1]["points"]}
    missing = {START + dt.timedelta(days=i) for i in (0, 11, 21, 30)}  # no day before, no walk the day before, no pain
    assert next_day == {d.date for d in diary.days} - missing
    assert views[1]["n"] == len(views[1]["points"]) == 56


def test_points_lie_in_the_box_and_carry_their_day_in_words():
    _, chart = _chart(_diary())
    assert (chart["width"], chart["height"]) == (WIDTH, HEIGHT)
    assert [t["label"] for t in chart["x_ticks"]] == ["No", "Yes"]
    no, yes = (t["pos"] for t in chart["x_ticks"])
    for view in chart["views"]:
        for p in view["points"]:
            assert 0 < p["cx"] < WIDTH
            assert 0 < p["cy"] < HEIGHT
            # a yes/no point stays in its own group
            assert abs(p["cx"] - (yes if p["factor"] == "yes" else no)) < (yes - no) / 2
        assert view["line"] is not None
    first = _views(chart)[1]["points"][0]
    assert first["text"] == f"Walk {first['factor']} on 1 Jan; pain {first['outcome']} on 2 Jan 2026"
    # the dashed line falls from No to Yes for the next day (walking goes with less pain)
    line = _views(chart)[1]["line"]
    assert line["x1"] < line["x2"]
    assert line["y1"] < line["y2"]


def test_a_lag_that_was_not_tested_says_why_and_has_no_line():
    diary = _diary()
    found = find_associations(diary, outcomes=["pain"], factors=["walk"])
    association = next(a for a in found.associations if a.lag_days == 1)
    chart = discovery_chart(diary, association, notes={1: {"estimate": association.estimate}, 0: {"reason": "too few"}},
                            outcome_name="pain", factor_label="Walk", kind="yes_no", element_id="d1")
    same_day = _views(chart)[0]
    assert same_day["reason"] == "too few"
    assert same_day["line"] is None


def test_a_number_factor_has_number_ticks_in_its_unit():
    days = tuple(DiaryDay(date=START + dt.timedelta(days=i), scores={"pain": float(8 - (i % 5))},
                          factors={"factor:walk": float(10 * (i % 5))}) for i in range(40))
    diary = Diary(days=days, outcomes=("pain",), factors=("factor:walk",))
    association = find_associations(diary, outcomes=["pain"], factors=["walk"]).associations[0]
    chart = discovery_chart(diary, association, notes={}, outcome_name="pain", factor_label="Walk", kind="minutes",
                            element_id="d1")
    labels = [t["label"] for t in chart["x_ticks"]]
    assert labels[0] == "0 min"
    assert labels[-1] == "40 min"
    assert chart["x_label"] == "Walk (per day)"


@pytest.mark.parametrize(("value", "kind", "text"), [
    (1.0, "yes_no", "yes"), (0.0, "yes_no", "no"), (30.0, "minutes", "30 min"), (7.5, "hours", "7.5 h"),
    (4.5, "ldn_dose_mg", "4.5 mg"), (22.5, "dose_time_h", "22:30"), (24.25, "dose_time_h", "00:15"), (3.0, "count", "3"),
])
def test_factor_values_in_words(value, kind, text):
    assert factor_text(value, kind) == text
