"""Pharmacy writes and the state of a prescription's preparations.

A prescription is a list of preparations (``core_bridge.compound_prescription``, from
``ldncare.core.dosing.plan_preparations``). Each is dispensed on its own record: lot, made-on
date, BUD (never later than the made-on date allows for the form, and not before the bottle's
last day of use unless a shorter supply is recorded), who made and who checked it. The
prescription's state follows its preparations: waiting, partly dispensed, dispensed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ldncare.core.dosing import dispensing_problems
from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.models import Role
from ldncare.web.pharmacy.models import Dispensing, PharmacyDetails
from ldncare.web.record import core_bridge

__all__ = [
    "FORMULA_CAPSULES",
    "STATE_DISPENSED",
    "STATE_PARTLY",
    "STATE_WAITING",
    "dispensing_record",
    "pharmacy_details_save",
    "prescription_formula",
    "prescription_preparations",
    "prescription_state",
    "rx_number",
]

STATE_WAITING, STATE_PARTLY, STATE_DISPENSED = "waiting", "partly dispensed", "dispensed"
FORMULA_CAPSULES = "capsules"
LIQUID_FORMULAS = {"water-unpreserved": False, "fawcett-1mg-per-ml": True}


def rx_number(prescription) -> str:
    """The prescription's number as people read it on a label: ``RX-`` and 8 characters of its UUID."""
    return f"RX-{prescription.uuid.hex[:8].upper()}"


def prescription_formula(prescription, requested: str | None = None) -> str:
    """The formula the prescription is made with: the one already dispensed, else ``requested``, else
    the default (capsules; for liquids the unpreserved formula)."""
    if prescription.preparation == "capsules":
        return FORMULA_CAPSULES
    recorded = next((d.formula for d in prescription.dispensings.all() if d.formula), None)
    if recorded:
        return recorded
    return requested if requested in LIQUID_FORMULAS else "water-unpreserved"


def prescription_preparations(prescription, *, today: dt.date, formula: str | None = None,
                               fill_weight_mg=None) -> dict:
    """The compounding of ``prescription`` with each preparation's dispensing state.

    Each preparation gets ``records`` (its dispensings), ``supplied_until`` (last day covered),
    ``state`` and ``next_first_use`` (the first day not yet supplied).
    """
    formula = prescription_formula(prescription, formula)
    result = core_bridge.compound_prescription(prescription, today=today, preserved=LIQUID_FORMULAS.get(formula, False),
                                               fill_weight_mg=fill_weight_mg)
    result["formula"] = formula
    records = [d for d in prescription.dispensings.all() if d.preparation_number is not None]
    for prep in result["preparations"]:
        mine = [d for d in records if d.preparation_number == prep["number"]]
        until = max((d.last_use for d in mine if d.last_use), default=None)
        prep["records"] = mine
        prep["supplied_until"] = until
        prep["next_first_use"] = prep["first_use"] if until is None else until + dt.timedelta(days=1)
        prep["state"] = (STATE_WAITING if not mine else STATE_DISPENSED if until >= prep["last_use"] else STATE_PARTLY)
    preps = result["preparations"]
    done = sum(p["state"] == STATE_DISPENSED for p in preps)
    legacy = any(d.preparation_number is None for d in prescription.dispensings.all())
    if preps and done == len(preps):
        result["state"] = STATE_DISPENSED
    elif records or legacy:
        result["state"] = STATE_PARTLY
    else:
        result["state"] = STATE_WAITING
    result["done"], result["total"] = done, len(preps)
    return result


def prescription_state(prescription, *, today: dt.date) -> tuple[str, int, int]:
    """``(state, preparations dispensed, preparations)`` of a prescription."""
    result = prescription_preparations(prescription, today=today)
    return result["state"], result["done"], result["total"]


@transaction.atomic
def dispensing_record(*, request, prescription, preparation_number: int, lot_number: str, made_on: dt.date,
                      beyond_use_date: dt.date, checked_by, supplied_until: dt.date | None = None,
                      formula: str | None = None, notes: str = "") -> Dispensing:
    """Record that ``request.user`` made preparation ``preparation_number`` of ``prescription`` and
    ``checked_by`` checked it; refuse (``ValidationError`` by field) a BUD the preparation cannot carry."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    lot_number = (lot_number or "").strip()
    if not lot_number:
        errors["lot_number"] = "Give the lot (batch) number written on the label."
    result = prescription_preparations(prescription, today=today, formula=formula)
    if result["error"]:
        raise ValidationError({"preparation": f"The calculator refused this prescription: {result['error']}"})
    prep = next((p for p in result["preparations"] if p["number"] == preparation_number), None)
    if prep is None:
        raise ValidationError({"preparation": f"There is no preparation {preparation_number}; allowed: 1 to "
                                              f"{len(result['preparations'])}."})
    if prep["state"] == STATE_DISPENSED:
        raise ValidationError({"preparation": f"Preparation {preparation_number} is already dispensed to "
                                              f"{prep['last_use']:%d %b %Y}."})
    first = prep["next_first_use"]
    until = supplied_until or prep["last_use"]
    errors.update(dispensing_problems(first_use=first, last_use=prep["last_use"], bud_days=prep["bud_days"],
                                      made_on=made_on, beyond_use_date=beyond_use_date, today=today,
                                      supplied_until=supplied_until))
    if checked_by is None or checked_by.role != Role.PHARMACIST or checked_by.pharmacy_id != request.user.pharmacy_id:
        errors["checked_by"] = "Choose the pharmacist of your pharmacy who checked the preparation."
    if errors:
        raise ValidationError(errors)
    dispensing = Dispensing.objects.create(
        prescription=prescription, preparation_number=preparation_number, formula=result["formula"],
        dose_mg=Decimal(str(prep["dose_mg"])), first_use=first, last_use=until, made_on=made_on,
        pharmacist=request.user, checked_by=checked_by, lot_number=lot_number[:40], beyond_use_date=beyond_use_date,
        notes=(notes or "")[:1000])
    audit(request, subject=prescription.patient, object_type="dispensing", object_id=prescription.uuid,
          action="create", outcome=AuditEvent.Outcome.ALLOWED)
    return dispensing


@transaction.atomic
def pharmacy_details_save(*, request, phone: str, address: str = "") -> PharmacyDetails:
    """Set the phone (and address) that the labels of ``request.user``'s pharmacy carry."""
    phone = (phone or "").strip()
    if not phone:
        raise ValidationError({"phone": "Give the phone number patients call with questions about their medicine."})
    details, _ = PharmacyDetails.objects.update_or_create(
        pharmacy=request.user.pharmacy, defaults={"phone": phone[:40], "address": (address or "").strip()[:200]})
    return details
