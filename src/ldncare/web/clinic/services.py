"""Clinician writes (HackSoft style, keyword-only, atomic, audited in the same transaction).

Called only after :mod:`ldncare.web.policy` allowed the write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ldncare.web.access.audit import audit
from ldncare.web.access.grants import active_pharmacy
from ldncare.web.access.models import AuditEvent
from ldncare.web.clinic.models import BlindedTrial, Prescription
from ldncare.web.record import core_bridge
from ldncare.web.record.models import Plan

__all__ = ["patient_alerts", "prescription_send", "trial_create"]

ALLOWED = AuditEvent.Outcome.ALLOWED


@transaction.atomic
def prescription_send(*, request, patient, plan: Plan, preparation: str, supply_start: dt.date, days_supply: int,
                      concentration_mg_per_ml: Decimal | None = None, override_reason: str = "") -> Prescription:
    """Send ``plan`` to the patient's chosen pharmacy as a prescription (directions from the plan).

    The prescribing guard: while the safety screen shows a contraindication for the patient,
    sending needs ``override_reason``; the reason and the findings are stored with the
    prescription (the pharmacist sees them) and the override is audited.
    """
    from ldncare.web.record.models import Profile

    pharmacy = active_pharmacy(patient)
    if pharmacy is None:
        raise ValidationError("The patient has not chosen a pharmacy; they choose one under Sharing.")
    standing = core_bridge.contraindications(Profile.objects.filter(patient=patient).first())
    override_reason = override_reason.strip()
    if standing and not override_reason:
        raise ValidationError({"override_reason": (
            f"Not sent: the safety screen shows a contraindication for this patient "
            f"({core_bridge.findings_summary(standing)}). To send it anyway, give your reason for overriding it.")})
    if preparation == Prescription.Preparation.LIQUID and not concentration_mg_per_ml:
        raise ValidationError({"concentration_mg_per_ml": "A liquid needs its strength in mg/mL."})
    if preparation == Prescription.Preparation.CAPSULES:
        concentration_mg_per_ml = None
    try:
        directions = core_bridge.prescription_directions(
            plan.steps, preparation=preparation, start=supply_start, days=days_supply,
            concentration_mg_per_ml=concentration_mg_per_ml)
        quantity, unit = core_bridge.prescription_quantity(
            plan.steps, preparation=preparation, start=supply_start, days=days_supply,
            concentration_mg_per_ml=concentration_mg_per_ml)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if plan.sent_to_pharmacy_id != pharmacy.pk:
        plan.sent_to_pharmacy = pharmacy
        plan.save(update_fields=["sent_to_pharmacy", "updated_at"])
    prescription = Prescription(
        plan=plan, patient=patient, prescriber=request.user, pharmacy=pharmacy, preparation=preparation,
        concentration_mg_per_ml=concentration_mg_per_ml, supply_start=supply_start, days_supply=days_supply,
        quantity=quantity, quantity_unit=unit, directions=directions,
        override_reason=override_reason if standing else "",
        overridden_findings=[{"title": f["title"], "matched": f["matched"]} for f in standing])
    prescription.full_clean(exclude=["patient", "prescriber", "plan", "pharmacy"])
    prescription.save()
    audit(request, subject=patient, object_type="prescription", object_id=prescription.uuid, action="create",
          outcome=ALLOWED)
    if standing:
        audit(request, subject=patient, object_type="safety_override", object_id=prescription.uuid, action="create",
              outcome=ALLOWED)
    # Once committed, the pharmacy's pharmacists are told by e-mail (ldncare.web.notify; no health details).
    from ldncare.web.notify.care_team import prescription_notify

    transaction.on_commit(lambda: prescription_notify(prescription))
    return prescription


@transaction.atomic
def trial_create(*, request, patient, pairs: int, period_weeks: int, start_date: dt.date,
                 dose_mg: float) -> BlindedTrial:
    """Design a blinded n-of-1 trial; the key is stored for the patient's chosen pharmacy only."""
    pharmacy = active_pharmacy(patient)
    if pharmacy is None:
        raise ValidationError("The patient has not chosen a pharmacy, which would hold the allocation key.")
    try:
        design, key = core_bridge.design_blinded_trial(pairs=pairs, period_weeks=period_weeks,
                                                       start_date=start_date, dose_mg=dose_mg)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    trial = BlindedTrial.objects.create(trial_id=design["trial_id"], patient=patient, designed_by=request.user,
                                        pharmacy=pharmacy, design_json=design, key_json=key)
    audit(request, subject=patient, object_type="trial", object_id=trial.trial_id, action="create", outcome=ALLOWED)
    return trial


def patient_alerts(request, patients, *, today: dt.date) -> list[dict]:
    """One row per patient with the alerts the core computes from their record (each read audited).

    The open alert records (``ldncare.web.alerts``: urgent or contact-prescriber reports) come first,
    in each row (``open_alerts``, and as the first ``alerts``) and in the order of the rows.
    """
    from ldncare.web import policy
    from ldncare.web.record.models import Profile

    patients = list(patients)
    reported: dict[int, list] = {}  # the open alert records, most urgent first (one query)
    for alert in policy.alerts_visible_to(request.user).open().filter(
            patient__in=[p.pk for p in patients]).most_urgent_first():
        reported.setdefault(alert.patient_id, []).append(alert)
    rows = []
    for patient in patients:
        checkins = list(policy.checkins_visible_to(request.user).filter(patient=patient))
        plan = policy.plans_visible_to(request.user).filter(patient=patient, is_current=True).first()
        in_trial = BlindedTrial.objects.filter(patient=patient).exists()
        alerts = [_reported_alert(a) for a in reported.get(patient.pk, [])]
        alerts += core_bridge.care_alerts(profile=Profile.objects.filter(patient=patient).first(), checkins=checkins,
                                          plan=plan, today=today, in_trial=in_trial)
        audit(request, subject=patient, object_type="alerts", object_id=patient.public_id, action="read",
              outcome=ALLOWED)
        rows.append({"patient": patient, "alerts": alerts, "open_alerts": reported.get(patient.pk, []),
                     "last_checkin": checkins[0].date if checkins else None})
    rows.sort(key=lambda r: (-len(r["open_alerts"]), -sum(a["level"] == "danger" for a in r["alerts"]),
                             -len(r["alerts"]), r["patient"].username))
    return rows


def _reported_alert(alert) -> dict:
    """An open alert record as a row of the patient list (the same shape as the core's alerts)."""
    return {"code": "reported", "level": "danger" if alert.level == alert.Level.URGENT_CARE else "attention",
            "title": f"{alert.get_level_display()}: {alert.effect_name} ({alert.severity})",
            "detail": (f"In the patient's words: “{alert.reported_text}”. " if alert.reported_text else "")
            + f"Advised: {alert.title}. Reported for {alert.day:%a %d %b}; not acknowledged yet."}
