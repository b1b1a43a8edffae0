"""The home page in a real browser: content, disclaimer, keyboard access, sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_explains_ldncare_with_a_disclaimer(live_server, page):
    page.goto(live_server.url + "/")
    assert page.title().startswith("Low-dose naltrexone")
    assert page.get_by_role("heading", name="ldncare", level=1).is_visible()
    assert page.get_by_role("note").inner_text().startswith("Not medical advice.")
    for who in ("Patients", "Prescribers", "Compounding pharmacists"):
        assert page.get_by_role("heading", name=who).is_visible()


def test_skip_link_is_first_in_keyboard_order(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"


def test_patient_signs_in_from_the_home_page(live_server, page, patient, password):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username").fill(patient.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    assert "Signed in as patty (Patient)" in page.content()


def test_wrong_password_shows_a_form_error(live_server, page, patient):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(patient.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert "correct username and password" in page.get_by_role("alert").first.inner_text()
