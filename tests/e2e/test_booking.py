"""Booking in a real browser: two patients book the same time at once, a visitor asks for a call.

Two browser contexts (two people, two sessions) press "Book" on the same slot without
waiting for each other; the server answers one with the booking and the other with the
clear message, and the database holds exactly one booking.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TAKEN = "This time was just taken — please choose another."


@pytest.mark.django_db(transaction=True)
def test_two_patients_book_the_same_slot_at_once(live_server, browser, patient, stranger, clinician, password):
    from ldncare.web.access.models import Grant
    from ldncare.web.booking.models import Booking, Slot

    for p in (patient, stranger):
        Grant.objects.create(patient=p, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slot = Slot.objects.create(clinician=clinician, start_at=start, end_at=start + dt.timedelta(minutes=20))
    base = live_server.url
    contexts = [browser.new_context(viewport={"width": 390, "height": 844}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for page, user in zip(pages, (patient, stranger), strict=True):
            sign_in(page, base, user.username, password)
            page.goto(base + "/calls/")
        buttons = [p.locator(f"form[action='/calls/slots/{slot.uuid}/book/'] button") for p in pages]
        for button in buttons:
            button.wait_for()
        for button in buttons:  # both submit before either answer arrives
            button.click(no_wait_after=True)
        texts = []
        for page in pages:
            page.wait_for_url(base + "/calls/")
            page.locator(".messages").wait_for()
            texts.append(page.locator(".messages").inner_text())
        assert sum("Booked:" in t for t in texts) == 1, texts
        assert sum(TAKEN in t for t in texts) == 1, texts
        assert Booking.objects.filter(slot=slot, status="booked").count() == 1
        winner = pages[[("Booked:" in t) for t in texts].index(True)]
        assert_accessible(winner, "/calls/")
        winner.get_by_role("link", name="Move").click()
        winner.get_by_role("heading", name="Move your call").wait_for()
        assert_accessible(winner, "move")
    finally:
        for c in contexts:
            c.close()


@pytest.mark.django_db(transaction=True)
def test_visitor_asks_for_a_call_and_sees_the_confirmation(live_server, page):
    from ldncare.web.booking.models import ConsultationRequest

    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Schedule a call").click()
    assert_accessible(page, "/schedule-a-call/")
    assert page.locator("#id_website").bounding_box()["x"] < 0  # the honeypot is off-screen
    page.get_by_role("button", name="Send my request").click()  # empty: clear errors, nothing stored
    page.get_by_text("This field is required.").first.wait_for()
    page.get_by_label("Your name").fill("Vic Visitor")
    page.get_by_label("When suits you").fill("weekday mornings")
    page.get_by_label("What would you like to talk about? (optional)").fill("Starting LDN for fibromyalgia")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_text("Give an e-mail address or a phone number").wait_for()
    assert page.get_by_label("What would you like to talk about? (optional)").input_value() == "Starting LDN for fibromyalgia"
    page.get_by_label("E-mail").fill("vic@example.org")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_role("heading", name="Thank you — your request is received").wait_for()
    item = ConsultationRequest.objects.get()
    assert item.reference in page.locator("main").inner_text()
    assert item.email == "vic@example.org"


def test_clinician_publishes_times_in_the_browser(live_server, page, clinician, password):
    from ldncare.web.booking.models import Slot

    base = live_server.url
    sign_in(page, base, clinician.username, password)
    page.get_by_role("link", name="Calls").click()
    assert_accessible(page, "/calls/ (clinician)")
    day = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("From").fill(day.isoformat())
    page.get_by_label("Until (inclusive)").fill(day.isoformat())
    for box in page.locator("input[name=weekdays]").all():
        box.check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published 9 new times.").wait_for()
    assert Slot.objects.filter(clinician=clinician).count() == 9
