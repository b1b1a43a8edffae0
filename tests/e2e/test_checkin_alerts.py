"""A severe side effect on a phone: the urgent advice is seen at once, and the clinician is alerted.

The patient saves a check-in at 390 px with a mild headache and a severe allergic reaction;
after the htmx swap the result is focused and the urgent card is in the viewport, above the
routine one. The clinician she shares with finds the alert first on the dashboard and
acknowledges it. Screenshots go to ``test-results/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_urgent_card_first, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_urgent_advice_in_view_after_save_and_the_clinician_alerted(live_server, browser, page, patient, clinician,
                                                                    password):
    from ldncare.web.access.models import Grant
    from ldncare.web.alerts.models import Alert

    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/checkin/")
    page.get_by_label("Dose (mg)").fill("1.5")
    page.get_by_text("Side effects today?").click()
    page.get_by_label("Headache").select_option("mild")
    page.get_by_label("Allergic reaction").select_option("severe")
    page.get_by_role("button", name="Save check-in").click()

    assert_urgent_card_first(page, "Allergic reaction", "ldncare has alerted Lin Chen",
                             screenshot=ARTIFACTS / "checkin-urgent-390.png")

    # The clinician: the alert is first on the dashboard; acknowledging it clears it.
    doctor = browser.new_context(viewport={"width": 1280, "height": 900})
    dpage = doctor.new_page()
    sign_in(dpage, base, clinician.username, password)
    dpage.goto(base + "/clinic/")
    needs = dpage.get_by_role("region", name="Needs your action: 1 report")
    expect(needs).to_contain_text("Allergic reaction (severe)")
    dpage.screenshot(path=str(ARTIFACTS / "clinic-alert-1280.png"), full_page=True)
    needs.get_by_role("button", name="Acknowledge").click()
    expect(dpage.get_by_text("Acknowledged: Allergic reaction (severe)")).to_be_visible()
    expect(dpage.get_by_role("region", name="Needs your action: 1 report")).to_have_count(0)
    assert Alert.objects.get(recipient=clinician).acknowledged_by_id == clinician.pk
    doctor.close()
