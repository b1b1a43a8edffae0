"""The web test world: a practice, two pharmacies, consent in every state, and marked data.

Named actors (healthchecks style, extending the root conftest's users):
``patient`` owns the record; ``stranger`` is another patient; ``clinician`` has an active
grant from ``patient``; ``clinician_none`` has none; ``clinician_revoked`` had one;
``pharmacist`` works at the pharmacy ``patient`` chose and sent a plan to;
``pharmacist_other`` works elsewhere; ``admin`` administers accounts.
The patient's diary note and plan note carry markers, so a leak shows in any response body.

Signing in: ``client.force_login(user)`` is a complete sign-in, for staff too (password and the
second factor: a confirmed TOTP device and an OTP-verified session); ``force_login(user,
verified=False)`` stops after the password. Other clients use ``login_verified(client, user)``.
Failed sign-ins are counted by django-axes in the database, so each test starts with none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

NOTE_MARKER = "MARKER-NOTE-7f3a"
PLAN_MARKER = "MARKER-PLAN-7f3a"


def _totp_code(device, *, at: float | None = None) -> str:
    """The code the user's authenticator app shows now (or at Unix time ``at``) for this TOTP device."""
    from django_otp.oath import TOTP

    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        generator.time = at
    return f"{generator.token():0{device.digits}d}"


def _confirmed_device(user):
    """The user's confirmed TOTP device (created when missing), as after enrolment."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test phone", confirmed=True)


def _login_verified(client, user) -> None:
    """Sign ``user`` in on ``client`` as after the full sign-in: password and, for staff, the code step.

    Staff (clinicians, pharmacists, admins) get a confirmed TOTP device and an OTP-verified session;
    others are signed in as ``force_login`` does.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from ldncare.web.accounts.otp import must_use_second_factor

    Client.force_login(client, user)
    if must_use_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = _confirmed_device(user).persistent_id
        session.save()


class VerifiedClient(Client):
    """The test client whose ``force_login`` is a complete sign-in (see :func:`_login_verified`).

    ``force_login(user, verified=False)`` stops after the password, as a staff member who has not
    given their code yet.
    """

    def force_login(self, user, backend=None, *, verified: bool = True):
        if verified:
            _login_verified(self, user)
        else:
            super().force_login(user, backend)


@pytest.fixture
def login_verified():
    """``login_verified(client, user)``: a complete sign-in on any test client (see ``_login_verified``)."""
    return _login_verified


@pytest.fixture
def totp_code():
    """``totp_code(device, at=None)``: the 6-digit code an authenticator app shows for the device."""
    return _totp_code


@pytest.fixture
def otp_device():
    """``otp_device(user)``: the user's confirmed TOTP device, created when missing."""
    return _confirmed_device


@pytest.fixture
def client():
    """pytest-django's ``client``, signing staff in with their second factor (``VerifiedClient``)."""
    return VerifiedClient()


@pytest.fixture
def fast_password_hashing(settings):
    """Argon2 is the real hasher (tested in accounts); tests use a fast one to stay quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def practice(db):
    from ldncare.web.accounts.models import Practice

    return Practice.objects.create(name="Riverside Practice", city="Leeds")


@pytest.fixture
def pharmacy(db):
    from ldncare.web.accounts.models import Pharmacy

    return Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")


@pytest.fixture
def other_pharmacy(db):
    from ldncare.web.accounts.models import Pharmacy

    return Pharmacy.objects.create(name="Other Pharmacy", city="York")


@pytest.fixture
def world(db, fast_password_hashing, django_user_model, patient, stranger, clinician, pharmacist, admin, practice, pharmacy, other_pharmacy):
    """Everything the access matrix needs, as a dict of named objects."""
    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import ApiToken
    from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport

    def make(username, role, **extra):
        return django_user_model.objects.create_user(username=username, password="x" * 12, role=role, **extra)

    # Push the record ids away from the user ids, so that a query that confuses the two
    # (e.g. an OuterRef to the wrong primary key) fails on SQLite too, not only on PostgreSQL.
    for i in range(7):
        Plan.objects.create(patient=stranger, source="patient", target_dose_mg=Decimal("1"), steps=[], is_current=False)
        CheckIn.objects.create(patient=stranger, date=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    clinician.practice = practice
    clinician.save()
    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    clinician_none = make("dr_none", "clinician", practice=practice)
    clinician_revoked = make("dr_revoked", "clinician", practice=practice)
    pharmacist_other = make("pharm_other", "pharmacist", pharmacy=other_pharmacy)
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician_revoked, accepted_at=now, revoked_at=now)
    grant_pharmacy = Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    Profile.objects.create(patient=patient, condition_ids=["fibromyalgia"], medicines=["ibuprofen"])
    day = timezone.localdate() - dt.timedelta(days=1)
    checkin = CheckIn.objects.create(patient=patient, date=day, ldn_dose_mg=Decimal("1.5"), dose_time=dt.time(22),
                                     pain_score=6, fatigue_score=5, sleep_quality_score=4, mood_score=5,
                                     notes=NOTE_MARKER)
    SideEffectReport.objects.create(checkin=checkin, side_effect_id="vivid_dreams", severity="mild")
    plan = Plan.objects.create(patient=patient, author=clinician, source="clinician", target_dose_mg=Decimal("4.5"),
                               steps=[{"start_date": day.isoformat(), "end_date": None, "dose_mg": 1.5, "time": "22:00"}],
                               notes=PLAN_MARKER, sent_to_pharmacy=pharmacy)
    stranger_checkin = CheckIn.objects.create(patient=stranger, date=day, pain_score=2, notes="stranger's day")
    token, _ = ApiToken.issue(user=patient, name="phone")
    return {
        "anon": None, "owner": patient, "stranger": stranger, "clin_ok": clinician, "clin_none": clinician_none,
        "clin_revoked": clinician_revoked, "pharm_ok": pharmacist, "pharm_other": pharmacist_other, "admin": admin,
        "checkin": checkin, "plan": plan, "stranger_checkin": stranger_checkin, "grant_pharmacy": grant_pharmacy,
        "token": token,
    }
