"""Own outcomes and factors and 'What goes with my good days?' in the browser (issue 19), at 390 px
and 1280 px: she adds an outcome and a factor, the check-in asks for them (blank until entered),
and the insights page shows the discovery in words with no sideways scroll. Screenshots go to
``test-results/``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def _history(patient, walk, days: int = 70):
    from ldncare.web.record.models import CheckIn
    from ldncare.web.tracking.models import TrackedValue

    start = timezone.localdate() - dt.timedelta(days=days)
    for i in range(days):
        walked = bin(i * 2654435761 % 2**32).count("1") % 2
        checkin = CheckIn.objects.create(patient=patient, date=start + dt.timedelta(days=i),
                                         pain_score=max(0, min(10, 6 - 3 * walked + ((i * 37) % 7 - 3) // 2)))
        TrackedValue.objects.create(checkin=checkin, item=walk, value=Decimal(walked))


def test_own_items_in_the_checkin_and_the_insights_page(live_server, browser, page, patient, password):
    from ldncare.web.tracking.models import TrackedItem, TrackedValue

    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.viewport_size["width"] == 390
    sign_in(page, base, patient.username, password)

    page.goto(base + "/me/tracking/")
    page.get_by_label("What is it?").select_option("outcome")
    page.get_by_label("Name").fill("Brain fog")
    page.get_by_label("What 0 means").fill("clear")
    page.get_by_label("What 10 means").fill("can't think")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added Brain fog")).to_be_visible()
    page.get_by_label("What is it?").select_option("yes_no")
    page.get_by_label("Name").fill("Walk")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added Walk")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "tracking-manage-390.png"), full_page=True)
    assert_accessible(page)

    page.goto(base + "/me/checkin/")
    fog = page.get_by_role("group", name="Brain fog")
    expect(fog).to_contain_text("0 clear, 10 can't think")
    expect(fog.get_by_label("Not recorded")).to_be_checked()
    fog.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("group", name="Walk").get_by_role("radio", name="Yes").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("heading", name="Your own outcomes and factors").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "checkin-tracked-390.png"))
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Saved your check-in")).to_be_visible()
    stored = {v.item.slug: v.value for v in TrackedValue.objects.filter(checkin__patient=patient)}
    assert stored == {"brain_fog": Decimal(4), "walk": Decimal(1)}

    _history(patient, TrackedItem.objects.get(patient=patient, slug="walk"))
    page.goto(base + "/me/progress/")
    page.get_by_role("link", name="What goes with my good days?").click()
    expect(page.get_by_role("heading", name="What goes with my good days?")).to_be_visible()
    discovery = page.locator(".discoveries li").first
    expect(discovery).to_contain_text("On days with “Walk”, pain was")
    expect(discovery).to_contain_text("Association, not cause.")
    expect(discovery).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "insights-390.png"), full_page=True)
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.get_by_role("region", name="Everything tested, as a table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "insights-1280.png"), full_page=True)


OFFLINE_PAGE_KEPT = """() => caches.open('ldncare-pages').then(c => c.match('/me/checkin/offline/')).then(Boolean)"""


def test_own_items_entered_when_the_connection_drops_are_sent_with_the_day(live_server, page, patient, password):
    from ldncare.web.record.models import CheckIn
    from ldncare.web.tracking.models import TrackedItem, TrackedValue

    TrackedItem.objects.create(patient=patient, kind="outcome", slug="brain_fog", name="Brain fog")
    TrackedItem.objects.create(patient=patient, kind="count", slug="coffee_cups", name="Coffee cups")
    base = live_server.url
    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/checkin/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    page.wait_for_function(OFFLINE_PAGE_KEPT)
    page.context.set_offline(True)
    page.get_by_role("group", name="Brain fog").get_by_role("radio", name="6", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("[data-sync-status]")).to_contain_text("1 check-in waiting to be sent")
    page.context.set_offline(False)
    expect(page.locator("[data-sync-status]")).to_be_hidden()
    saved = CheckIn.objects.get(patient=patient)
    assert {v.item.slug: v.value for v in TrackedValue.objects.filter(checkin=saved)} == {"brain_fog": Decimal(6)}
