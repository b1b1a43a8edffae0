"""Regenerate the screenshots of the clinician's and the pharmacist's pages in ``docs/img/``.

Usage (from the checkout)::

    .venv/bin/python docs/screenshots_care_team.py

Like ``docs/screenshots_booking.py``: a throw-away SQLite database in a temporary directory,
the demo clinic (synthetic data), waitress on a free local port, Debian's Chromium through
Playwright. The clinician previews a plan, sends a prescription and designs a blinded trial
for the demo non-responder; the pharmacist opens the queue, the worksheet and the key.
"""

from __future__ import annotations

import datetime as dt
import sys

from _shots import launch_browser, serve_site, shot, sign_in  # docs/_shots.py


def main() -> int:
    base, server = serve_site(demo=True)
    from django.contrib.auth import get_user_model
    from playwright.sync_api import sync_playwright

    from ldncare.web.demo.services import DEMO_PASSWORD

    patient = get_user_model().objects.get(username="demo-nonresponder")
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        doctor = sign_in(browser, base, "demo-clinician", DEMO_PASSWORD)
        doctor.goto(base + "/clinic/")
        shot(doctor, "care-clinic-alerts.png")
        doctor.goto(f"{base}/patients/{patient.public_id}/plan/")
        doctor.get_by_label("Protocol", exact=True).select_option("trust")
        doctor.get_by_label("First day", exact=True).fill((dt.date.today() + dt.timedelta(days=1)).isoformat())
        doctor.get_by_label("Time of day", exact=True).fill("22:00")
        doctor.get_by_role("button", name="Preview the steps and the day").click()
        doctor.get_by_role("region", name="Preview (not saved)").wait_for()
        shot(doctor, "care-plan-preview.png")
        doctor.get_by_role("button", name="Build and save the plan").click()
        doctor.wait_for_url(f"{base}/patients/{patient.public_id}/")
        doctor.goto(f"{base}/patients/{patient.public_id}/prescribe/")
        shot(doctor, "care-prescribe.png")
        doctor.get_by_label("Preparation").select_option("liquid")
        doctor.get_by_role("button", name="Send the prescription").click()
        doctor.wait_for_url(f"{base}/patients/{patient.public_id}/")
        doctor.goto(f"{base}/patients/{patient.public_id}/trial/")
        doctor.get_by_role("button", name="Design the trial").click()
        shot(doctor, "care-trial-design.png")
        doctor.goto(f"{base}/patients/{patient.public_id}/report/")
        shot(doctor, "care-visit-report.png")

        pharmacist = sign_in(browser, base, "demo-pharmacist", DEMO_PASSWORD)
        pharmacist.goto(base + "/pharmacy/queue/")
        shot(pharmacist, "care-pharmacy-queue.png")
        pharmacist.get_by_role("link", name="Noah Bennett").first.click()
        shot(pharmacist, "care-pharmacy-worksheet.png")
        pharmacist.goto(base + "/pharmacy/trials/")
        pharmacist.get_by_role("link").filter(has_text="Noah Bennett").first.click()
        shot(pharmacist, "care-pharmacy-trial-key.png")

        own = sign_in(browser, base, "demo-nonresponder", DEMO_PASSWORD)
        own.goto(base + "/me/trial/")
        shot(own, "care-patient-trial.png")
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
