"""The patient's journey in a real browser, and consent seen from a clinician's side.

A patient signs up, onboards (and sees the contraindication for tramadol), logs three days
on a phone-sized screen, and sees the chart; a clinician cannot open the record without
consent, can after redeeming the patient's code, and cannot after the patient withdraws it.
Screenshots of the check-in and progress pages go to ``test-results/`` (and, with
``LDNCARE_DOCS_SCREENSHOTS=1``, to ``docs/img/`` for the user guide).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-results"
DOCS_IMG = ROOT / "docs" / "img"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if os.environ.get("LDNCARE_DOCS_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=True)


def test_patient_journey_and_consent(live_server, browser, page, clinician, password):
    base = live_server.url
    # Sign up.
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Username").fill("jo")
    page.get_by_label("Email").fill("jo@example.org")
    page.get_by_label("Password", exact=True).fill("a long pass phrase 42")
    page.get_by_label("Password confirmation").fill("a long pass phrase 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base + "/me/onboarding/")

    # Onboard: fibromyalgia, tramadol → contraindication explained.
    page.get_by_label("Fibromyalgia").check()
    page.get_by_label("Medicines you take").fill("tramadol 50 mg\nvitamin D")
    page.get_by_role("button", name="Save and check").click()
    findings = page.get_by_role("region", name="What the safety check found")
    findings.wait_for()
    text = findings.inner_text()
    assert "Do not combine" in text
    assert "tramadol" in text.lower()
    assert "What to ask your prescriber" in text
    shot(page, "onboarding")

    # Three days of check-ins (the oldest two edited as past days), by keyboard and score buttons.
    today = dt.date.fromisoformat(page.evaluate("new Date().toISOString().slice(0, 10)"))
    for offset, pain in ((2, "7"), (1, "6"), (0, "4")):
        day = today - dt.timedelta(days=offset)
        page.goto(f"{base}/me/checkin/{day.isoformat()}/")
        page.get_by_label("Dose (mg)").fill("1.5")
        assert page.get_by_label("I took my LDN dose").is_checked()
        page.get_by_label("Time taken").fill("22:00")
        page.get_by_role("group", name="Pain").get_by_label(pain, exact=True).check()
        if offset == 0:
            page.get_by_text("Side effects today?").click()
            page.get_by_label("Vivid dreams").select_option("mild")
            shot(page, "checkin")
        page.get_by_role("button", name="Save check-in").click()
        page.locator("#saved-status").wait_for()
    advice = page.get_by_role("region", name="About the side effects you reported")
    assert "Vivid dreams" in advice.inner_text()

    # Progress: the chart is drawn.
    page.goto(base + "/me/progress/")
    chart = page.locator("#progress-chart")
    expect(chart).to_have_class(re.compile("chart-ready"))  # charts.js drew it with uPlot
    expect(chart.locator("canvas")).to_have_count(1)
    assert page.get_by_role("heading", name="Is it working for me?").is_visible()
    shot(page, "progress")

    # Invite a clinician.
    page.goto(base + "/me/sharing/")
    page.get_by_role("button", name="Create an invitation code").click()
    code = page.locator("#invite-code").inner_text().strip()
    public_id = page.evaluate("fetch('/api/v1/me').then(r => r.json()).then(b => b.id)")
    shot(page, "sharing")

    # A clinician without consent cannot open the record; with it can; after revocation cannot.
    doctor = browser.new_context(viewport={"width": 1200, "height": 900})
    dpage = doctor.new_page()
    sign_in(dpage, base, clinician.username, password)
    record = f"{base}/patients/{public_id}/"
    assert dpage.goto(record).status == 404
    dpage.goto(base + "/clinic/")
    dpage.get_by_label("Invitation code from your patient").fill(code)
    dpage.get_by_role("button", name="Open the record").click()
    dpage.get_by_role("link", name="jo").click()
    dpage.get_by_role("heading", name="Record of jo").wait_for()
    expect(dpage.locator("#progress-chart canvas")).to_be_visible()

    page.goto(base + "/me/sharing/")
    page.get_by_role("button", name="Withdraw access").first.click()
    page.get_by_text("Access withdrawn").wait_for()
    assert dpage.goto(record).status == 404

    # The patient sees who looked.
    page.goto(base + "/me/access-log/")
    log = page.get_by_role("table").inner_text()
    assert "dr_chen (clinician)" in log
    assert "Denied" in log
    doctor.close()
