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
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
WIDTH, MAX_HEIGHT = 1200, 2000


def _shot(page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    page.screenshot(path=str(OUT / name), clip={"x": 0, "y": 0, "width": WIDTH, "height": height}, full_page=True)
    print(f"wrote docs/img/{name}")


def _sign_in(browser, base: str, username: str, password: str):
    page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="ldncare-shots-")
    os.environ["LDNCARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/shots.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldncare.web.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from waitress import create_server

    from ldncare.web.demo.services import DEMO_PASSWORD, demo_clinic_create
    from ldncare.web.wsgi import application

    call_command("migrate", verbosity=0)
    demo_clinic_create()
    patient = get_user_model().objects.get(username="demo-nonresponder")
    server = create_server(application, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    threading.Thread(target=server.run, daemon=True).start()

    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("LDNCARE_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        doctor = _sign_in(browser, base, "demo-clinician", DEMO_PASSWORD)
        doctor.goto(base + "/clinic/")
        _shot(doctor, "care-clinic-alerts.png")
        doctor.goto(f"{base}/patients/{patient.public_id}/plan/")
        doctor.get_by_label("Protocol", exact=True).select_option("trust")
        doctor.get_by_label("First day", exact=True).fill((dt.date.today() + dt.timedelta(days=1)).isoformat())
        doctor.get_by_label("Time of day", exact=True).fill("22:00")
        doctor.get_by_role("button", name="Preview the steps and the day").click()
        doctor.get_by_role("region", name="Preview (not saved)").wait_for()
        _shot(doctor, "care-plan-preview.png")
        doctor.get_by_role("button", name="Build and save the plan").click()
        doctor.wait_for_url(f"{base}/patients/{patient.public_id}/")
        doctor.goto(f"{base}/patients/{patient.public_id}/prescribe/")
        _shot(doctor, "care-prescribe.png")
        doctor.get_by_label("Preparation").select_option("liquid")
        doctor.get_by_role("button", name="Send the prescription").click()
        doctor.wait_for_url(f"{base}/patients/{patient.public_id}/")
        doctor.goto(f"{base}/patients/{patient.public_id}/trial/")
        doctor.get_by_role("button", name="Design the trial").click()
        _shot(doctor, "care-trial-design.png")
        doctor.goto(f"{base}/patients/{patient.public_id}/report/")
        _shot(doctor, "care-visit-report.png")

        pharmacist = _sign_in(browser, base, "demo-pharmacist", DEMO_PASSWORD)
        pharmacist.goto(base + "/pharmacy/queue/")
        _shot(pharmacist, "care-pharmacy-queue.png")
        pharmacist.get_by_role("link", name="Noah Bennett").first.click()
        _shot(pharmacist, "care-pharmacy-worksheet.png")
        pharmacist.goto(base + "/pharmacy/trials/")
        pharmacist.get_by_role("link").filter(has_text="Noah Bennett").first.click()
        _shot(pharmacist, "care-pharmacy-trial-key.png")

        own = _sign_in(browser, base, "demo-nonresponder", DEMO_PASSWORD)
        own.goto(base + "/me/trial/")
        _shot(own, "care-patient-trial.png")
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
