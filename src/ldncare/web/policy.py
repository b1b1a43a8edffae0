"""The one access policy: every view and API operation asks here before touching health data.

The rules (security research §2.9; the issue's consent model):

* a **patient** owns their record: profile, plans, diary, analysis, audit trail;
* a **clinician** sees the record of a patient who has an *active* clinician grant to them,
  and may write plans for that patient and choose what the patient tracks (``tracking``: her
  outcomes and factors, not their values); never the diary's writes;
* a **pharmacist** sees only the plans (prescriptions) sent to their pharmacy by a patient
  who has chosen that pharmacy; never the diary, profile or analysis;
* an **admin** administers accounts, not health data: no record access at all;
* anyone else (anonymous, other patients) sees nothing.

Grants are read from the database on every call, so a revocation takes effect on the next
request. Callers turn "not visible" into a 404 (:func:`get_patient_or_404` and friends do it
and write the denied audit row), so that the existence of a record never leaks.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import Role
from ldncare.web.record.models import CheckIn, Plan, Profile

__all__ = [
    "RECORD_PARTS",
    "alerts_visible_to",
    "get_alert_or_404",
    "can_read",
    "can_write",
    "checkins_visible_to",
    "get_checkin_or_404",
    "get_patient_or_404",
    "patients_visible_to",
    "plans_visible_to",
    "audit_listed_plans",
    "bookings_visible_to",
    "get_booking_or_404",
    "get_slot_or_404",
    "can_book",
    "can_dispense",
    "can_prescribe",
    "prescriptions_visible_to",
    "trial_keys_visible_to",
    "trials_visible_to",
    "clinicians_bookable_by",
    "require",
    "slots_visible_to",
]

# The parts of a record and who may do what with them, for a user who can see the patient.
# "tracking" is which outcomes and factors the patient tracks (the items, not their values).
RECORD_PARTS = ("profile", "plan", "diary", "analysis", "audit", "grants", "export", "tracking")


def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def _active_clinician_grant(clinician, patient_ref: str):
    """Active grants from the outer row's patient (``patient_ref`` names it) to ``clinician``."""
    return Grant.objects.active().filter(kind=Grant.Kind.CLINICIAN, clinician=clinician, patient=OuterRef(patient_ref))


def patients_visible_to(user) -> QuerySet:
    """The patients whose record ``user`` may open (as a whole or in part)."""
    User = get_user_model()
    patients = User.objects.filter(role=Role.PATIENT, is_active=True)
    role = _role(user)
    if role == Role.PATIENT:
        return patients.filter(pk=user.pk)
    if role == Role.CLINICIAN:
        return patients.filter(Exists(_active_clinician_grant(user, "pk")))
    if role == Role.PHARMACIST and user.pharmacy_id:
        return patients.filter(pk__in=plans_visible_to(user).values("patient"))
    return patients.none()


def can_read(user, patient, part: str) -> bool:
    """May ``user`` read ``part`` (one of :data:`RECORD_PARTS`) of ``patient``'s record?"""
    if part not in RECORD_PARTS:
        raise ValueError(f"unknown record part {part!r}; allowed: {', '.join(RECORD_PARTS)}")
    role = _role(user)
    if role == Role.PATIENT:
        return user.pk == patient.pk
    if role == Role.CLINICIAN:
        if part in {"audit", "grants", "export"}:
            return False
        return Grant.objects.active().filter(kind=Grant.Kind.CLINICIAN, clinician=user, patient=patient).exists()
    if role == Role.PHARMACIST:
        return part == "plan" and plans_visible_to(user).filter(patient=patient).exists()
    return False


def can_write(user, patient, part: str) -> bool:
    """May ``user`` change ``part`` of ``patient``'s record?

    Patients write their own profile, diary, grants, tracked items and (marked as theirs) plans;
    clinicians with an active grant write plans and add or switch off the outcomes and factors the
    patient tracks (never their values). Nobody else writes health data.
    """
    role = _role(user)
    if role == Role.PATIENT:
        return user.pk == patient.pk and part in {"profile", "plan", "diary", "grants", "tracking"}
    if role == Role.CLINICIAN:
        return part in {"plan", "tracking"} and can_read(user, patient, part)
    return False


def plans_visible_to(user) -> QuerySet:
    """Plans ``user`` may read. Pharmacists: only those sent to their pharmacy, with consent."""
    role = _role(user)
    plans = Plan.objects.select_related("patient", "author", "sent_to_pharmacy")
    if role == Role.PATIENT:
        return plans.filter(patient=user)
    if role == Role.CLINICIAN:
        return plans.filter(Exists(_active_clinician_grant(user, "patient")))
    if role == Role.PHARMACIST and user.pharmacy_id:
        chosen = Grant.objects.active().filter(
            kind=Grant.Kind.PHARMACY, pharmacy_id=user.pharmacy_id, patient=OuterRef("patient")
        )
        return plans.filter(sent_to_pharmacy_id=user.pharmacy_id).filter(Exists(chosen))
    return plans.none()


