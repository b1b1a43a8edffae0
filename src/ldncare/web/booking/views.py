"""Booking pages: publish times (clinicians), book, cancel or move a call (patients), and the
visitors' consultation request. Thin: every decision is in :mod:`.services` and the policy."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ldncare.web import policy
from ldncare.web.accounts.models import Role
from ldncare.web.booking import services
from ldncare.web.booking.forms import ConsultationRequestForm, SlotBulkForm
from ldncare.web.booking.models import Booking, ConsultationRequest

MAX_LISTED_SLOTS = 200


def roles_required(*roles: str):
    """Pages of some roles; anyone else signed in gets 404 (the page does not exist for them)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def open_slots_for(user, *, exclude=None):
    """Future slots ``user`` may book that nobody holds, soonest first."""
    slots = (policy.slots_visible_to(user).filter(start_at__gt=timezone.now())
             .exclude(bookings__status=Booking.Status.BOOKED))
    if exclude is not None:
        slots = slots.exclude(pk=exclude.pk)
    return list(slots[:MAX_LISTED_SLOTS])


@roles_required(Role.PATIENT, Role.CLINICIAN)
def calls(request, form: SlotBulkForm | None = None):
    now = timezone.now()
    bookings = policy.bookings_visible_to(request.user).filter(status=Booking.Status.BOOKED, slot__end_at__gt=now)
    context = {"bookings": list(bookings)}
    if request.user.role == Role.CLINICIAN:
        context["slot_form"] = form or SlotBulkForm(initial={"first_date": timezone.localdate(),
                                                             "last_date": timezone.localdate()})
        context["slots"] = list(policy.slots_visible_to(request.user).filter(start_at__gt=now)
                                .prefetch_related("bookings__patient")[:MAX_LISTED_SLOTS])
        practice_id = request.user.practice_id
        context["requests"] = list(ConsultationRequest.objects.filter(practice_id=practice_id)
                                   .order_by(F("handled_at").asc(nulls_first=True), "-created_at")[:50]) if practice_id else []
    else:
        context["open_slots"] = open_slots_for(request.user)
        context["can_book_anyone"] = policy.clinicians_bookable_by(request.user).exists()
    return render(request, "booking/calls.html", context, status=422 if form is not None else 200)


@roles_required(Role.CLINICIAN)
@require_POST
def slots_create(request):
    form = SlotBulkForm(request.POST)
    if not form.is_valid():
        return calls(request, form=form)
    pattern = services.SlotPattern(**{k: v for k, v in form.cleaned_data.items() if k != "weekdays"},
                                   weekdays=tuple(form.cleaned_data["weekdays"]))
    try:
        created = services.slots_create_bulk(request=request, clinician=request.user, pattern=pattern)
    except ValidationError as exc:
        form.add_error(None, exc)
        return calls(request, form=form)
    messages.success(request, f"Published {len(created)} new times." if created else
                     "No new times: they are in the past or already published.")
    return redirect("booking:calls")


@roles_required(Role.PATIENT)
@require_POST
def book(request, slot_uuid):
    slot = policy.get_slot_or_404(request.user, slot_uuid)
    try:
        services.booking_create(request=request, patient=request.user, slot=slot)
    except services.SlotTakenError as exc:
        messages.error(request, exc.message)
        return redirect("booking:calls")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("booking:calls")
    when = timezone.localtime(slot.start_at).strftime("%A %d %B, %H:%M")
    messages.success(request, f"Booked: {when} with {slot.clinician.get_full_name() or slot.clinician}. "
                     "The invitation is in your e-mail and below.")
    return redirect("booking:calls")


@roles_required(Role.PATIENT, Role.CLINICIAN)
@require_POST
def cancel(request, booking_uuid):
    booking = policy.get_booking_or_404(request.user, booking_uuid)
    try:
        services.booking_cancel(request=request, user=request.user, booking=booking)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "The call is cancelled; a cancellation was sent by e-mail.")
    return redirect("booking:calls")


@roles_required(Role.PATIENT)
def move(request, booking_uuid):
    booking = policy.get_booking_or_404(request.user, booking_uuid)
    if booking.status != Booking.Status.BOOKED:
        raise Http404("Not found")
    error = None
    if request.method == "POST":
        slot = policy.slots_visible_to(request.user).filter(uuid=request.POST.get("slot", "")[:36]).first() \
            if _is_uuid(request.POST.get("slot", "")) else None
        if slot is None:
            error = "Please choose one of the times listed."
        else:
            try:
                services.booking_move(request=request, patient=request.user, booking=booking, slot=slot)
            except services.SlotTakenError as exc:
                error = exc.message
            except (ValidationError, PermissionDenied) as exc:
                error = " ".join(getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(request, "Your call has moved; the new invitation was sent by e-mail.")
                return redirect("booking:calls")
    # A day first, then that day's times (in the person's zone): never a scroll through every free time.
    by_day: dict = {}
    for slot in open_slots_for(request.user, exclude=booking.slot):
        by_day.setdefault(timezone.localtime(slot.start_at).date(), []).append(slot)
    day = next(iter(by_day), None)
    try:
        asked = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        asked = None
    if asked in by_day:
        day = asked
    return render(request, "booking/move.html", {
        "booking": booking, "days": [(d, len(slots)) for d, slots in by_day.items()], "day": day,
        "day_slots": by_day.get(day, []), "zone": timezone.get_current_timezone_name(), "error": error,
    }, status=422 if error else 200)


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@roles_required(Role.PATIENT, Role.CLINICIAN)
def ics(request, booking_uuid):
    booking = policy.get_booking_or_404(request.user, booking_uuid)
    response = HttpResponse(services.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ldn-call-{str(booking.uuid)[:8]}.ics"'
    return response


def consultation_request(request):
    """The public "schedule a call" form: stored first, then confirmed; errors keep what was typed."""
    form = ConsultationRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                item = services.consultation_request_create(request=request, **data)
            except services.RateLimitedError as exc:
                form.add_error(None, str(exc))
                return render(request, "booking/request.html", {"form": form}, status=429)
            request.session["consultation_reference"] = item.reference
            return redirect("booking:request-sent")
        return render(request, "booking/request.html", {"form": form}, status=422)
    return render(request, "booking/request.html", {"form": form})


def consultation_request_sent(request):
    return render(request, "booking/request_sent.html", {"reference": request.session.get("consultation_reference")})


@roles_required(Role.CLINICIAN)
@require_POST
def request_handled(request, request_uuid):
    item = ConsultationRequest.objects.filter(uuid=request_uuid, practice_id=request.user.practice_id,
                                              practice__isnull=False).first()
    if item is None:
        raise Http404("Not found")
    try:
        services.consultation_request_handle(request=request, clinician=request.user, item=item)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Request {item.reference} marked as answered.")
    return redirect("booking:calls")
