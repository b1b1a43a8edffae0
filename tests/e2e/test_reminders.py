"""The reminders page on a phone (390 px) and at 1280 px: a patient sets her reminders and zone."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from ldncare.web.notify.models import ReminderSettings

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("LDNCARE_SHOTS_DIR")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_patient_sets_her_reminders_from_account(live_server, page, patient, password, width):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server.url, patient.username, password)
    page.goto(live_server.url + "/accounts/security/")
    page.get_by_role("link", name="Check-in and dose reminders").click()
    expect(page.get_by_role("heading", name="Reminders", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your time zone").fill("Asia/Tokyo")
    page.get_by_label("Check-in reminder").fill("20:30")
    page.get_by_label("E-mail").check()
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Reminders saved.")).to_be_visible()
    saved = ReminderSettings.objects.get(user=patient)
    assert saved.checkin_time.strftime("%H:%M") == "20:30"
    assert saved.channels == ["email"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reminders-{width}.png", full_page=True)
    # a bad zone is said next to the field, and nothing changes
    page.get_by_label("Your time zone").fill("Nowhere/Land")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Not a time zone name")).to_be_visible()
    patient.refresh_from_db()
    assert patient.time_zone == "Asia/Tokyo"
