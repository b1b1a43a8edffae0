"""Booking services (HackSoft style): keyword-only, atomic, audited, policy-checked.

No double booking, even under concurrent requests: :func:`booking_create` inserts the
booking inside ``transaction.atomic()``; the database's partial unique index (one *booked*
booking per slot) refuses the second insert, and the ``IntegrityError`` becomes
:class:`SlotTakenError` with a message for people. The friendly pre-check before the insert
is only for the common, non-concurrent case; the constraint is the guarantee.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from ldncare.web import policy
from ldncare.web.access.audit import audit, client_ip
from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.models import Role
from ldncare.web.accounts.zones import local_time_text, user_zone
from ldncare.web.booking.models import Booking, ConsultationRequest, Slot

__all__ = [
    "MAX_SLOTS_PER_REQUEST",
    "REQUESTS_PER_HOUR_PER_ADDRESS",
    "REQUESTS_PER_HOUR_TOTAL",
    "SLOT_TAKEN_MESSAGE",
    "RateLimitedError",
    "SlotPattern",
    "SlotTakenError",
    "booking_cancel",
    "booking_create",
    "booking_ics",
    "booking_move",
    "consultation_request_create",
    "consultation_request_handle",
    "slots_create_bulk",
]

log = logging.getLogger(__name__)

SLOT_TAKEN_MESSAGE = "This time was just taken — please choose another."
MAX_SLOTS_PER_REQUEST = 500
REQUESTS_PER_HOUR_PER_ADDRESS = 5
REQUESTS_PER_HOUR_TOTAL = 200
ALLOWED = AuditEvent.Outcome.ALLOWED


class SlotTakenError(Exception):
    """Someone else holds this slot (found by the pre-check or by the database constraint)."""

    def __init__(self, message: str = SLOT_TAKEN_MESSAGE):
        super().__init__(message)
        self.message = message


class RateLimitedError(Exception):
    """Too many consultation requests from one address (or in total) in the last hour."""


@dataclass(frozen=True)
class SlotPattern:
    """Slots of ``minutes`` each between ``day_start`` and ``day_end`` on ``weekdays`` (0 = Monday)
    of every date from ``first_date`` to ``last_date``, in the server's time zone."""

    first_date: dt.date
    last_date: dt.date
    weekdays: tuple[int, ...]
    day_start: dt.time
    day_end: dt.time
    minutes: int

    def starts(self) -> list[tuple[dt.datetime, dt.datetime]]:
        if self.last_date < self.first_date:
            raise ValidationError("The last date must not be before the first date.")
        if not 5 <= self.minutes <= 240:
            raise ValidationError("A call lasts 5 to 240 minutes.")
        if self.day_end <= self.day_start:
            raise ValidationError("The end of the day must be after its start.")
        if not self.weekdays or any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValidationError("Choose at least one weekday (0 = Monday … 6 = Sunday).")
        if (self.last_date - self.first_date).days > 366:
            raise ValidationError("Publish at most one year at a time.")
        zone = timezone.get_current_timezone()
        out = []
        day = self.first_date
        while day <= self.last_date:
            if day.weekday() in self.weekdays:
                start = dt.datetime.combine(day, self.day_start, tzinfo=zone)
                day_end = dt.datetime.combine(day, self.day_end, tzinfo=zone)
                while start + dt.timedelta(minutes=self.minutes) <= day_end:
                    out.append((start, start + dt.timedelta(minutes=self.minutes)))
                    start += dt.timedelta(minutes=self.minutes)
            day += dt.timedelta(days=1)
        if len(out) > MAX_SLOTS_PER_REQUEST:
            raise ValidationError(f"That makes {len(out)} slots; publish at most {MAX_SLOTS_PER_REQUEST} at a time.")
        return out


@transaction.atomic
def slots_create_bulk(*, request, clinician, pattern: SlotPattern, channel: str = "web") -> list[Slot]:
    """Publish the future slots of ``pattern`` for ``clinician``; existing starts are skipped."""
    if getattr(clinician, "role", None) != Role.CLINICIAN:
        raise PermissionDenied("only clinicians publish times for calls")
    now = timezone.now()
    wanted = [(s, e) for s, e in pattern.starts() if s > now]
    taken = set(Slot.objects.filter(clinician=clinician, start_at__in=[s for s, _ in wanted])
                .values_list("start_at", flat=True))
    created = Slot.objects.bulk_create(
        [Slot(clinician=clinician, start_at=s, end_at=e) for s, e in wanted if s not in taken])
    audit(request, subject=None, object_type="slot", object_id=f"{len(created)} slots", action="create",
          outcome=ALLOWED, channel=channel)
    return created


