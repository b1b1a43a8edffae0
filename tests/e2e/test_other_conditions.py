"""'Other condition' in the browser at 390 px and 1280 px: she types a condition not in the list on the
onboarding page, sees it on her conditions page; her clinician reads her words on the record.
Screenshots go to ``test-results/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_she_types_another_condition_and_her_clinician_reads_it(live_server, browser, page, patient, clinician,
                                                               password):
    from ldncare.web.access.models import Grant

    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/onboarding/")
    page.get_by_label("Fibromyalgia").check()
    page.get_by_label("Another condition, not in the list").fill("Hailey-Hailey disease")
    page.get_by_role("button", name="Save and check").click()
    expect(page.get_by_text("Saved. Here is what ldncare found.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(base + "/me/conditions/")
    expect(page.get_by_role("heading", name="Your other condition")).to_be_visible()
    expect(page.get_by_text("Hailey-Hailey disease")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "other-condition-390.png"), full_page=True)
    assert_accessible(page)

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(staff, base, clinician.username, password)
    staff.goto(f"{base}/patients/{patient.public_id}/")
    expect(staff.get_by_text("other (as she typed them): “Hailey-Hailey disease”")).to_be_visible()
    assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    staff.screenshot(path=str(ARTIFACTS / "other-condition-record-1280.png"))
    staff.context.close()
