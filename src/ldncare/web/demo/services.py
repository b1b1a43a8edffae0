"""The demo clinic: a practice, a pharmacy, a clinician, a pharmacist and three patients.

SYNTHETIC DATA. Every diary comes from ``ldncare.core.response.simulate_diary`` (seeded, so the
same clinic every time), every plan from ``ldncare.core.dosing.build_plan``, the blinded trial
from ``ldncare.core.response.design_trial``. Nothing here describes a real person.

* ``demo-responder`` (fibromyalgia): pain falls by ~3 points on 4.5 mg → ``likely_responder``;
* ``demo-nonresponder`` (Crohn's disease): no change, a headache that persists →
  ``likely_non_responder``;
* ``demo-trial`` (multiple sclerosis): an unclear open-label course, then a blinded n-of-1
  trial in progress; the allocation key is held for the pharmacy only (a ``clinic.BlindedTrial``).

Every user, practice and pharmacy created is listed in :class:`DemoObject`;
``demo_clinic_create(reset=True)`` deletes exactly those (and what cascades from them) in one
transaction before building again. Without ``reset`` an existing demo clinic is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ldncare.web.access.models import Grant
from ldncare.web.accounts.models import Pharmacy, Practice, Role
from ldncare.web.booking.models import Booking, Slot
from ldncare.web.clinic.models import BlindedTrial
from ldncare.web.demo.models import DemoObject
from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport

__all__ = ["DEMO_PASSWORD", "DemoClinic", "demo_clinic_create", "demo_clinic_delete", "demo_clinic_exists",
           "format_logins"]

DEMO_PASSWORD = "ldncare-demo"  # printed on purpose: demo data, no real person behind any account
PRACTICE_NAME = "Demo Practice (synthetic data)"
PHARMACY_NAME = "Demo Compounding Pharmacy (synthetic data)"
BASELINE_DAYS, STEP_DAYS, MAINTENANCE_DAYS = 28, 7, 100  # 142 days ≈ 4.7 months
DOSES_MG = (1.5, 3.0, 4.5)  # the article's titration: 1.5 → 3 → 4.5 mg (plan from the dosing core)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    description: str


@dataclass(frozen=True)
class DemoClinic:
    created: bool
    password: str
    logins: tuple[Login, ...]
    checkins: int


ACCOUNTS = (
    ("demo-clinician", Role.CLINICIAN, "Dr Mara", "Okafor", "clinician of the three demo patients"),
    ("demo-pharmacist", Role.PHARMACIST, "Tomas", "Lindqvist", "pharmacist: prescriptions and the trial key"),
    ("demo-responder", Role.PATIENT, "Rosa", "Alvarez", "fibromyalgia, responds to LDN"),
    ("demo-nonresponder", Role.PATIENT, "Noah", "Bennett", "Crohn's disease, no response, persistent headache"),
    ("demo-trial", Role.PATIENT, "Tara", "Singh", "multiple sclerosis, unclear response, in a blinded n-of-1 trial"),
)


def demo_clinic_exists() -> bool:
    return DemoObject.objects.exists()


def _logins() -> tuple[Login, ...]:
    return tuple(Login(username=u, role=str(r.label), description=d) for u, r, _, _, d in ACCOUNTS)


def format_logins(clinic: DemoClinic) -> str:
    """How to sign in, for the console (the password is shown: it is demo data)."""
    lines = [f"Demo clinic {'created' if clinic.created else 'already present'} (synthetic data). "
             f"Sign in with password '{clinic.password}' as:"]
    lines += [f"  {login.username:<18} {login.role:<13} {login.description}" for login in clinic.logins]
    lines.append("The clinician and the pharmacist set up two-step sign-in at their first sign-in "
                 "(scan the QR code with an authenticator app), as every staff account does.")
    return "\n".join(lines)


def demo_clinic_delete() -> int:
    """Delete exactly the demo rows (users first: practice and pharmacy are protected by them)."""
    with transaction.atomic():
        marks = DemoObject.objects.all()
        users = get_user_model().objects.filter(pk__in=marks.filter(kind="user").values("object_pk"))
        count = users.count()
        BlindedTrial.objects.filter(patient__in=users).delete()  # pharmacy-protected: before the pharmacy
        users.delete()  # cascades: profiles, plans, diaries, grants, slots, bookings
        Practice.objects.filter(pk__in=marks.filter(kind="practice").values("object_pk")).delete()
        Pharmacy.objects.filter(pk__in=marks.filter(kind="pharmacy").values("object_pk")).delete()
        marks.delete()
    return count


def demo_clinic_create(*, reset: bool = False, today: dt.date | None = None) -> DemoClinic:
    """Build the demo clinic (idempotent; ``reset`` deletes the demo data first, in the same transaction)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if reset:
            demo_clinic_delete()
        elif demo_clinic_exists():
            return DemoClinic(created=False, password=DEMO_PASSWORD, logins=_logins(),
                              checkins=CheckIn.objects.filter(patient__in=_demo_users()).count())
        users = _create_people()
        _create_records(users, today)
        _create_calls(users, today)
    return DemoClinic(created=True, password=DEMO_PASSWORD, logins=_logins(),
                      checkins=CheckIn.objects.filter(patient__in=_demo_users()).count())


