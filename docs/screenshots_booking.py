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

from _shots import WIDTH, launch_browser, serve_site, shot, sign_in  # docs/_shots.py


def main() -> int:
    base, server = serve_site(demo=True)
    from django.contrib.auth import get_user_model
    from playwright.sync_api import sync_playwright

    from ldncare.web.booking.models import Booking, Slot
    from ldncare.web.demo.services import DEMO_PASSWORD

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        visitor = browser.new_page(viewport={"width": WIDTH, "height": 900})
        visitor.goto(base + "/schedule-a-call/")
        shot(visitor, "booking-schedule-a-call.png")
        visitor.get_by_role("button", name="Send my request").click()
        shot(visitor, "booking-schedule-a-call-errors.png")
        visitor.get_by_label("Your name").fill("Vic Visitor")
        visitor.get_by_label("E-mail").fill("vic@example.org")
        visitor.get_by_label("When suits you").fill("weekday mornings")
        visitor.get_by_role("button", name="Send my request").click()
        shot(visitor, "booking-schedule-a-call-sent.png")

        patient = sign_in(browser, base, "demo-nonresponder", DEMO_PASSWORD)
        patient.goto(base + "/calls/")
        shot(patient, "booking-calls-patient.png")
        free = Slot.objects.exclude(bookings__status="booked").order_by("start_at").first()
        Booking.objects.create(slot=free, patient=get_user_model().objects.get(username="demo-trial"))
        patient.locator(f"form[action='/calls/slots/{free.uuid}/book/'] button").click()
        patient.wait_for_url(base + "/calls/")
        shot(patient, "booking-just-taken.png")

        responder = sign_in(browser, base, "demo-responder", DEMO_PASSWORD)
        responder.goto(base + "/calls/")
        responder.get_by_role("link", name="Move").first.click()
        shot(responder, "booking-move.png")

        clinician = sign_in(browser, base, "demo-clinician", DEMO_PASSWORD)
        clinician.goto(base + "/calls/")
        shot(clinician, "booking-calls-clinician.png")

        pharmacist = sign_in(browser, base, "demo-pharmacist", DEMO_PASSWORD)
        pharmacist.goto(base + "/pharmacy/trials/")
        shot(pharmacist, "demo-trial-keys-pharmacist.png")
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
