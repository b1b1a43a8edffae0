"""Booking test world: a practice with two clinicians, two patients who share with one of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone


@pytest.fixture
def booking_world(db, fast_password_hashing, django_user_model, patient, stranger, clinician, pharmacist):
    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import Practice
    from ldncare.web.booking.models import Slot

    practice = Practice.objects.create(name="Booking Practice")
    other_practice = Practice.objects.create(name="Elsewhere Practice")
    clinician.practice = practice
    clinician.save()
    colleague = django_user_model.objects.create_user(username="dr_colleague", password="x" * 12, role="clinician",
                                                      practice=practice, email="colleague@example.org")
    outsider = django_user_model.objects.create_user(username="dr_outsider", password="x" * 12, role="clinician",
                                                     practice=other_practice)
    lonely = django_user_model.objects.create_user(username="lonely", password="x" * 12, role="patient")
    now = timezone.now()
    for p in (patient, stranger):
        Grant.objects.create(patient=p, kind="clinician", clinician=clinician, accepted_at=now)
    start = (now + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    slots = [Slot.objects.create(clinician=clinician, start_at=start + dt.timedelta(minutes=20 * i),
                                 end_at=start + dt.timedelta(minutes=20 * (i + 1))) for i in range(3)]
    colleague_slot = Slot.objects.create(clinician=colleague, start_at=start, end_at=start + dt.timedelta(minutes=20))
    outsider_slot = Slot.objects.create(clinician=outsider, start_at=start, end_at=start + dt.timedelta(minutes=20))
    return {"patient": patient, "stranger": stranger, "lonely": lonely, "clinician": clinician,
            "colleague": colleague, "outsider": outsider, "pharmacist": pharmacist, "slots": slots,
            "colleague_slot": colleague_slot, "outsider_slot": outsider_slot}


@pytest.fixture
def make_request():
    def make(user):
        request = RequestFactory().post("/")
        request.user = user
        return request

    return make
