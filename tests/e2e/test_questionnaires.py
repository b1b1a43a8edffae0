"""Questionnaires in the browser (issue 19), at 390 px and 1280 px: the patient answers the PROMIS
Pain Interference 4a form (nothing pre-selected; a blank question is an error) and sees the T-score
in the message and the history; no sideways scroll. Screenshots go to ``test-results/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_patient_answers_a_promis_form_and_sees_the_t_score(live_server, browser, page, patient, password):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.viewport_size["width"] == 390
    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/questionnaires/")
    assert_accessible(page)
    page.get_by_role("link", name="Answer now").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PROMIS Short Form v1.0 - Pain Interference 4a")
    assert page.locator("input[type=radio]:checked").count() == 0
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    groups = page.get_by_role("group")
    for number, answer in ((0, "A little bit"), (1, "Somewhat"), (2, "Not at all")):
        groups.nth(number).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("alert").first).to_contain_text("the score needs every question answered")
    page.get_by_role("group").nth(3).get_by_label("Quite a bit", exact=True).check()
    page.screenshot(path=str(ARTIFACTS / "questionnaire-form-390.png"), full_page=True)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("status").filter(has_text="T-score")).to_contain_text(
        "T-score 58.5 (SE 1.8), raw score 10, mild.")
    expect(page.locator("#q-promis_pain_interference_4a table")).to_contain_text("58.5")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "questionnaires-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "questionnaires-1280.png"), full_page=True)
