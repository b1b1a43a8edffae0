"""The simulator page draws its curves with the bundled uPlot (static/ldncare/charts.js)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_simulator_draws_curves(live_server, page):
    external = []
    page.on("request", lambda req: external.append(req.url) if not req.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/simulator/")
    page.get_by_label("Dose (mg naltrexone hydrochloride)").fill("3")
    page.get_by_label("Days of daily dosing").fill("3")
    page.get_by_label("Receptor-offset scenario").select_option("compromise")
    page.get_by_role("button", name="Simulate").click()
    page.wait_for_url(lambda url: "dose_mg=3" in url)
    for chart in ("#chart-conc", "#chart-occ", "#chart-rebound"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
        expect(page.locator(f"{chart}.chart-ready")).to_have_count(1)
    assert page.locator("#chart-occ .u-legend .u-series").count() == 4  # time, mu, kappa, delta
    # hovering the plot reads the values of that moment in the legend
    over = page.locator("#chart-occ .u-over")
    box = over.bounding_box()
    over.hover(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(page.locator("#chart-occ .u-legend .u-series").nth(1).locator(".u-value")).to_have_text(re.compile(r"^\d"))
    assert page.locator("table.daily tbody tr").count() == 3
    assert page.locator("h1").count() == 1
    assert external == []  # nothing from a CDN


def test_simulator_refuses_bad_input_with_a_message(live_server, page):
    response = page.goto(live_server.url + "/simulator/?dose_mg=0&time=22:00&form=ir&weight_kg=70&hepatic=none"
                         "&scenario=fast&days=3")
    assert response.status == 422
    assert "more than 0" in page.get_by_role("alert").first.inner_text()
    assert page.locator("#chart-conc").count() == 0
