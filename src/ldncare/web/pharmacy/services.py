"""Pharmacy writes: the dispensing record (audited in the same transaction)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.pharmacy.models import Dispensing

__all__ = ["dispensing_record"]


@transaction.atomic
def dispensing_record(*, request, prescription, lot_number: str, beyond_use_date: dt.date,
                      notes: str = "") -> Dispensing:
    """Record that ``request.user`` compounded and released ``prescription`` (lot, BUD, when)."""
    lot_number = lot_number.strip()
    if not lot_number:
        raise ValidationError({"lot_number": "Give the lot (batch) number written on the label."})
    if beyond_use_date < dt.date.today() - dt.timedelta(days=1):
        raise ValidationError({"beyond_use_date": "The beyond-use date is in the past."})
    dispensing = Dispensing.objects.create(prescription=prescription, pharmacist=request.user,
                                           lot_number=lot_number[:40], beyond_use_date=beyond_use_date,
                                           notes=notes[:1000])
    audit(request, subject=prescription.patient, object_type="dispensing", object_id=prescription.uuid,
          action="create", outcome=AuditEvent.Outcome.ALLOWED)
    return dispensing