def _check_bookable(request, patient, slot: Slot, channel: str) -> None:
    if getattr(patient, "role", None) != Role.PATIENT or not policy.can_book(patient, slot.clinician):
        audit(request, subject=patient, object_type="booking", object_id=str(slot.uuid), action="create",
              outcome=AuditEvent.Outcome.DENIED, channel=channel)
        raise PermissionDenied("You can book calls only with clinicians you share your record with, or their practice.")
    if slot.start_at <= timezone.now():
        raise ValidationError("This time has passed — please choose another.")


def _slot_is_held(slot: Slot) -> bool:
    """The friendly pre-check (not the guarantee: two requests can both pass it)."""
    return Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).exists()


def _insert_booking(*, patient, slot: Slot, sequence: int = 0) -> Booking:
    """Insert a booked booking; the database constraint decides who gets a contested slot."""
    if _slot_is_held(slot):
        raise SlotTakenError()
    try:
        with transaction.atomic():  # a savepoint: the failed insert leaves the outer transaction usable
            return Booking.objects.create(slot=slot, patient=patient, sequence=sequence)
    except IntegrityError:
        raise SlotTakenError() from None


def booking_create(*, request, patient, slot: Slot, channel: str = "web") -> Booking:
    """Book ``slot`` for ``patient``; raises :class:`SlotTakenError` if someone holds it."""
    _check_bookable(request, patient, slot, channel)  # outside the transaction: a denial stays audited
    with transaction.atomic():
        booking = _insert_booking(patient=patient, slot=slot)
        audit(request, subject=patient, object_type="booking", object_id=str(booking.uuid), action="create",
              outcome=ALLOWED, channel=channel)
        transaction.on_commit(lambda: _send_invitation(booking, "REQUEST"))
    return booking