def _demo_users():
    return get_user_model().objects.filter(pk__in=DemoObject.objects.filter(kind="user").values("object_pk"))


def _mark(kind: str, obj) -> None:
    DemoObject.objects.create(kind=kind, object_pk=obj.pk)


def _create_people() -> dict:
    from django.contrib.auth.hashers import make_password

    practice = Practice.objects.create(name=PRACTICE_NAME, city="Leeds")
    pharmacy = Pharmacy.objects.create(name=PHARMACY_NAME, city="Leeds")
    from ldncare.web.pharmacy.models import PharmacyDetails

    # Ofcom's range for drama (0113 496 0xxx): a number that reaches nobody, for the labels.
    PharmacyDetails.objects.create(pharmacy=pharmacy, phone="0113 496 0000")
    _mark("practice", practice)
    _mark("pharmacy", pharmacy)
    hashed = make_password(DEMO_PASSWORD)  # hash once (Argon2 is deliberately slow)
    User = get_user_model()
    users = {"practice": practice, "pharmacy": pharmacy}
    for username, role, first, last, _ in ACCOUNTS:
        user = User(username=username, email=f"{username}@demo.invalid", first_name=first, last_name=last,
                    role=role, password=hashed, practice=practice if role == Role.CLINICIAN else None,
                    pharmacy=pharmacy if role == Role.PHARMACIST else None)
        user.save()
        _mark("user", user)
        users[username] = user
    return users


def _store_diary(patient, diary) -> None:
    checkins = [CheckIn(patient=patient, date=d.date,
                        ldn_dose_mg=Decimal(str(d.ldn_dose_mg)) if d.ldn_dose_mg is not None else None,
                        dose_time=d.dose_time, notes=d.notes,
                        **{field: int(d.scores[name]) for name, field in core_bridge.SCORE_FIELDS.items()
                           if name in d.scores})
                for d in diary.days]
    CheckIn.objects.bulk_create(checkins)
    by_date = {c.date: c for c in CheckIn.objects.filter(patient=patient)}
    SideEffectReport.objects.bulk_create([
        SideEffectReport(checkin=by_date[d.date], side_effect_id=se, severity=severity)
        for d in diary.days for se, severity in dict(d.side_effects).items()])


def _plan(patient, clinician, pharmacy, *, start: dt.date, current: bool) -> Plan:
    built = core_bridge.build_protocol_plan(protocol="article", start_date=start, target_mg=4.5, time=dt.time(22, 0))
    return Plan.objects.create(patient=patient, author=clinician, source=Plan.Source.CLINICIAN, steps=built["steps"],
                               target_dose_mg=Decimal(str(built["target_mg"])), protocol=built["protocol"],
                               notes=built["notes"], sent_to_pharmacy=pharmacy, is_current=current)


