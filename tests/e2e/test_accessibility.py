"""Accessibility checks in the browser: every control has a label, images have text, keyboard works."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ldncare.web.record.models import CheckIn

from .conftest import assert_accessible

pytestmark = pytest.mark.e2e



def test_patient_pages_label_every_control(live_server, page, patient, password):
    CheckIn.objects.create(patient=patient, date=dt.date.today() - dt.timedelta(days=1), ldn_dose_mg=1.5,
                           dose_time=dt.time(22), pain_score=5)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(patient.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    for path in ("/me/onboarding/", "/me/checkin/", "/me/progress/", "/me/plan/", "/me/sharing/", "/me/data/",
                 "/accounts/signup/", "/accounts/tokens/"):
        page.goto(live_server.url + path)
        assert_accessible(page, path)


def test_check_in_works_with_the_keyboard_alone(live_server, page, patient, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(patient.username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/me/checkin/")
    pain = page.get_by_role("group", name="Pain")
    pain.get_by_label("Not recorded").focus()  # a new day starts with no score
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # the radio group moves by keyboard: not recorded → 0 → … → 4
    expect(pain.get_by_label("4", exact=True)).to_be_checked()
    expect(page.locator("#id_pain_score-out")).to_have_text("4")
    page.get_by_role("button", name="Save check-in").focus()
    page.keyboard.press("Enter")
    page.locator("#saved-status").wait_for()
    assert CheckIn.objects.get(patient=patient).pain_score == 4
