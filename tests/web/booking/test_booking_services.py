"""Booking services: who may book, cancel, move; ICS; and no double booking under concurrency.

The concurrency tests run real threads against the real database (``transaction=True``):
on SQLite (WAL, ``BEGIN IMMEDIATE``) and on PostgreSQL
(``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest tests/web/booking``).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from icalendar import Calendar

from ldncare.web.access.models import AuditEvent
from ldncare.web.booking import services
from ldncare.web.booking.models import Booking, Slot


def test_patient_books_a_slot_of_their_clinician_and_gets_an_ics_invitation(booking_world, make_request,
                                                                             django_capture_on_commit_callbacks):
    w = booking_world
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["slots"][0])
    assert booking.status == "booked"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert set(sent.to) == {w["patient"].email, w["clinician"].email}
    name, content, mimetype = sent.attachments[0]
    assert name == "call.ics"
    assert mimetype.startswith("text/calendar")
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert event.decoded("dtstart") == w["slots"][0].start_at
    assert str(event["uid"]) == f"{booking.uuid}@ldncare"
    audit = AuditEvent.objects.filter(object_type="booking", action="create").get()
    assert audit.subject_id == w["patient"].pk
    assert audit.object_id == str(booking.uuid)


def test_a_colleague_of_the_patients_clinician_is_bookable_an_outsider_is_not(booking_world, make_request):
    w = booking_world
    services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["colleague_slot"])
    with pytest.raises(PermissionDenied):
        services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["outsider_slot"])
    with pytest.raises(PermissionDenied):  # shares with nobody
        services.booking_create(request=make_request(w["lonely"]), patient=w["lonely"], slot=w["slots"][1])
    with pytest.raises(PermissionDenied):  # not a patient
        services.booking_create(request=make_request(w["pharmacist"]), patient=w["pharmacist"], slot=w["slots"][1])
    denied = AuditEvent.objects.filter(object_type="booking", outcome="denied")
    assert denied.count() == 3


def test_a_revoked_grant_ends_booking(booking_world, make_request):
    from ldncare.web.access.models import Grant

    w = booking_world
    Grant.objects.filter(patient=w["patient"]).update(revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["slots"][0])


def test_second_booking_of_a_slot_gets_the_clear_message(booking_world, make_request):
    w = booking_world
    services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["slots"][0])
    with pytest.raises(services.SlotTakenError) as exc:
        services.booking_create(request=make_request(w["stranger"]), patient=w["stranger"], slot=w["slots"][0])
    assert exc.value.message == "This time was just taken — please choose another."


def test_the_database_refuses_a_second_active_booking_but_keeps_history(booking_world):
    w = booking_world
    slot = w["slots"][0]
    Booking.objects.create(slot=slot, patient=w["patient"], status="cancelled")
    Booking.objects.create(slot=slot, patient=w["patient"], status="moved")
    Booking.objects.create(slot=slot, patient=w["patient"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, patient=w["stranger"])


def test_cancel_frees_the_slot_and_sends_a_cancellation(booking_world, make_request, django_capture_on_commit_callbacks):
    w = booking_world
    booking = services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=w["slots"][0])
    with pytest.raises(PermissionDenied):
        services.booking_cancel(request=make_request(w["stranger"]), user=w["stranger"], booking=booking)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(request=make_request(w["clinician"]), user=w["clinician"], booking=booking)
    cal = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert str(cal["method"]) == "CANCEL"
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    with pytest.raises(ValidationError):
        services.booking_cancel(request=make_request(w["patient"]), user=w["patient"], booking=booking)
    services.booking_create(request=make_request(w["stranger"]), patient=w["stranger"], slot=w["slots"][0])


def test_move_is_all_or_nothing(booking_world, make_request):
    w = booking_world
    r = make_request(w["patient"])
    mine = services.booking_create(request=r, patient=w["patient"], slot=w["slots"][0])
    services.booking_create(request=make_request(w["stranger"]), patient=w["stranger"], slot=w["slots"][1])
    with pytest.raises(services.SlotTakenError):
        services.booking_move(request=r, patient=w["patient"], booking=mine, slot=w["slots"][1])
    mine.refresh_from_db()
    assert mine.status == "booked"  # the old time is kept when the new one is taken
    new = services.booking_move(request=r, patient=w["patient"], booking=mine, slot=w["slots"][2])
    mine.refresh_from_db()
    assert (mine.status, mine.moved_to_id, new.slot_id) == ("moved", new.pk, w["slots"][2].pk)
    services.booking_create(request=make_request(w["stranger"]), patient=w["stranger"], slot=w["slots"][0])


def test_past_slots_cannot_be_booked(booking_world, make_request):
    w = booking_world
    past = Slot.objects.create(clinician=w["clinician"], start_at=timezone.now() - dt.timedelta(hours=1),
                               end_at=timezone.now() - dt.timedelta(minutes=40))
    with pytest.raises(ValidationError):
        services.booking_create(request=make_request(w["patient"]), patient=w["patient"], slot=past)


def test_bulk_slots_follow_the_pattern_and_skip_existing(booking_world, make_request):
    w = booking_world
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    pattern = services.SlotPattern(first_date=monday, last_date=monday + dt.timedelta(days=6), weekdays=(0, 2),
                                   day_start=dt.time(9), day_end=dt.time(10), minutes=20)
    created = services.slots_create_bulk(request=make_request(w["colleague"]), clinician=w["colleague"], pattern=pattern)
    assert len(created) == 6  # 2 days x 3 calls
    assert {timezone.localtime(s.start_at).weekday() for s in created} == {0, 2}
    assert services.slots_create_bulk(request=make_request(w["colleague"]), clinician=w["colleague"], pattern=pattern) == []
    with pytest.raises(PermissionDenied):
        services.slots_create_bulk(request=make_request(w["patient"]), clinician=w["patient"], pattern=pattern)
    for bad in ({"minutes": 2}, {"day_end": dt.time(8)}, {"weekdays": ()}, {"last_date": monday - dt.timedelta(days=1)},
                {"last_date": monday + dt.timedelta(days=400)}):
        with pytest.raises(ValidationError):
            services.SlotPattern(**{**pattern.__dict__, **bad}).starts()


def _race(world, make_request, patients, slot):
    """Every patient books ``slot`` at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(patients))
    results: dict[str, str] = {}

    def attempt(p):
        try:
            barrier.wait(timeout=10)
            services.booking_create(request=make_request(p), patient=p, slot=slot)
            results[p.username] = "booked"
        except services.SlotTakenError as exc:
            results[p.username] = exc.message
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion
            results[p.username] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _many_patients(world, django_user_model, n):
    from ldncare.web.access.models import Grant

    patients = [world["patient"], world["stranger"]]
    for i in range(n - 2):
        p = django_user_model.objects.create_user(username=f"racer{i}", password="x" * 12, role="patient")
        Grant.objects.create(patient=p, kind="clinician", clinician=world["clinician"], accepted_at=timezone.now())
        patients.append(p)
    return patients


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_one_wins(booking_world, make_request, django_user_model):
    w = booking_world
    patients = _many_patients(w, django_user_model, 4)
    results = _race(w, make_request, patients, w["slots"][0])
    assert sorted(results.values()).count("booked") == 1, results
    assert [v for v in results.values() if v != "booked"] == [services.SLOT_TAKEN_MESSAGE] * 3, results
    assert Booking.objects.filter(slot=w["slots"][0], status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_without_the_precheck_the_constraint_decides(booking_world, make_request, django_user_model,
                                                                       monkeypatch):
    """The pre-check is a courtesy: with it disabled, the constraint alone still lets one win."""
    w = booking_world
    monkeypatch.setattr(services, "_slot_is_held", lambda slot: False)
    patients = _many_patients(w, django_user_model, 4)
    results = _race(w, make_request, patients, w["slots"][1])
    assert list(results.values()).count("booked") == 1, results
    assert [v for v in results.values() if v != "booked"] == [services.SLOT_TAKEN_MESSAGE] * 3, results
    assert Booking.objects.filter(slot=w["slots"][1], status="booked").count() == 1
