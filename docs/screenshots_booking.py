"""Regenerate the screenshots of booking a call and of the demo clinic in ``docs/img/``.

Usage (from the checkout)::

    .venv/bin/python docs/screenshots_booking.py

It migrates a throw-away SQLite database in a temporary directory (your ``var/`` data is
not touched), creates the demo clinic (synthetic data), serves the site with waitress on a
free local port and drives Debian's Chromium (``/usr/bin/chromium`` or ``$LDNCARE_CHROMIUM``)
with Playwright. The "just taken" picture is real: another demo patient books the time in
the database between the page being shown and the button being pressed.
"""

from __future__ import annotations

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

    from ldncare.web.booking.models import Booking, Slot
    from ldncare.web.demo.services import DEMO_PASSWORD, demo_clinic_create
    from ldncare.web.wsgi import application

    call_command("migrate", verbosity=0)
    demo_clinic_create()
    server = create_server(application, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    threading.Thread(target=server.run, daemon=True).start()

    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("LDNCARE_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        visitor = browser.new_page(viewport={"width": WIDTH, "height": 900})
        visitor.goto(base + "/schedule-a-call/")
        _shot(visitor, "booking-schedule-a-call.png")
        visitor.get_by_role("button", name="Send my request").click()
        _shot(visitor, "booking-schedule-a-call-errors.png")
        visitor.get_by_label("Your name").fill("Vic Visitor")
        visitor.get_by_label("E-mail").fill("vic@example.org")
        visitor.get_by_label("When suits you").fill("weekday mornings")
        visitor.get_by_role("button", name="Send my request").click()
        _shot(visitor, "booking-schedule-a-call-sent.png")

        patient = _sign_in(browser, base, "demo-nonresponder", DEMO_PASSWORD)
        patient.goto(base + "/calls/")
        _shot(patient, "booking-calls-patient.png")
        free = Slot.objects.exclude(bookings__status="booked").order_by("start_at").first()
        Booking.objects.create(slot=free, patient=get_user_model().objects.get(username="demo-trial"))
        patient.locator(f"form[action='/calls/slots/{free.uuid}/book/'] button").click()
        patient.wait_for_url(base + "/calls/")
        _shot(patient, "booking-just-taken.png")

        responder = _sign_in(browser, base, "demo-responder", DEMO_PASSWORD)
        responder.goto(base + "/calls/")
        responder.get_by_role("link", name="Move").first.click()
        _shot(responder, "booking-move.png")

        clinician = _sign_in(browser, base, "demo-clinician", DEMO_PASSWORD)
        clinician.goto(base + "/calls/")
        _shot(clinician, "booking-calls-clinician.png")

        pharmacist = _sign_in(browser, base, "demo-pharmacist", DEMO_PASSWORD)
        pharmacist.goto(base + "/pharmacy/trials/")
        _shot(pharmacist, "demo-trial-keys-pharmacist.png")
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
