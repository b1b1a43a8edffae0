"""The discovery chart on 'What goes with my good days?' in a real browser (issue 19), at 390 px and
1280 px, as the patient and as the clinician she shares with: the chart is visible with no sideways
scroll, focusing a point reads out its day, the arrow keys move between days and the buttons switch
between the same day and the day before. Screenshots go to /tmp/chart-shots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.web.tracking.diaries import enter_diary

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOTS = Path("/tmp/chart-shots")
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def walking_patient(db, patient):
    from django.utils import timezone

    enter_diary(patient, 60, start=timezone.localdate() - dt.timedelta(days=60))
    return patient


def _check_chart(page, width: int, name: str):
    chart = page.locator("figure.scatter").first
    expect(chart).to_be_visible()
    plot = chart.locator("svg.scatter-plot:visible")
    expect(plot).to_be_visible()
    box = plot.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # focusing a point reads its day out under the chart; the arrow keys move to the next day
    readout = chart.locator(".scatter-view:visible [data-readout]")
    first = plot.locator("circle.pt").first
    first.focus()
    expect(first).to_be_focused()
    label = first.get_attribute("aria-label")
    assert "Walk" in label
    assert "pain" in label
    expect(readout).to_have_text(label)
    page.keyboard.press("ArrowRight")
    second = plot.locator("circle.pt").nth(1)
    expect(second).to_be_focused()
    expect(readout).to_have_text(second.get_attribute("aria-label"))
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}-{width}-chart.png"))

    # the same walk against the next day's pain
    chart.get_by_role("button", name="the day before").click()
    expect(chart.get_by_role("button", name="the day before")).to_have_attribute("aria-pressed", "true")
    day_before = chart.locator(".scatter-view[data-lag='1']")
    expect(day_before).to_be_visible()
    expect(chart.locator(".scatter-view[data-lag='0']")).to_be_hidden()
    expect(day_before).to_contain_text("On days after “Walk”")
    day_before.locator("circle.pt").first.focus()
    expect(day_before.locator("[data-readout]")).to_contain_text(" on ")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(SHOTS / f"{name}-{width}-day-before.png"))
    chart.get_by_role("button", name="the same day").click()
    page.screenshot(path=str(SHOTS / f"{name}-{width}-full.png"), full_page=True)
    assert_accessible(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_patient_reads_her_discovery_on_the_chart(live_server, browser, walking_patient, password, width):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = sign_in(context.new_page(), live_server.url, walking_patient.username, password)
    page.goto(live_server.url + "/me/insights/")
    expect(page.locator(".discoveries li").first).to_contain_text("On days with “Walk”, pain was")
    _check_chart(page, width, "patient")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_clinician_sees_the_same_chart_with_consent(live_server, browser, walking_patient, clinician, password, width):
    from django.utils import timezone

    from ldncare.web.access.models import Grant

    Grant.objects.create(patient=walking_patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = sign_in(context.new_page(), live_server.url, clinician.username, password)
    page.goto(f"{live_server.url}/patients/{walking_patient.public_id}/insights/")
    expect(page.get_by_role("heading", name="What goes with Patty")).to_be_visible()
    _check_chart(page, width, "clinician")
    context.close()