def checkins_visible_to(user) -> QuerySet:
    """Diary days ``user`` may read: the patient's own, or a consenting patient's for a clinician."""
    role = _role(user)
    checkins = CheckIn.objects.prefetch_related("side_effects")
    if role == Role.PATIENT:
        return checkins.filter(patient=user)
    if role == Role.CLINICIAN:
        return checkins.filter(Exists(_active_clinician_grant(user, "patient")))
    return checkins.none()


def alerts_visible_to(user) -> QuerySet:
    """Alerts ``user`` may read: a clinician's own (while the patient still shares her record with
    them), a patient's about herself. Pharmacists and admins: none."""
    from ldncare.web.alerts.models import Alert

    alerts = Alert.objects.select_related("patient", "recipient", "acknowledged_by")
    role = _role(user)
    if role == Role.CLINICIAN:
        return alerts.filter(Exists(_active_clinician_grant(user, "patient")), recipient=user)
    if role == Role.PATIENT:
        return alerts.filter(patient=user)
    return alerts.none()


def get_alert_or_404(request, alert_uuid, *, action: str = "read", channel: str = "web"):
    """The alert if visible to the requester; acknowledging is the recipient clinician's (403 for the
    patient it is about); 404 otherwise. Audited either way."""
    from ldncare.web.alerts.models import Alert

    alert = alerts_visible_to(request.user).filter(uuid=alert_uuid).first()
    if alert is None:
        subject = Alert.objects.filter(uuid=alert_uuid).select_related("patient").first()
        require(request, allowed=False, patient=subject.patient if subject else None, object_type="alert",
                object_id=str(alert_uuid), action=action, channel=channel)
    if action != "read" and alert.recipient_id != request.user.pk:
        audit(request, subject=alert.patient, object_type="alert", object_id=str(alert_uuid), action=action,
              outcome=AuditEvent.Outcome.DENIED, channel=channel)
        raise PermissionDenied("Only the clinician the alert is for can acknowledge it.")
    return alert


def require(request, *, allowed: bool, patient, object_type: str, object_id: str = "", action: str = "read",
            channel: str = "web") -> None:
    """Audit the attempt and raise 404 when it is not allowed (never revealing the object)."""
    audit(
        request, subject=patient, object_type=object_type, object_id=object_id, action=action,
        outcome=AuditEvent.Outcome.ALLOWED if allowed else AuditEvent.Outcome.DENIED, channel=channel,
    )
    if not allowed:
        raise Http404("Not found")


def get_patient_or_404(request, public_id, *, part: str, action: str = "read", channel: str = "web"):
    """The patient ``public_id`` if the requester may ``action`` their ``part``; else 404 (audited)."""
    User = get_user_model()
    user = request.user
    if _role(user) == Role.PATIENT and user.is_active and user.public_id == public_id:
        patient = user  # her own record: loaded (and active) with this request's authentication, not looked up again
    else:
        patient = User.objects.filter(public_id=public_id, role=Role.PATIENT, is_active=True).first()
    if patient is None:
        audit(request, subject=None, object_type=part, object_id=str(public_id), action=action,
              outcome=AuditEvent.Outcome.DENIED, channel=channel)
        raise Http404("Not found")
    if action in {"read", "export"}:
        require(request, allowed=can_read(user, patient, part), patient=patient, object_type=part,
                object_id=str(public_id), action=action, channel=channel)
        return patient
    if can_write(user, patient, part):
        require(request, allowed=True, patient=patient, object_type=part, object_id=str(public_id),
                action=action, channel=channel)
        return patient
    # Not allowed to write: 403 if the caller may at least see this part (its existence is
    # no secret to them), else 404. Both are audited as denied.
    visible = can_read(user, patient, part) or can_read(user, patient, "diary")
    audit(request, subject=patient, object_type=part, object_id=str(public_id), action=action,
          outcome=AuditEvent.Outcome.DENIED, channel=channel)
    if visible:
        raise PermissionDenied("You may read this record but not change it.")
    raise Http404("Not found")


def get_checkin_or_404(request, patient, checkin_uuid, *, action: str = "read", channel: str = "web") -> CheckIn:
    """One diary day of ``patient`` (already authorised) or 404 (audited)."""
    checkin = checkins_visible_to(request.user).filter(patient=patient, uuid=checkin_uuid).first()
    require(request, allowed=checkin is not None, patient=patient, object_type="checkin",
            object_id=str(checkin_uuid), action=action, channel=channel)
    return checkin


def audit_listed_plans(request, plans, *, channel: str = "web") -> list:
    """Audit each plan shown in a list (a read of health data per patient), return them as a list."""
    plans = list(plans)
    for plan in plans:
        audit(request, subject=plan.patient, object_type="plan", object_id=str(plan.uuid), action="read",
              outcome=AuditEvent.Outcome.ALLOWED, channel=channel)
    return plans


def profile_of(patient) -> Profile:
    """The patient's profile, created empty on first use."""
    profile, _ = Profile.objects.get_or_create(patient=patient)
    return profile


