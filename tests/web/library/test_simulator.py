"""The simulator page: the core's result, its bounds, charts by the bundled uPlot, and no 500s."""

from __future__ import annotations

import json

import pytest

from ldncare.core.pharmacology import daily_at, load_parameters, simulate
from ldncare.core.pharmacology.regimen import MAX_DOSE_MG

pytestmark = pytest.mark.django_db

PARAMS = {"dose_mg": "4.5", "time": "22:00", "form": "ir", "weight_kg": "70", "hepatic": "none",
          "scenario": "compromise", "days": "3"}


def test_default_page_simulates_and_draws(client):
    r = client.get("/simulator/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<h1") == 1
    assert 'src="/static/vendor/uplot/uPlot.iife.min.js"' in html
    assert 'src="/static/ldncare/charts.js"' in html
    assert "plotly" not in html.lower()
    assert "cdn" not in html.lower()
    for chart in ("chart-conc", "chart-occ", "chart-rebound"):
        assert f'id="{chart}"' in html
        assert f'<script id="{chart}-data" type="application/json">' in html


def test_default_scenario_is_the_validated_one_and_all_three_are_compared(client):
    r = client.get("/simulator/")
    assert r.context["scenario"] == "compromise"
    html = " ".join(r.content.decode().split())
    assert '<option value="compromise" selected>' in html
    assert "under all three scenarios" in html
    assert "none fits every published target" in html
    rows = {row["scenario"]: row for row in r.context["compared"]}
    assert set(rows) == {"fast", "compromise", "slow"}
    assert rows["compromise"]["default"]
    assert "compromise (default), charted" in html
    assert "No plasma" not in html


def test_result_is_the_cores_result(client):
    r = client.get("/simulator/", PARAMS)
    assert r.status_code == 200
    expected = simulate(daily_at(4.5, "22:00", days=3, form="ir"), scenario="compromise").daily_rows()
    assert [row["day"] for row in r.context["rows"]] == [1, 2, 3]
    assert r.context["result"]["daily"] == expected
    figures = json.loads(json.dumps(r.context["figures"]))  # what json_script embeds
    assert [f["id"] for f in figures] == ["chart-conc", "chart-occ", "chart-rebound"]
    assert max(figures[0]["series"][0]["values"]) == pytest.approx(max(row["ntx_cmax_ng_per_ml"] for row in expected), rel=1e-3)


def test_hypotheses_and_parameter_provenance_are_shown(client):
    html = client.get("/simulator/", PARAMS).content.decode()
    assert html.count("<strong>HYPOTHESIS:</strong>") == 2  # rebound and TLR4
    assert "HYPOTHESIS: endorphin rebound index" in html
    for p in load_parameters():
        assert f'class="status-{p.status}"' in html
        for src in p.sources:
            assert f'href="{src.url}"'.replace("&", "&amp;") in html


def test_sr_form_carries_its_label(client):
    html = client.get("/simulator/", PARAMS | {"form": "sr"}).content.decode()
    assert "SR = commercial SR tablet" in html


@pytest.mark.parametrize(("field", "value"), [
    ("dose_mg", "0"), ("dose_mg", "-1"), ("dose_mg", str(MAX_DOSE_MG + 1)), ("dose_mg", "abc"), ("dose_mg", "nan"),
    ("dose_mg", "inf"), ("time", "25:00"), ("time", "noon"), ("form", "xr"), ("weight_kg", "2"),
    ("weight_kg", "301"), ("hepatic", "bad"), ("scenario", "medium"), ("days", "0"), ("days", "366"),
    ("days", "1.5"), ("dose_mg", "9" * 400),
])
def test_out_of_bounds_input_is_a_form_error(client, field, value):
    r = client.get("/simulator/", PARAMS | {field: value})
    assert r.status_code == 422
    assert r.context["form"].errors
    assert 'class="field-errors"' in r.content.decode() or 'class="form-errors"' in r.content.decode()


def test_the_maximum_dose_is_accepted(client):
    assert client.get("/simulator/", PARAMS | {"dose_mg": str(MAX_DOSE_MG), "days": "1"}).status_code == 200


def test_missing_fields_take_their_defaults(client):
    r = client.get("/simulator/", {"dose_mg": "1.5", "days": "2"})
    assert r.status_code == 200
    assert r.context["result"]["regimen"]["weight_kg"] == 70


def test_browser_time_with_seconds_is_accepted(client):
    assert client.get("/simulator/", PARAMS | {"time": "08:30:00"}).status_code == 200


def test_lines_differ_by_dash_and_marker_not_colour_only(client):
    figures = client.get("/simulator/", PARAMS).context["figures"]
    for figure in figures:
        looks = [(tuple(s["dash"]), s["marker"]) for s in figure["series"]]
        assert len(set(looks)) == len(looks), figure["id"]
        assert all(len(s["values"]) == len(figure["x"]) for s in figure["series"])


def test_plotly_is_no_longer_served(client):
    assert client.get("/simulator/plotly.min.js").status_code == 404


def test_errors_are_tied_to_their_fields_for_screen_readers(client):
    html = client.get("/simulator/", PARAMS | {"dose_mg": "0"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_dose_mg_helptext id_dose_mg_error"' in html
    assert 'id="id_dose_mg_error"' in html
    assert 'id="id_dose_mg_helptext"' in html
