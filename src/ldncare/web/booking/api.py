"""Booking in the JSON API: ``/api/v1/booking/slots`` and ``/api/v1/booking/bookings``.

Same rules as the pages: the policy decides who sees which slot and booking (invisible →
404), a contested slot answers 409 with the one error shape and the message
"This time was just taken — please choose another."
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ldncare.web import policy
from ldncare.web.accounts.models import Role
from ldncare.web.booking import services
from ldncare.web.booking.models import Booking

router = Router(tags=["booking"])
CHANNEL = "api"


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class SlotOut(Schema):
    id: uuid_module.UUID
    clinician: str
    start_at: dt.datetime
    end_at: dt.datetime
    free: bool


class SlotsIn(Schema):
    """Publish slots in bulk: every ``weekdays`` day (0 = Monday) from ``first_date`` to ``last_date``."""

    model_config = ConfigDict(extra="forbid")
    first_date: dt.date
    last_date: dt.date
    weekdays: list[int] = Field(..., min_length=1, max_length=7)
    day_start: dt.time
    day_end: dt.time
    minutes: int = Field(..., ge=5, le=240)


class BookingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slot_id: uuid_module.UUID


class BookingOut(Schema):
    id: uuid_module.UUID
    slot_id: uuid_module.UUID
    clinician: str
    patient: str
    start_at: dt.datetime
    end_at: dt.datetime
    status: str


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _slot_out(slot, free: bool) -> dict:
    return {"id": slot.uuid, "clinician": _name(slot.clinician), "start_at": slot.start_at, "end_at": slot.end_at,
            "free": free}


def _booking_out(b: Booking) -> dict:
    return {"id": b.uuid, "slot_id": b.slot.uuid, "clinician": _name(b.slot.clinician), "patient": _name(b.patient),
            "start_at": b.slot.start_at, "end_at": b.slot.end_at, "status": b.status}


def _error(code: int, detail: str):
    return Status(code, {"detail": detail, "errors": []})


def _messages(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@router.get("/booking/slots", response=list[SlotOut], summary="Future slots: the ones you may book, or your own")
def list_slots(request):
    slots = policy.slots_visible_to(request.user).filter(start_at__gt=timezone.now()).prefetch_related("bookings")
    return [_slot_out(s, not any(b.status == Booking.Status.BOOKED for b in s.bookings.all())) for s in slots[:500]]


@router.post("/booking/slots", response={201: list[SlotOut], 403: ErrorOut, 422: ErrorOut},
             summary="Publish slots in bulk (clinicians)")
def create_slots(request, payload: SlotsIn):
    if request.user.role != Role.CLINICIAN:
        return _error(403, "Only clinicians publish times for calls.")
    pattern = services.SlotPattern(**payload.dict(exclude={"weekdays"}), weekdays=tuple(payload.weekdays))
    try:
        created = services.slots_create_bulk(request=request, clinician=request.user, pattern=pattern, channel=CHANNEL)
    except ValidationError as exc:
        return Status(422, {"detail": _messages(exc), "errors": []})
    return Status(201, [_slot_out(s, True) for s in created])


@router.get("/booking/bookings", response=list[BookingOut], summary="Your booked, cancelled and moved calls")
def list_bookings(request):
    return [_booking_out(b) for b in policy.bookings_visible_to(request.user)[:500]]


@router.post("/booking/bookings", response={201: BookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Book a slot (patients); 409 if it was just taken")
def create_booking(request, payload: BookingIn):
    if request.user.role != Role.PATIENT:
        return _error(403, "Only patients book calls.")
    slot = policy.get_slot_or_404(request.user, payload.slot_id)
    try:
        booking = services.booking_create(request=request, patient=request.user, slot=slot, channel=CHANNEL)
    except services.SlotTakenError as exc:
        return _error(409, exc.message)
    except PermissionDenied as exc:
        return _error(403, str(exc))
    except ValidationError as exc:
        return _error(422, _messages(exc))
    return Status(201, _booking_out(booking))


@router.post("/booking/bookings/{booking_id}/cancel", response={200: BookingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Cancel a booked call (the patient or the clinician)")
def cancel_booking(request, booking_id: uuid_module.UUID):
    booking = policy.get_booking_or_404(request.user, booking_id)
    try:
        booking = services.booking_cancel(request=request, user=request.user, booking=booking, channel=CHANNEL)
    except PermissionDenied as exc:
        return _error(403, str(exc))
    except ValidationError as exc:
        return _error(422, _messages(exc))
    return _booking_out(booking)


@router.post("/booking/bookings/{booking_id}/move", response={200: BookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Move a booked call to another slot (patients); 409 if that slot was just taken")
def move_booking(request, booking_id: uuid_module.UUID, payload: BookingIn):
    booking = policy.get_booking_or_404(request.user, booking_id)
    if request.user.role != Role.PATIENT:
        return _error(403, "Only the patient moves a call.")
    slot = policy.get_slot_or_404(request.user, payload.slot_id)
    try:
        new = services.booking_move(request=request, patient=request.user, booking=booking, slot=slot, channel=CHANNEL)
    except services.SlotTakenError as exc:
        return _error(409, exc.message)
    except PermissionDenied as exc:
        return _error(403, str(exc))
    except ValidationError as exc:
        return _error(422, _messages(exc))
    return _booking_out(new)


@router.get("/booking/bookings/{booking_id}/ics", response={200: None, 404: ErrorOut},
            summary="The call as an iCalendar invitation (text/calendar)")
def booking_ics(request, booking_id: uuid_module.UUID):
    booking = policy.get_booking_or_404(request.user, booking_id)
    response = HttpResponse(services.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ldn-call-{str(booking.uuid)[:8]}.ics"'
    return response