# --- Booking a call (ldncare.web.booking) -------------------------------------------------
# A patient may book a call with a clinician they share their record with (an active grant),
# or with any clinician of that clinician's practice (a colleague may cover the call). The
# booking shows the clinician the patient's name and the time, never health data.


def clinicians_bookable_by(user) -> QuerySet:
    """Clinicians ``user`` (a patient) may book a call with; nobody else books calls."""
    User = get_user_model()
    clinicians = User.objects.filter(role=Role.CLINICIAN, is_active=True)
    if _role(user) != Role.PATIENT:
        return clinicians.none()
    granted = Grant.objects.active().filter(kind=Grant.Kind.CLINICIAN, patient=user)
    practices = User.objects.filter(pk__in=granted.values("clinician"), practice__isnull=False).values("practice")
    return clinicians.filter(Q(pk__in=granted.values("clinician")) | Q(practice__in=practices))


def can_book(user, clinician) -> bool:
    """May ``user`` book (or move a booking to) a call with ``clinician``?"""
    return clinicians_bookable_by(user).filter(pk=clinician.pk).exists()


def slots_visible_to(user) -> QuerySet:
    """Slots a patient may book (of bookable clinicians) or a clinician's own; none for others."""
    from ldncare.web.booking.models import Slot

    slots = Slot.objects.select_related("clinician", "clinician__practice")
    role = _role(user)
    if role == Role.CLINICIAN:
        return slots.filter(clinician=user)
    if role == Role.PATIENT:
        return slots.filter(clinician__in=clinicians_bookable_by(user))
    return slots.none()


def bookings_visible_to(user) -> QuerySet:
    """A patient's own bookings, or the bookings on a clinician's own slots."""
    from ldncare.web.booking.models import Booking

    bookings = Booking.objects.select_related("slot", "slot__clinician", "patient")
    role = _role(user)
    if role == Role.PATIENT:
        return bookings.filter(patient=user)
    if role == Role.CLINICIAN:
        return bookings.filter(slot__clinician=user)
    return bookings.none()


def get_slot_or_404(user, slot_uuid):
    """A slot ``user`` may see, by its public uuid; 404 (not 403) for any other."""
    slot = slots_visible_to(user).filter(uuid=slot_uuid).first()
    if slot is None:
        raise Http404("Not found")
    return slot


def get_booking_or_404(user, booking_uuid):
    """A booking ``user`` may see, by its public uuid; 404 (not 403) for any other."""
    booking = bookings_visible_to(user).filter(uuid=booking_uuid).first()
    if booking is None:
        raise Http404("Not found")
    return booking


# --- The care team (ldncare.web.clinic, ldncare.web.pharmacy) ------------------------------
# A prescription is visible exactly where its plan is (the plan's ``sent_to_pharmacy`` and the
# patient's pharmacy grant decide the pharmacy's access). A blinded trial's design (periods,
# bottle letters) is part of the plan: the patient and a granted clinician see it, and the
# pharmacy holding the key. The allocation key is the pharmacy's alone.


def prescriptions_visible_to(user) -> QuerySet:
    """Prescriptions whose plan ``user`` may read; a pharmacist only those addressed to their pharmacy."""
    from ldncare.web.clinic.models import Prescription

    prescriptions = Prescription.objects.select_related("patient", "plan", "pharmacy", "prescriber").filter(
        plan__in=plans_visible_to(user).values("pk"))
    if _role(user) == Role.PHARMACIST:
        return prescriptions.filter(pharmacy_id=user.pharmacy_id)
    return prescriptions


def can_prescribe(user, patient) -> bool:
    """Only a clinician with an active grant sends prescriptions and designs trials."""
    return _role(user) == Role.CLINICIAN and can_write(user, patient, "plan")


def can_dispense(user, prescription) -> bool:
    """A pharmacist of the prescription's pharmacy, while the patient still chooses it."""
    return _role(user) == Role.PHARMACIST and prescriptions_visible_to(user).filter(pk=prescription.pk).exists()


def trials_visible_to(user) -> QuerySet:
    """Blinded trials whose design (not key) ``user`` may see."""
    from ldncare.web.clinic.models import BlindedTrial

    trials = BlindedTrial.objects.select_related("patient", "pharmacy")
    role = _role(user)
    if role == Role.PATIENT:
        return trials.filter(patient=user)
    if role == Role.CLINICIAN:
        return trials.filter(Exists(_active_clinician_grant(user, "patient")))
    if role == Role.PHARMACIST:
        return trial_keys_visible_to(user)
    return trials.none()


def trial_keys_visible_to(user) -> QuerySet:
    """Blinded trials whose allocation key ``user`` may read: pharmacists of the trial's pharmacy only."""
    from ldncare.web.clinic.models import BlindedTrial

    if _role(user) != Role.PHARMACIST or not user.pharmacy_id:
        return BlindedTrial.objects.none()
    chosen = Grant.objects.active().filter(kind=Grant.Kind.PHARMACY, pharmacy_id=user.pharmacy_id,
                                           patient=OuterRef("patient"))
    return BlindedTrial.objects.select_related("patient", "pharmacy").filter(
        pharmacy_id=user.pharmacy_id).filter(Exists(chosen))
