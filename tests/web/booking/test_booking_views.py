"""Booking pages: publishing, booking with the clear message when taken, moving, the visitors' request."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from ldncare.web.booking.models import Booking, ConsultationRequest, Slot
from ldncare.web.booking.services import REQUESTS_PER_HOUR_PER_ADDRESS, SLOT_TAKEN_MESSAGE


def test_patient_sees_free_slots_and_books_one(client, booking_world):
    w = booking_world
    client.force_login(w["patient"])
    page = client.get("/calls/").content.decode()
    assert f"/calls/slots/{w['slots'][0].uuid}/book/" in page
    assert str(w["colleague_slot"].uuid) in page
    assert str(w["outsider_slot"].uuid) not in page
    response = client.post(f"/calls/slots/{w['slots'][0].uuid}/book/", follow=True)
    assert "Booked:" in response.content.decode()
    booking = Booking.objects.get(patient=w["patient"])
    assert f"/calls/{booking.uuid}/invitation.ics" in response.content.decode()


def test_a_taken_slot_answers_with_the_clear_message(client, booking_world):
    w = booking_world
    Booking.objects.create(slot=w["slots"][0], patient=w["stranger"])
    client.force_login(w["patient"])
    response = client.post(f"/calls/slots/{w['slots'][0].uuid}/book/", follow=True)
    assert SLOT_TAKEN_MESSAGE in response.content.decode()
    assert not Booking.objects.filter(patient=w["patient"]).exists()


def test_patient_moves_and_cancels_and_downloads_the_invitation(client, booking_world):
    w = booking_world
    booking = Booking.objects.create(slot=w["slots"][0], patient=w["patient"])
    client.force_login(w["patient"])
    ics = client.get(f"/calls/{booking.uuid}/invitation.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert client.post(f"/calls/{booking.uuid}/move/", {"slot": "not-a-slot"}).status_code == 422
    client.post(f"/calls/{booking.uuid}/move/", {"slot": str(w["slots"][2].uuid)})
    new = Booking.objects.get(patient=w["patient"], status="booked")
    assert new.slot == w["slots"][2]
    client.post(f"/calls/{new.uuid}/cancel/")
    assert not Booking.objects.filter(patient=w["patient"], status="booked").exists()


def test_clinician_publishes_times_in_bulk(client, booking_world):
    w = booking_world
    client.force_login(w["colleague"])
    day = timezone.localdate() + dt.timedelta(days=10)
    data = {"first_date": day.isoformat(), "last_date": day.isoformat(), "weekdays": [day.weekday()],
            "day_start": "14:00", "day_end": "15:00", "minutes": "30"}
    response = client.post("/calls/slots/", data, follow=True)
    assert "Published 2 new times." in response.content.decode()
    assert Slot.objects.filter(clinician=w["colleague"]).count() == 3
    bad = client.post("/calls/slots/", {**data, "day_end": "13:00"})
    assert bad.status_code == 422
    assert "end of the day" in bad.content.decode()


def test_visitor_request_is_stored_then_confirmed(client, booking_world, django_capture_on_commit_callbacks):
    from ldncare.web.accounts.models import Practice

    practice = Practice.objects.get(name="Booking Practice")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/schedule-a-call/", {"practice": practice.pk, "name": "Vic Visitor", "phone": "+44 113 496 0000",
                                                      "preferred_times": "Tuesday after 4 pm", "message": "About LDN"},
                               follow=True)
    item = ConsultationRequest.objects.get()
    assert item.preferred_times == "Tuesday after 4 pm"
    assert item.practice == practice
    assert item.reference in response.content.decode()
    assert "request is received" in response.content.decode()
    assert mail.outbox
    assert "colleague@example.org" in mail.outbox[0].to


def test_visitor_request_errors_keep_what_was_typed(client, db):
    response = client.post("/schedule-a-call/", {"name": "Vic", "preferred_times": "mornings", "message": "keep me"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "Give an e-mail address or a phone number" in body
    assert "keep me" in body
    assert client.post("/schedule-a-call/", {"name": "Bot", "email": "b@example.org", "preferred_times": "x",
                                             "website": "http://spam"}).status_code == 422
    assert not ConsultationRequest.objects.exists()


def test_visitor_requests_are_rate_limited_per_address(client, db):
    data = {"name": "Vic", "email": "v@example.org", "preferred_times": "mornings"}
    for _ in range(REQUESTS_PER_HOUR_PER_ADDRESS):
        assert client.post("/schedule-a-call/", data).status_code == 302
    response = client.post("/schedule-a-call/", data)
    assert response.status_code == 429
    assert "wait an hour" in response.content.decode()
    assert ConsultationRequest.objects.count() == REQUESTS_PER_HOUR_PER_ADDRESS


def test_clinician_of_the_practice_marks_a_request_answered(client, booking_world):
    from ldncare.web.accounts.models import Practice

    w = booking_world
    practice = Practice.objects.get(name="Booking Practice")
    item = ConsultationRequest.objects.create(practice=practice, name="Vic", email="v@example.org", preferred_times="any")
    client.force_login(w["outsider"])  # another practice: the request does not exist for them
    assert client.post(f"/calls/requests/{item.uuid}/answered/").status_code == 404
    client.force_login(w["colleague"])
    assert "Mark the request of Vic as answered" in client.get("/calls/").content.decode()
    response = client.post(f"/calls/requests/{item.uuid}/answered/", follow=True)
    assert f"Request {item.reference} marked as answered." in response.content.decode()
    item.refresh_from_db()
    assert item.handled_at is not None
    again = client.post(f"/calls/requests/{item.uuid}/answered/", follow=True)
    assert "already marked as answered" in again.content.decode()


def test_call_times_are_shown_in_each_persons_zone_and_say_which(client, booking_world):
    from ldncare.web.accounts.zones import local_time_text

    w = booking_world
    w["patient"].time_zone = "Asia/Tokyo"
    w["patient"].save(update_fields=["time_zone"])
    booking = Booking.objects.create(slot=w["slots"][0], patient=w["patient"])
    client.force_login(w["patient"])
    page = client.get("/calls/").content.decode()
    import zoneinfo

    tokyo = local_time_text(booking.slot.start_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo in page
    assert tokyo.endswith("JST (Asia/Tokyo)")
    client.force_login(w["clinician"])  # the clinician's zone: UTC
    assert local_time_text(booking.slot.start_at, zoneinfo.ZoneInfo("UTC")) in client.get("/calls/").content.decode()


def test_moving_a_call_picks_a_day_then_its_times(client, booking_world):
    w = booking_world
    from ldncare.web.booking.models import Slot

    later = w["slots"][0].start_at + dt.timedelta(days=5)
    far = Slot.objects.create(clinician=w["clinician"], start_at=later, end_at=later + dt.timedelta(minutes=20))
    booking = Booking.objects.create(slot=w["slots"][0], patient=w["patient"])
    client.force_login(w["patient"])
    page = client.get(f"/calls/{booking.uuid}/move/").content.decode()
    assert page.count('type="radio"') == 3  # the first day's other times (2 + the colleague's), not every time
    assert f'value="{timezone.localdate(later).isoformat()}"' in page
    page = client.get(f"/calls/{booking.uuid}/move/", {"day": timezone.localdate(later).isoformat()}).content.decode()
    assert page.count('type="radio"') == 1
    assert str(far.uuid) in page