def _create_records(users: dict, today: dt.date) -> None:
    from ldncare.core import response

    clinician, pharmacy = users["demo-clinician"], users["pharmacy"]
    now = timezone.now()
    conditions = {"demo-responder": ["fibromyalgia"], "demo-nonresponder": ["crohns-disease"],
                  "demo-trial": ["multiple-sclerosis"]}
    medicines = {"demo-responder": ["vitamin D"], "demo-nonresponder": ["mesalazine"], "demo-trial": []}
    for username in conditions:
        patient = users[username]
        Profile.objects.create(patient=patient, condition_ids=conditions[username], medicines=medicines[username])
        Grant.objects.create(patient=patient, kind=Grant.Kind.CLINICIAN, clinician=clinician, accepted_at=now)
        Grant.objects.create(patient=patient, kind=Grant.Kind.PHARMACY, pharmacy=pharmacy, accepted_at=now)

    n_days = BASELINE_DAYS + STEP_DAYS * (len(DOSES_MG) - 1) + MAINTENANCE_DAYS
    start = today - dt.timedelta(days=n_days - 1)
    common = {"start": start, "baseline_days": BASELINE_DAYS, "doses_mg": DOSES_MG, "step_days": STEP_DAYS,
              "maintenance_days": MAINTENANCE_DAYS, "write_phase": False}
    responder = response.simulate_diary({"pain": -3.0, "fatigue": -2.0, "sleep_quality": 1.5, "mood": 1.0},
                                        seed=2026, **common)
    non_responder = response.simulate_diary({"pain": 0.0}, seed=2027, persistent_side_effect="headache", **common)
    for username, diary in (("demo-responder", responder), ("demo-nonresponder", non_responder)):
        _store_diary(users[username], diary)
        _plan(users[username], clinician, pharmacy, start=start + dt.timedelta(days=BASELINE_DAYS), current=True)

    # The trial patient: 10 weeks open-label (a small, unclear change), then a blinded trial in progress.
    trial_start = today - dt.timedelta(days=48)
    open_days = (trial_start - start).days
    open_label = response.simulate_diary({"pain": -1.0}, seed=2028, **{**common, "maintenance_days": open_days - 42})
    design, key = response.design_trial(pairs=3, period_weeks=4, start_date=trial_start, seed=2029, dose_mg=4.5)
    blinded = response.simulate_trial_diary(design, key, effect_points=-1.5, seed=2030, write_phase=False,
                                            base_mean=5.0)
    days = [d for d in open_label.days if d.date < trial_start] + [d for d in blinded.days if d.date <= today]
    _store_diary(users["demo-trial"], response.Diary(days=tuple(days), outcomes=("pain",)))
    patient = users["demo-trial"]
    _plan(patient, clinician, pharmacy, start=start + dt.timedelta(days=BASELINE_DAYS), current=False)
    periods = "; ".join(f"{p.label}: {p.start_date:%d %b} to {p.end_date:%d %b %Y}" for p in design.periods)
    Plan.objects.create(
        patient=patient, author=clinician, source=Plan.Source.CLINICIAN, protocol="n-of-1",
        target_dose_mg=Decimal("4.5"), sent_to_pharmacy=pharmacy, is_current=True,
        steps=[{"start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(), "dose_mg": 4.5,
                "time": "22:00", "bottle": p.bottle} for p in design.periods],
        notes=(f"Blinded n-of-1 trial {design.trial_id}: one capsule at 22:00 from the bottle of each period "
               f"(LDN 4.5 mg or placebo; the pharmacy holds the key). {periods}."))
    BlindedTrial.objects.create(trial_id=design.trial_id, patient=patient, designed_by=clinician, pharmacy=pharmacy,
                                design_json=design.model_dump(mode="json"), key_json=key.model_dump(mode="json"))


def _create_calls(users: dict, today: dt.date) -> None:
    """Published times for the next two weeks' weekday mornings; the responder has booked one."""
    clinician = users["demo-clinician"]
    zone = timezone.get_current_timezone()
    slots = []
    for offset in range(1, 15):
        day = today + dt.timedelta(days=offset)
        if day.weekday() < 5:
            for minute in (0, 20, 40):
                start = dt.datetime.combine(day, dt.time(9, minute), tzinfo=zone)
                slots.append(Slot(clinician=clinician, start_at=start, end_at=start + dt.timedelta(minutes=20)))
    slots = Slot.objects.bulk_create(slots)
    Booking.objects.create(slot=slots[0], patient=users["demo-responder"])
