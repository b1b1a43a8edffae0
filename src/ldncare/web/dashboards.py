"""The signed-in home of each role: what to do now, on one page (``/``, after sign-in).

* patient: today's check-in (done or not), tonight's dose from the plan, the side effects being
  followed (reported in the last 14 days), the next call, the progress headline, what waits to sync;
* clinician: open alerts first, then the patients (last check-in, how many alerts), the next calls;
* pharmacist: the prescriptions waiting to be compounded.

Each part reads through :mod:`ldncare.web.policy` (audited), as the pages it links to do.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ldncare.web import policy
from ldncare.web.accounts.models import Role

__all__ = ["FOLLOW_DAYS", "dashboard_context", "dashboard_template"]

FOLLOW_DAYS = 14  # side effects reported this many days back are "being followed" (the usual "week or two")
NEXT_CALLS = 3


def dashboard_template(user) -> str | None:
    return {Role.PATIENT: "home/patient.html", Role.CLINICIAN: "home/clinician.html",
            Role.PHARMACIST: "home/pharmacist.html"}.get(user.role)


def dashboard_context(request) -> dict:
    return {Role.PATIENT: _patient, Role.CLINICIAN: _clinician, Role.PHARMACIST: _pharmacist}[request.user.role](request)


def _next_calls(user) -> list:
    from ldncare.web.booking.models import Booking

    return list(policy.bookings_visible_to(user).filter(status=Booking.Status.BOOKED, slot__start_at__gt=timezone.now())
                .select_related("slot", "slot__clinician", "patient").order_by("slot__start_at")[:NEXT_CALLS])


def _patient(request) -> dict:
    from ldncare.web.record import core_bridge
    from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport
    from ldncare.web.record.vocab import side_effect_name

    patient = policy.get_patient_or_404(request, request.user.public_id, part="diary")
    today = timezone.localdate()
    checkins = CheckIn.objects.filter(patient=patient)
    plan = Plan.objects.filter(patient=patient, is_current=True).first()
    planned = core_bridge.planned_dose(plan, today)
    followed: dict[str, dict] = {}
    for report in (SideEffectReport.objects.filter(checkin__patient=patient,
                                                   checkin__date__gte=today - dt.timedelta(days=FOLLOW_DAYS))
                   .select_related("checkin").order_by("checkin__date")):
        seen = followed.setdefault(report.side_effect_id, {"name": side_effect_name(report.side_effect_id),
                                                           "first": report.checkin.date, "days": 0})
        seen.update(last=report.checkin.date, severity=report.get_severity_display().lower())
        seen["days"] += 1
    headline = None
    diary = core_bridge.load_diary(checkins)
    if diary.days:
        profile = Profile.objects.filter(patient=patient).first()
        analysis = core_bridge.analyze_diary(diary, outcome="pain", conditions=profile.condition_ids if profile else ())
        headline = analysis.get("headline") if analysis else None
    return {
        "today": today, "checked_in": checkins.filter(date=today).exists(), "plan": plan,
        "planned_dose_mg": format(planned[0].normalize(), "f") if planned else None, "planned_time": planned[1] if planned else None,
        "followed": sorted(followed.values(), key=lambda s: s["last"], reverse=True),
        "next_calls": _next_calls(patient), "headline": headline, "n_days": len(diary.days),
        "follow_days": FOLLOW_DAYS, "has_profile": Profile.objects.filter(patient=patient).exists(),
    }


def _clinician(request) -> dict:
    from ldncare.web.clinic.services import patient_alerts
    from ldncare.web.record import core_bridge

    patients = policy.patients_visible_to(request.user).order_by("last_name", "first_name", "username")
    rows = patient_alerts(request, patients, today=timezone.localdate())
    open_alerts = sorted((a for r in rows for a in r["open_alerts"] if a.recipient_id == request.user.pk),
                         key=lambda a: (core_bridge.urgency_rank(a.level), -a.created_at.timestamp()))
    rows.sort(key=lambda r: (not r["open_alerts"], not r["alerts"]))  # those needing action first
    return {"rows": rows, "open_alerts": open_alerts, "show_patient": True, "next_calls": _next_calls(request.user)}


def _pharmacist(request) -> dict:
    from ldncare.web.access.audit import audit
    from ldncare.web.access.models import AuditEvent
    from ldncare.web.pharmacy import services

    today = timezone.localdate()
    waiting = []
    for prescription in policy.prescriptions_visible_to(request.user).select_related("patient"):
        prescription.state, prescription.done, prescription.total = services.prescription_state(prescription,
                                                                                                today=today)
        if prescription.state != services.STATE_DISPENSED:
            audit(request, subject=prescription.patient, object_type="prescription", object_id=prescription.uuid,
                  action="read", outcome=AuditEvent.Outcome.ALLOWED)
            waiting.append(prescription)
    return {"waiting": waiting}
