"""'Something else?' on a phone (issue 13): a red flag typed in the patient's own words is triaged
as free text, its urgent card is in view after Save, before the routine one, and the clinician
reads the patient's words first on the dashboard. Screenshots go to ``test-results/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_urgent_card_first, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_a_typed_red_flag_is_in_view_after_save_and_reaches_the_clinician(live_server, browser, page, patient,
                                                                          clinician, password):
    from ldncare.web.access.models import Grant
    from ldncare.web.alerts.models import Alert

    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.viewport_size["width"] == 390

    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/checkin/")
    page.get_by_text("Side effects today?").click()
    page.get_by_label("Headache").select_option("mild")
    # Words without a severity: the error is next to the field, nothing is saved.
    page.get_by_label("Something else? Describe it in your own words").fill("crushing chest pain")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator(".field-errors", has_text="Say how bad it is")).to_be_visible()
    assert not Alert.objects.exists()
    page.get_by_label("How bad is it?").select_option("moderate")
    page.get_by_role("button", name="Save check-in").click()

    assert_urgent_card_first(page, "“crushing chest pain” (moderate): Get urgent medical care",
                             "ldncare has alerted Lin Chen", screenshot=ARTIFACTS / "checkin-symptom-urgent-390.png")

    doctor = browser.new_context(viewport={"width": 1280, "height": 900})
    dpage = doctor.new_page()
    sign_in(dpage, base, clinician.username, password)
    dpage.goto(base + "/clinic/")
    needs = dpage.get_by_role("region", name="Needs your action: 1 report")
    expect(needs).to_contain_text("In the patient's words: “crushing chest pain”")
    dpage.screenshot(path=str(ARTIFACTS / "clinic-symptom-alert-1280.png"), full_page=True)
    alert = Alert.objects.get(recipient=clinician)
    assert (alert.kind, alert.level, alert.reported_text) == ("symptom_text", "urgent_care", "crushing chest pain")
    doctor.close()


def test_a_typed_red_flag_saved_offline_gets_advice_at_once_and_alerts_when_sent(live_server, page, patient,
                                                                                clinician, password):
    from ldncare.web.access.models import Grant
    from ldncare.web.alerts.models import Alert
    from ldncare.web.record.models import CheckIn

    from .test_offline_checkin import _ready_for_offline

    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    base = live_server.url
    sign_in(page, base, patient.username, password)
    _ready_for_offline(page, base)
    page.context.set_offline(True)
    page.goto(base + "/me/checkin/")  # the offline check-in, from the service worker
    expect(page.locator("#offline-note")).to_be_visible()
    page.get_by_text("Side effects today?").click()
    page.get_by_label("Allergic reaction").select_option("severe")
    page.get_by_label("Something else? Describe it in your own words").fill("I vomited blood")
    page.get_by_label("How bad is it?").select_option("mild")
    page.get_by_role("button", name="Save check-in").click()
    cards = page.locator("#offline-saved article")
    expect(cards).to_have_count(2)
    # Most urgent first (ALERT_OUTCOMES order): the catalogue's urgent card, then the typed words' answer.
    expect(cards.nth(0)).to_have_class("finding level-urgent_care")
    expect(cards.nth(1)).to_contain_text("“I vomited blood” (mild): Contact your prescriber")
    expect(cards.nth(1)).to_contain_text("emergency")
    expect(cards.nth(0)).to_be_in_viewport()
    assert not Alert.objects.exists()

    page.context.set_offline(False)  # sent through the API: the server triages the words (red flag)
    expect(page.locator("[data-sync-status]")).to_be_hidden()
    saved = CheckIn.objects.get(patient=patient)
    assert (saved.symptom, saved.symptom_severity) == ("I vomited blood", "mild")
    assert sorted(Alert.objects.filter(recipient=clinician).values_list("kind", "level", "reported_text")) == [
        ("side_effect", "urgent_care", ""), ("symptom_text", "urgent_care", "I vomited blood")]
