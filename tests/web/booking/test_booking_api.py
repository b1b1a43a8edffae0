"""``/api/v1/booking``: list, book (409 with the clear message when taken), move, cancel, ICS."""

from __future__ import annotations

import json

from ldncare.web.booking.models import Booking
from ldncare.web.booking.services import SLOT_TAKEN_MESSAGE


def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_book_move_cancel_through_the_api(client, booking_world):
    w = booking_world
    client.force_login(w["patient"])
    slots = client.get("/api/v1/booking/slots").json()
    assert {s["id"] for s in slots} == {str(s.uuid) for s in [*w["slots"], w["colleague_slot"]]}
    created = _post(client, "/api/v1/booking/bookings", {"slot_id": str(w["slots"][0].uuid)})
    assert created.status_code == 201
    booking_id = created.json()["id"]
    moved = _post(client, f"/api/v1/booking/bookings/{booking_id}/move", {"slot_id": str(w["slots"][1].uuid)})
    assert moved.status_code == 200
    assert moved.json()["slot_id"] == str(w["slots"][1].uuid)
    ics = client.get(f"/api/v1/booking/bookings/{moved.json()['id']}/ics")
    assert b"BEGIN:VCALENDAR" in ics.content
    cancelled = _post(client, f"/api/v1/booking/bookings/{moved.json()['id']}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    again = _post(client, f"/api/v1/booking/bookings/{moved.json()['id']}/cancel", {})
    assert again.status_code == 422
    assert again.json()["detail"]


def test_a_taken_slot_answers_409_in_the_one_error_shape(client, booking_world):
    w = booking_world
    Booking.objects.create(slot=w["slots"][0], patient=w["stranger"])
    client.force_login(w["patient"])
    response = _post(client, "/api/v1/booking/bookings", {"slot_id": str(w["slots"][0].uuid)})
    assert response.status_code == 409
    assert response.json() == {"detail": SLOT_TAKEN_MESSAGE, "errors": []}


def test_bad_input_answers_422_and_invisible_slots_404(client, booking_world):
    w = booking_world
    client.force_login(w["patient"])
    bad = _post(client, "/api/v1/booking/bookings", {"slot_id": "nope"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][-1] == "slot_id"
    assert _post(client, "/api/v1/booking/bookings", {"slot_id": str(w["outsider_slot"].uuid)}).status_code == 404


def test_clinician_publishes_slots_through_the_api(client, booking_world):
    w = booking_world
    client.force_login(w["outsider"])
    body = {"first_date": "2099-03-02", "last_date": "2099-03-02", "weekdays": [0], "day_start": "09:00",
            "day_end": "10:00", "minutes": 30}
    response = _post(client, "/api/v1/booking/slots", body)
    assert response.status_code == 201
    assert len(response.json()) == 2
    assert _post(client, "/api/v1/booking/slots", {**body, "day_end": "08:00"}).status_code == 422