def booking_cancel(*, request, user, booking: Booking, channel: str = "web") -> Booking:
    """Cancel a booked call (the patient, or the clinician whose slot it is)."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot", "slot__clinician", "patient").get(pk=booking.pk)
        if user.pk not in {booking.patient_id, booking.slot.clinician_id}:
            raise PermissionDenied("Only the patient or the clinician can cancel this call.")
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError("This call is not booked any more.")
        booking.status = Booking.Status.CANCELLED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated_at"])
        audit(request, subject=booking.patient, object_type="booking", object_id=str(booking.uuid), action="update",
              outcome=ALLOWED, channel=channel)
        transaction.on_commit(lambda: _send_invitation(booking, "CANCEL"))
    return booking


def booking_move(*, request, patient, booking: Booking, slot: Slot, channel: str = "web") -> Booking:
    """Move a booked call to another slot, all or nothing: if the new slot is taken, the old stays."""
    if booking.patient_id != patient.pk:
        raise PermissionDenied("Only the patient can move this call.")
    _check_bookable(request, patient, slot, channel)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot", "slot__clinician").get(pk=booking.pk)
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError("This call is not booked any more.")
        if slot.pk == booking.slot_id:
            raise ValidationError("That is the time you already have.")
        booking.status = Booking.Status.MOVED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated_at"])
        new = _insert_booking(patient=patient, slot=slot)
        booking.moved_to = new
        booking.save(update_fields=["moved_to"])
        audit(request, subject=patient, object_type="booking", object_id=str(booking.uuid), action="update",
              outcome=ALLOWED, channel=channel)
        audit(request, subject=patient, object_type="booking", object_id=str(new.uuid), action="create",
              outcome=ALLOWED, channel=channel)
        transaction.on_commit(lambda: (_send_invitation(booking, "CANCEL"), _send_invitation(new, "REQUEST")))
    return new


def booking_ics(booking: Booking, *, method: str | None = None) -> bytes:
    """The call as an iCalendar invitation (``METHOD:REQUEST``), or its cancellation (``CANCEL``)."""
    from icalendar import Calendar, Event, vCalAddress, vText

    method = method or ("REQUEST" if booking.status == Booking.Status.BOOKED else "CANCEL")
    slot, clinician, patient = booking.slot, booking.slot.clinician, booking.patient
    cal = Calendar()
    cal.add("prodid", "-//ldncare//booking//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"{booking.uuid}@ldncare")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.start_at)
    event.add("dtend", slot.end_at)
    name = clinician.get_full_name() or clinician.get_username()
    event.add("summary", f"LDN call with {name}")
    event.add("description", "A call booked on ldncare. Not medical advice outside the consultation.")
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    organizer = vCalAddress(f"mailto:{clinician.email or 'noreply@localhost'}")
    organizer.params["cn"] = vText(name)
    event["organizer"] = organizer
    if patient.email:
        attendee = vCalAddress(f"mailto:{patient.email}")
        attendee.params["cn"] = vText(patient.get_full_name() or patient.get_username())
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def _send_invitation(booking: Booking, method: str) -> None:
    """E-mail the invitation (or cancellation) to patient and clinician; a mail failure never loses the booking."""
    booking = Booking.objects.select_related("slot", "slot__clinician", "patient").get(pk=booking.pk)
    recipients = [u.email for u in (booking.patient, booking.slot.clinician) if u.email]
    if not recipients:
        return
    # Each person reads the time in their own zone (accounts.zones): the patient's first, the clinician's if different.
    zones = dict.fromkeys(user_zone(u) for u in (booking.patient, booking.slot.clinician))
    when = " = ".join(local_time_text(booking.slot.start_at, zone) for zone in zones)
    subject = f"LDN call {'booked' if method == 'REQUEST' else 'cancelled'}: {when}"
    message = EmailMessage(subject=subject, body=(
        f"Your call on {when} ({booking.slot.minutes} minutes) is "
        f"{'booked' if method == 'REQUEST' else 'cancelled'}. The calendar file is attached.\n\n"
        "Manage your calls on ldncare under 'Calls'."), to=recipients)
    message.attach("call.ics", booking_ics(booking, method=method), f"text/calendar; method={method}")
    try:
        message.send()
    except OSError:
        log.exception("could not e-mail the invitation for booking %s", booking.uuid)


def consultation_request_create(*, request, practice, name: str, email: str, phone: str, preferred_times: str,
                                message: str) -> ConsultationRequest:
    """Store a visitor's request (rate-limited per address and in total), then notify the practice."""
    ip = client_ip(request)
    since = timezone.now() - dt.timedelta(hours=1)
    with transaction.atomic():
        recent = ConsultationRequest.objects.filter(created_at__gte=since)
        if ip and recent.filter(ip_address=ip).count() >= REQUESTS_PER_HOUR_PER_ADDRESS:
            raise RateLimitedError("You have sent several requests in the last hour. Please wait an hour, or call the practice.")
        if recent.count() >= REQUESTS_PER_HOUR_TOTAL:
            raise RateLimitedError("We are receiving many requests right now. Please try again in an hour.")
        item = ConsultationRequest.objects.create(practice=practice, name=name, email=email, phone=phone,
                                                  preferred_times=preferred_times, message=message, ip_address=ip)
        transaction.on_commit(lambda: _notify_practice(item))
    return item


def consultation_request_handle(*, request, clinician, item: ConsultationRequest) -> ConsultationRequest:
    """A clinician of the request's practice marks it answered (once; the time is kept)."""
    if getattr(clinician, "role", None) != Role.CLINICIAN or not clinician.practice_id \
            or item.practice_id != clinician.practice_id:
        raise PermissionDenied("Only a clinician of the chosen practice answers this request.")
    with transaction.atomic():
        updated = ConsultationRequest.objects.filter(pk=item.pk, handled_at__isnull=True).update(handled_at=timezone.now())
        audit(request, subject=None, object_type="consultation_request", object_id=item.reference, action="update",
              outcome=ALLOWED)
    item.refresh_from_db()
    if not updated:
        raise ValidationError("This request was already marked as answered.")
    return item


def _notify_practice(item: ConsultationRequest) -> None:
    if item.practice is None:
        return
    recipients = list(item.practice.clinicians.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    if not recipients:
        return
    try:
        EmailMessage(subject=f"New consultation request {item.reference}", body=(
            f"{item.name} asks for a call (preferred: {item.preferred_times}). "
            "Sign in to ldncare and open 'Calls' to read it."), to=recipients).send()
    except OSError:
        log.exception("could not e-mail the consultation request %s", item.reference)
