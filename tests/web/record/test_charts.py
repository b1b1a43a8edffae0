"""The diary chart's spec (record.charts.progress_chart) and its table, on the progress page and
the clinician's record: blank scores stay blank, dose changes and side effects are events, lines
differ by marker and dash, and the page carries the spec as JSON (no inline script) and the table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ldncare.web.record.charts import chart_table, progress_chart
from ldncare.web.record.core_bridge import load_diary
from ldncare.web.record.models import CheckIn, SideEffectReport

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2025, 12, 30)


@pytest.fixture
def diary(patient):
    days = []
    for i, (dose, pain) in enumerate([(None, 7), (Decimal("1.5"), None), (Decimal("1.5"), 5), (Decimal("3"), 4)]):
        days.append(CheckIn.objects.create(patient=patient, date=DAY0 + dt.timedelta(days=i), ldn_dose_mg=dose,
                                           pain_score=pain, mood_score=6 if i == 2 else None))
    SideEffectReport.objects.create(checkin=days[2], side_effect_id="vivid_dreams", severity="mild")
    return days


def _spec(patient):
    return progress_chart(load_diary(CheckIn.objects.filter(patient=patient)).days)


def test_blank_scores_stay_blank_and_days_are_dates_with_their_year(patient, diary):
    spec = _spec(patient)
    pain = next(s for s in spec["series"] if s["key"] == "pain")
    assert pain["values"] == [7, None, 5, 4]
    assert next(s for s in spec["series"] if s["key"] == "mood")["values"] == [None, None, 6, None]
    assert next(s for s in spec["series"] if s["key"] == "dose")["values"] == [None, 1.5, 1.5, 3.0]
    assert [dt.datetime.fromtimestamp(x, tz=dt.UTC).date() for x in spec["x"]] == [d.date for d in diary]


def test_dose_changes_and_side_effects_are_events_in_words(patient, diary):
    events = _spec(patient)["events"]
    assert [(e["kind"], e["label"]) for e in events] == [
        ("dose", "31 Dec 2025: dose 1.5 mg"),
        ("side_effect", "1 Jan 2026: Vivid dreams (mild)"),
        ("dose", "2 Jan 2026: dose 3 mg"),
    ]


def test_lines_differ_by_marker_and_dash_not_colour_only(patient, diary):
    scores = [s for s in _spec(patient)["series"] if s.get("axis") != "y2"]
    assert len({s["marker"] for s in scores}) == len(scores) == 4
    assert len({tuple(s["dash"]) for s in scores}) == 4


def test_the_table_has_every_value_and_mark(patient, diary):
    table = chart_table(_spec(patient))
    assert table["columns"][:1] == ["Pain (0–10)"]
    assert [row["day"] for row in table["rows"]] == [d.date for d in diary]
    assert table["rows"][1]["cells"][0] == "—"  # pain not recorded that day
    assert table["rows"][2]["marks"] == "Vivid dreams (mild)"


def test_progress_page_carries_the_chart_as_json_and_its_table(client, patient, diary):
    client.force_login(patient)
    r = client.get("/me/progress/")
    html = r.content.decode()
    assert '<script id="progress-chart-data" type="application/json">' in html
    assert 'src="/static/vendor/uplot/uPlot.iife.min.js"' in html
    assert "<script>" not in html  # the CSP allows no inline script: data only as JSON
    start = html.index('<script id="progress-chart-data" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1:html.index("</script>", start)])
    assert data["series"][0]["values"] == [7, None, 5, 4]
    assert "The same data as a table" in html
    assert "Vivid dreams (mild)" in html
    assert 'data-range="28"' in html
    assert 'data-range="all"' in html


def test_clinicians_record_shows_the_same_chart(client, world, login_verified):
    login_verified(client, world["clin_ok"])
    html = client.get(f"/patients/{world['owner'].public_id}/").content.decode()
    assert '<script id="progress-chart-data" type="application/json">' in html
    assert "Vivid dreams (mild)" in html
    assert "chart.svg" not in html


def test_the_table_body_is_html_built_once_with_every_row(patient, diary):
    body = str(chart_table(_spec(patient))["body"])
    assert body.count("<tr>") == len(diary)
    assert body.startswith('<tr><th scope="row">30 Dec 2025</th><td>7</td>')
    assert "<td>Vivid dreams (mild)</td>" in body
